// Service Fabric (protocols.md 3.6): HTTPS with its own self-signed certificate, pinned by thumbprint.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { DEFAULT_SYSTEM_IDENTITY_CLIENT_ID, DEFAULT_USER_IDENTITY_CLIENT_ID } from "@azid/emulator";
import { startTestEmulator } from "./support/client.js";
import { miRequest, payloadOf, withQuery } from "./support/managedIdentity.js";

const RESOURCE = "https://vault.azure.net/";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("Service Fabric", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator({ recordSecrets: true }); // these tests assert the secret each client sent
  });
  after(() => emu.stop());

  const env = () => emu.managedIdentity.env("serviceFabric");
  const serviceFabric = (query: Record<string, string> = {}, headers: Record<string, string> = { secret: env().IDENTITY_HEADER! }) =>
    miRequest(withQuery(env().IDENTITY_ENDPOINT!, { "api-version": "2019-07-01-preview", resource: RESOURCE, ...query }), {
      headers,
      ca: emu.managedIdentity.serviceFabricCertPem,
    });

  it("announces IDENTITY_ENDPOINT (https), IDENTITY_HEADER and IDENTITY_SERVER_THUMBPRINT", () => {
    assert.deepEqual(Object.keys(env()).sort(), ["IDENTITY_ENDPOINT", "IDENTITY_HEADER", "IDENTITY_SERVER_THUMBPRINT"]);
    assert.equal(env().IDENTITY_ENDPOINT, emu.managedIdentity.serviceFabricUrl);
    assert.match(emu.managedIdentity.serviceFabricUrl, /^https:\/\/127\.0\.0\.1:\d+\/metadata\/identity\/oauth2\/token$/);
    assert.match(env().IDENTITY_SERVER_THUMBPRINT!, /^[0-9A-F]{40}$/);
    assert.notEqual(env().IDENTITY_HEADER, emu.managedIdentity.env("appService").IDENTITY_HEADER);
  });

  it("presents a certificate whose SHA-1 thumbprint is serviceFabricThumbprint", async () => {
    const res = await serviceFabric();
    assert.equal(res.status, 200, res.body);
    const peer = new X509Certificate(res.peerCertificate!.raw);
    assert.equal(peer.fingerprint.replace(/:/g, ""), emu.managedIdentity.serviceFabricThumbprint);
    assert.equal(peer.fingerprint.replace(/:/g, ""), env().IDENTITY_SERVER_THUMBPRINT);
    assert.equal(peer.issuer, peer.subject, "self-signed");
    assert.ok(!peer.checkIssued(new X509Certificate(emu.caCertPem)), "not issued by the emulator CA");
  });

  it("is not trusted through the emulator's CA: clients must pin the thumbprint (or trust the certificate)", async () => {
    const url = withQuery(env().IDENTITY_ENDPOINT!, { "api-version": "2019-07-01-preview", resource: RESOURCE });
    await assert.rejects(miRequest(url, { headers: { secret: env().IDENTITY_HEADER! }, ca: emu.caCertPem }), /self[- ]signed|unable to verify|certificate/i);
  });

  it("issues the application's token with expires_on as a JSON number", async () => {
    const res = await serviceFabric();
    assert.deepEqual(Object.keys(res.json).sort(), ["access_token", "expires_on", "resource", "token_type"]);
    assert.equal(typeof res.json.expires_on, "number");
    assert.equal(res.json.token_type, "Bearer");
    assert.equal(res.json.resource, RESOURCE);
    assert.equal(payloadOf(res.json.access_token).appid, DEFAULT_SYSTEM_IDENTITY_CLIENT_ID);
  });

  it("ignores per-request selectors: the cluster, not the request, picks the identity", async () => {
    const res = await serviceFabric({ client_id: DEFAULT_USER_IDENTITY_CLIENT_ID });
    assert.equal(res.status, 200);
    assert.equal(payloadOf(res.json.access_token).appid, DEFAULT_SYSTEM_IDENTITY_CLIENT_ID);
    assert.equal(emu.requests.at(-1)?.query.client_id, DEFAULT_USER_IDENTITY_CLIENT_ID, "recorded, so a test can assert the client never sends one");
  });

  it("answers errors as {error: {code, message, correlationId}}", async () => {
    const cases: [Record<string, string>, Record<string, string>, number, string][] = [
      [{}, {}, 400, "SecretHeaderNotFound"],
      [{}, { secret: "wrong" }, 404, "ManagedIdentityNotFound"],
      [{ "api-version": "2019-08-01" }, { secret: env().IDENTITY_HEADER! }, 400, "InvalidApiVersion"],
      [{ resource: "" }, { secret: env().IDENTITY_HEADER! }, 400, "ArgumentNullOrEmpty"],
    ];
    for (const [query, headers, status, code] of cases) {
      const res = await serviceFabric(query, headers);
      assert.equal(res.status, status, code);
      const error = res.json.error as Record<string, unknown>;
      assert.equal(error.code, code);
      assert.equal(typeof error.message, "string");
      assert.match(String(error.correlationId), GUID);
    }
    emu.faults.add({ route: "serviceFabric", status: 429, retryAfter: 1, times: 1 });
    const throttled = await serviceFabric();
    assert.equal(throttled.status, 429);
    assert.equal((throttled.json.error as Record<string, unknown>).code, "TooManyRequests");
  });

  it("records requests under the serviceFabric route with the secret header", async () => {
    await serviceFabric();
    const recorded = emu.requests.at(-1)!;
    assert.equal(recorded.route, "serviceFabric");
    assert.equal(recorded.headers.secret, env().IDENTITY_HEADER);
  });
});
