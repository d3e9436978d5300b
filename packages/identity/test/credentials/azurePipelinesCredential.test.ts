// AzurePipelinesCredential against the emulator's Azure DevOps OIDC endpoint and token service.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { DEFAULT_CLIENT_ID, DEFAULT_PIPELINES_SERVICE_CONNECTION_ID } from "@azid/emulator";
import { AuthenticationError, AzurePipelinesCredential, CredentialUnavailableError } from "../../src/index.js";
import { tokenCache } from "../../src/core/cache/tokenCache.js";
import { captureLogs, decodeJwt, useEmulator } from "../support/emulator.js";

const STORAGE = "https://storage.azure.com/.default";
const env = useEmulator();
const saved = { ...process.env };
beforeEach(() => {
  tokenCache.clear();
  env.emu.faults.clear();
  process.env.SYSTEM_OIDCREQUESTURI = env.emu.pipelines.oidcRequestUri;
});
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

const make = (overrides: { serviceConnectionId?: string; systemAccessToken?: string } = {}) =>
  new AzurePipelinesCredential(
    env.tenantId,
    DEFAULT_CLIENT_ID,
    overrides.serviceConnectionId ?? DEFAULT_PIPELINES_SERVICE_CONNECTION_ID,
    overrides.systemAccessToken ?? env.emu.pipelines.systemAccessToken,
    env.options,
  );

describe("AzurePipelinesCredential", () => {
  it("asks SYSTEM_OIDCREQUESTURI for the service connection's OIDC token and exchanges it", async () => {
    const token = await make().getToken(STORAGE);
    assert.equal(decodeJwt(token.token).payload.appid, DEFAULT_CLIENT_ID);
    const oidc = env.emu.requests.filter((r) => r.route === "pipelines").at(-1)!;
    assert.equal(oidc.method, "POST");
    assert.equal(oidc.query["api-version"], "7.1");
    assert.equal(oidc.query.serviceConnectionId, DEFAULT_PIPELINES_SERVICE_CONNECTION_ID);
    assert.equal(oidc.headers.authorization, `Bearer ${env.emu.pipelines.systemAccessToken}`);
    assert.equal(oidc.headers["x-tfs-fedauthredirect"], "Suppress");
    const assertion = env.tokenRequests().at(-1)!.form!.client_assertion!;
    assert.equal(decodeJwt(assertion).payload.sub, env.emu.pipelines.subject);
  });

  it("a refused system access token says how to map $(System.AccessToken), never echoing it", async () => {
    const { error, lines } = await captureLogs(() => make({ systemAccessToken: "not-the-job-token-123" }).getToken(STORAGE));
    assert.ok(error instanceof AuthenticationError);
    assert.equal(error.statusCode, 401);
    assert.match(error.message, /System\.AccessToken/);
    for (const text of [error.message, ...lines]) assert.ok(!text.includes("not-the-job-token-123"));
  });

  it("an unknown service connection says to use its ID", async () => {
    await assert.rejects(
      make({ serviceConnectionId: "00000000-0000-0000-0000-000000000000" }).getToken(STORAGE),
      (e: AuthenticationError) => e.statusCode === 404 && /service connection's ID/.test(e.message),
    );
  });

  it("a non-JSON 200 answer is a clear error", async () => {
    env.emu.faults.add({ route: "pipelines", malformed: "html", times: 1 });
    await assert.rejects(make().getToken(STORAGE), /not JSON|oidcToken/);
  });

  it("outside a pipeline (no SYSTEM_OIDCREQUESTURI) it is unavailable at construction; arguments are validated", () => {
    delete process.env.SYSTEM_OIDCREQUESTURI;
    assert.throws(
      () => make(),
      (e: Error) => e instanceof CredentialUnavailableError && /SYSTEM_OIDCREQUESTURI is not set/.test(e.message),
    );
    process.env.SYSTEM_OIDCREQUESTURI = "http://dev.azure.example.com/oidc";
    assert.throws(() => make(), /must use https/);
    process.env.SYSTEM_OIDCREQUESTURI = env.emu.pipelines.oidcRequestUri;
    assert.throws(() => make({ serviceConnectionId: "" }), /serviceConnectionId is a required parameter/);
  });
});
