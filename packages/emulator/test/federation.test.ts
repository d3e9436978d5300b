import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import { rmSync } from "node:fs";
import { DEFAULT_CLIENT_ID, DEFAULT_FEDERATED_SUBJECT, DEFAULT_TENANT_ID, TOKEN_EXCHANGE_AUDIENCE } from "@azid/emulator";
import { send, startTestEmulator, tempDir, tokenPath } from "./support/client.js";

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const PIPELINE_APP = "f3d3a1b2-0000-4000-8000-00000000f3d3";

describe("federated assertions", () => {
  const dataDir = tempDir("federation");
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  let external: Awaited<ReturnType<typeof startTestEmulator>>;

  before(async () => {
    // Same dataDir, same CA: the first emulator trusts the second one's HTTPS like any issuer's.
    // (They share the signing key too, so the test proves the keys are fetched, not that they differ.)
    emu = await startTestEmulator({ dataDir });
    external = await startTestEmulator({ dataDir });
    emu.config.tenants[0]!.apps.push({
      clientId: PIPELINE_APP,
      federatedCredentials: [
        { issuer: emu.federation.issuerUrl("pipelines"), subject: "sc://org/project/connection", audiences: [TOKEN_EXCHANGE_AUDIENCE] },
        { issuer: external.federation.issuerUrl("github"), subject: "repo:azid/azid:ref:refs/heads/main", audiences: [TOKEN_EXCHANGE_AUDIENCE] },
      ],
    });
  });
  after(async () => {
    await Promise.all([emu.stop(), external.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const exchange = (assertion: string, clientId = PIPELINE_APP) =>
    send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: {
        grant_type: "client_credentials",
        client_id: clientId,
        scope: "https://management.azure.com/.default",
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion,
      },
    });

  it("serves each issuer's discovery document and keys", async () => {
    const config = await send(emu, "/federation/pipelines/.well-known/openid-configuration");
    assert.equal(config.status, 200);
    assert.equal(config.json.issuer, emu.federation.issuerUrl("pipelines"));
    const jwks = await send(emu, new URL(String(config.json.jwks_uri)).pathname);
    assert.equal(jwks.status, 200);
    assert.equal((jwks.json.keys as unknown[]).length, 1);
    assert.equal(emu.requests.at(-1)?.route, "federation");
  });

  it("exchanges a token from the emulator's own issuer", async () => {
    const assertion = emu.federation.mint({ issuer: "pipelines", subject: "sc://org/project/connection" });
    const res = await exchange(assertion);
    assert.equal(res.status, 200, res.body);
    const { payload } = emu.decodeToken(String(res.json.access_token));
    assert.equal(payload.appid, PIPELINE_APP);
    assert.equal(payload.appidacr, "2");
    // Federated tokens are reused by clients (a Kubernetes token file for minutes): no replay check.
    assert.equal((await exchange(assertion)).status, 200);
  });

  it("trusts the default app's workload identity out of the box ({emulator} placeholder)", async () => {
    const res = await exchange(emu.federation.mint({ subject: DEFAULT_FEDERATED_SUBJECT }), DEFAULT_CLIENT_ID);
    assert.equal(res.status, 200, res.body);
  });

  it("verifies a remote issuer through its discovery document and JWKS over HTTPS", async () => {
    const before = external.requests.length;
    const res = await exchange(external.federation.mint({ issuer: "github", subject: "repo:azid/azid:ref:refs/heads/main" }));
    assert.equal(res.status, 200, res.body);
    const fetched = external.requests.slice(before).map((r) => r.path);
    assert.deepEqual(fetched, ["/federation/github/.well-known/openid-configuration", "/federation/github/jwks"]);
  });

  it("answers AADSTS70021 with Entra's description when no record matches", async () => {
    const res = await exchange(emu.federation.mint({ issuer: "pipelines", subject: "sc://org/project/other", audience: "api://wrong" }));
    assert.equal(res.status, 400, res.body);
    assert.equal(res.json.error, "invalid_request");
    assert.deepEqual(res.json.error_codes, [70021]);
    assert.match(
      String(res.json.error_description),
      new RegExp(
        `^AADSTS70021: No matching federated identity record found for presented assertion\\. Assertion Issuer: '${emu.federation.issuerUrl("pipelines").replace(/[.]/g, "\\.")}'\\. Assertion Subject: 'sc://org/project/other'\\. Assertion Audience: 'api://wrong'\\.`,
      ),
    );
  });

  it("matches subjects exactly (case-sensitive)", async () => {
    const res = await exchange(emu.federation.mint({ issuer: "pipelines", subject: "SC://org/project/connection" }));
    assert.deepEqual(res.json.error_codes, [70021]);
  });

  it("rejects a token signed by someone else in the issuer's name", async () => {
    const genuine = emu.federation.mint({ issuer: "pipelines", subject: "sc://org/project/connection" });
    const [header, payload] = genuine.split(".");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const forged = `${header}.${payload}.${sign("sha256", Buffer.from(`${header}.${payload}`), privateKey).toString("base64url")}`;
    const res = await exchange(forged);
    assert.equal(res.status, 401, res.body);
    assert.deepEqual(res.json.error_codes, [700027]);
  });

  it("rejects an expired federated token", async () => {
    const now = Math.floor(Date.now() / 1000);
    const res = await exchange(
      emu.federation.mint({ issuer: "pipelines", subject: "sc://org/project/connection", claims: { iat: now - 7200, nbf: now - 7200, exp: now - 3600 } }),
    );
    assert.equal(res.status, 401, res.body);
    assert.deepEqual(res.json.error_codes, [700024]);
  });

  it("reports an unreachable trusted issuer", async () => {
    const app = emu.config.tenants[0]!.apps.find((a) => a.clientId === PIPELINE_APP)!;
    app.federatedCredentials!.push({ issuer: "http://127.0.0.1:9/nowhere", subject: "s", audiences: [TOKEN_EXCHANGE_AUDIENCE] });
    const res = await exchange(emu.federation.mint({ issuer: "http://127.0.0.1:9/nowhere", subject: "s" }));
    assert.equal(res.status, 401, res.body);
    assert.deepEqual(res.json.error_codes, [50166]);
  });
});
