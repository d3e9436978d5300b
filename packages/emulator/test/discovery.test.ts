import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_DOMAIN, DEFAULT_TENANT_ID } from "@azid/emulator";
import { decodePart, send, startTestEmulator, tokenPath } from "./support/client.js";

describe("discovery", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(() => emu.stop());

  it("serves the tenant's OpenID configuration with the endpoints MSAL requires", async () => {
    const res = await send(emu, `/${DEFAULT_TENANT_ID}/v2.0/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    assert.match(String(res.headers["content-type"]), /^application\/json/);
    assert.equal(res.json.issuer, `${emu.url}/${DEFAULT_TENANT_ID}/v2.0`);
    assert.equal(res.json.token_endpoint, `${emu.url}/${DEFAULT_TENANT_ID}/oauth2/v2.0/token`);
    assert.equal(res.json.authorization_endpoint, `${emu.url}/${DEFAULT_TENANT_ID}/oauth2/v2.0/authorize`);
    assert.equal(res.json.device_authorization_endpoint, `${emu.url}/${DEFAULT_TENANT_ID}/oauth2/v2.0/devicecode`);
    assert.equal(res.json.jwks_uri, `${emu.url}/${DEFAULT_TENANT_ID}/discovery/v2.0/keys`);
    assert.equal(typeof res.json.end_session_endpoint, "string");
  });

  it("resolves a verified domain to the tenant GUID", async () => {
    const res = await send(emu, `/${DEFAULT_TENANT_DOMAIN}/v2.0/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    assert.equal(res.json.issuer, `${emu.url}/${DEFAULT_TENANT_ID}/v2.0`);
  });

  it("keeps the alias and a {tenantid} issuer placeholder for /common and /organizations", async () => {
    for (const alias of ["common", "organizations"]) {
      const res = await send(emu, `/${alias}/v2.0/.well-known/openid-configuration`);
      assert.equal(res.status, 200);
      assert.equal(res.json.issuer, `${emu.url}/{tenantid}/v2.0`);
      assert.equal(res.json.token_endpoint, `${emu.url}/${alias}/oauth2/v2.0/token`);
    }
  });

  it("answers an unknown tenant with AADSTS90002 in Entra's error shape", async () => {
    const res = await send(emu, "/nope.onmicrosoft.com/v2.0/.well-known/openid-configuration", {
      headers: { "client-request-id": "11111111-2222-3333-4444-555555555555" },
    });
    assert.equal(res.status, 400);
    assert.equal(res.json.error, "invalid_request");
    assert.deepEqual(res.json.error_codes, [90002]);
    assert.match(
      String(res.json.error_description),
      /^AADSTS90002: Tenant 'nope\.onmicrosoft\.com' not found\..*\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: 11111111-2222-3333-4444-555555555555\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/s,
    );
    assert.equal(res.json.correlation_id, "11111111-2222-3333-4444-555555555555");
    assert.match(String(res.json.timestamp), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    assert.match(String(res.json.trace_id), /^[0-9a-f-]{36}$/);
    assert.equal(typeof res.json.error_uri, "string");
  });

  it("publishes a JWKS that verifies issued access tokens", async () => {
    const token = await send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: { grant_type: "client_credentials", client_id: DEFAULT_CLIENT_ID, client_secret: DEFAULT_CLIENT_SECRET, scope: "https://vault.azure.net/.default" },
    });
    assert.equal(token.status, 200);
    const accessToken = String(token.json.access_token);
    const keys = await send(emu, `/${DEFAULT_TENANT_ID}/discovery/v2.0/keys`);
    assert.equal(keys.status, 200);
    const jwks = keys.json.keys as { kid: string; kty: string; n: string; e: string }[];
    const header = decodePart(accessToken, 0);
    assert.equal(header.alg, "RS256");
    const jwk = jwks.find((key) => key.kid === header.kid);
    assert.ok(jwk, "the token's kid is published");
    const [h, p, s] = accessToken.split(".");
    const publicKey = createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: "jwk" });
    assert.ok(verify("sha256", Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s!, "base64url")));
  });

  it("answers instance discovery for its own host and invalid_instance for others", async () => {
    const own = await send(
      emu,
      `/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${emu.url}/${DEFAULT_TENANT_ID}/oauth2/v2.0/authorize`)}`,
    );
    assert.equal(own.status, 200);
    assert.equal(own.json.tenant_discovery_endpoint, `${emu.url}/${DEFAULT_TENANT_ID}/v2.0/.well-known/openid-configuration`);
    const metadata = own.json.metadata as { preferred_network: string; aliases: string[] }[];
    assert.equal(metadata[0]?.preferred_network, new URL(emu.url).host);
    assert.ok(metadata[0]?.aliases.includes(new URL(emu.url).host));

    const other = await send(
      emu,
      `/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent("https://login.example.com/common/oauth2/v2.0/authorize")}`,
    );
    assert.equal(other.status, 400);
    assert.equal(other.json.error, "invalid_instance");
    assert.deepEqual(other.json.error_codes, [50049]);
  });

  it("records every request with its route", async () => {
    const before = emu.requests.length;
    await send(emu, `/${DEFAULT_TENANT_ID}/discovery/v2.0/keys?x=1`);
    const recorded = emu.requests[before];
    assert.equal(recorded?.route, "jwks");
    assert.equal(recorded?.status, 200);
    assert.deepEqual(recorded?.query, { x: "1" });
  });

  it("answers unknown paths with JSON 404", async () => {
    const res = await send(emu, "/nothing/here");
    assert.equal(res.status, 404);
    assert.equal(res.json.error, "not_found");
  });

  it("answers MSAL Python's home realm discovery: the directory's users are managed, others unknown", async () => {
    const managed = await send(emu, `/common/userrealm/${encodeURIComponent(`alice@${DEFAULT_TENANT_DOMAIN}`)}?api-version=1.0`);
    assert.equal(managed.status, 200);
    assert.equal(managed.json.account_type, "Managed");
    assert.equal(managed.json.domain_name, DEFAULT_TENANT_DOMAIN);
    const unknown = await send(emu, "/common/userrealm/bob%40elsewhere.example?api-version=1.0");
    assert.equal(unknown.json.account_type, "Unknown");
    assert.equal(emu.requests.at(-1)?.route, "userrealm");
  });
});
