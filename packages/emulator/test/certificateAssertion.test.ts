import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_TENANT_DOMAIN, DEFAULT_TENANT_ID } from "@azid/emulator";
import { createSelfSignedCertificate, type IssuedCertificate } from "../src/tls/certificates.js";
import { assertionClaims, signAssertion } from "./support/assertions.js";
import { send, startTestEmulator, tokenPath } from "./support/client.js";

const CLIENT_ID = "c0ffee00-1111-4222-8333-444455556666";
const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

describe("client credentials with a certificate assertion", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  let cert: IssuedCertificate;
  let other: IssuedCertificate;
  let audience: string;

  before(async () => {
    [emu, cert, other] = await Promise.all([startTestEmulator(), createSelfSignedCertificate("azid test app"), createSelfSignedCertificate("someone else")]);
    emu.config.tenants[0]!.apps.push({ clientId: CLIENT_ID, certificates: [cert.certPem], roles: ["Reader"] });
    audience = `${emu.url}/${DEFAULT_TENANT_ID}/oauth2/v2.0/token`;
  });
  after(() => emu.stop());

  const request = (assertion: string, tenant = DEFAULT_TENANT_ID) =>
    send(emu, tokenPath(tenant), {
      form: {
        grant_type: "client_credentials",
        client_id: CLIENT_ID,
        scope: "https://storage.azure.com/.default",
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion,
      },
    });

  it("accepts PS256 with x5t#S256 (msal-node) and marks appidacr 2", async () => {
    const res = await request(signAssertion(cert.certPem, cert.privateKey, { claims: assertionClaims(audience, CLIENT_ID) }));
    assert.equal(res.status, 200, res.body);
    const { payload } = emu.decodeToken(String(res.json.access_token));
    assert.equal(payload.appid, CLIENT_ID);
    assert.equal(payload.appidacr, "2");
    assert.deepEqual(payload.roles, ["Reader"]);
  });

  it("accepts RS256 with x5t, float times and no nbf (MSAL Python)", async () => {
    const now = Date.now() / 1000;
    const claims = assertionClaims(audience, CLIENT_ID, { nbf: undefined, iat: now, exp: now + 600.5 });
    const res = await request(signAssertion(cert.certPem, cert.privateKey, { alg: "RS256", thumbprint: "x5t", claims }));
    assert.equal(res.status, 200, res.body);
  });

  it("accepts x5t and x5t#S256 padded with '=' (msal-python pads x5t; Entra accepts both)", async () => {
    for (const thumbprint of ["x5t", "x5t#S256"] as const) {
      const assertion = signAssertion(cert.certPem, cert.privateKey, { thumbprint, padded: true, claims: assertionClaims(audience, CLIENT_ID) });
      const header = JSON.parse(Buffer.from(assertion.split(".")[0]!, "base64url").toString()) as Record<string, string>;
      assert.match(header[thumbprint]!, /=$/, "the test must really send padding");
      const res = await request(assertion);
      assert.equal(res.status, 200, res.body);
    }
  });

  it("accepts the tenant's domain in the audience", async () => {
    const claims = assertionClaims(`${emu.url}/${DEFAULT_TENANT_DOMAIN}/oauth2/v2.0/token`, CLIENT_ID);
    const res = await request(signAssertion(cert.certPem, cert.privateKey, { claims }), DEFAULT_TENANT_DOMAIN);
    assert.equal(res.status, 200, res.body);
  });

  const rejects = async (assertion: string, code: number, text: RegExp) => {
    const res = await request(assertion);
    assert.equal(res.status, 401, res.body);
    assert.equal(res.json.error, "invalid_client");
    assert.deepEqual(res.json.error_codes, [code]);
    assert.match(String(res.json.error_description), text);
  };

  it("rejects a signature made with another key", async () => {
    // The header names the registered certificate, but another key signed it.
    await rejects(signAssertion(cert.certPem, other.privateKey, { claims: assertionClaims(audience, CLIENT_ID) }), 700027, /signature/);
  });

  it("rejects an unregistered certificate, naming its thumbprint", async () => {
    await rejects(
      signAssertion(other.certPem, other.privateKey, { claims: assertionClaims(audience, CLIENT_ID) }),
      700027,
      /not registered on application.*Thumbprint of key used by client: '[0-9A-F]{64}'/,
    );
  });

  it("rejects an assertion without a thumbprint header", async () => {
    await rejects(signAssertion(cert.certPem, cert.privateKey, { thumbprint: "none", claims: assertionClaims(audience, CLIENT_ID) }), 700027, /x5t/);
  });

  it("rejects an unsupported alg", async () => {
    const token = signAssertion(cert.certPem, cert.privateKey, { header: { alg: "HS256" }, claims: assertionClaims(audience, CLIENT_ID) });
    await rejects(token, 700027, /HS256/);
  });

  it("rejects the wrong audience", async () => {
    const claims = assertionClaims("https://login.microsoftonline.com/common/oauth2/v2.0/token", CLIENT_ID);
    await rejects(signAssertion(cert.certPem, cert.privateKey, { claims }), 50012, /Invalid audience 'https:\/\/login\.microsoftonline\.com/);
  });

  it("rejects iss/sub other than the client id", async () => {
    const claims = assertionClaims(audience, CLIENT_ID, { sub: "someone-else" });
    await rejects(signAssertion(cert.certPem, cert.privateKey, { claims }), 50012, /iss .* and sub .* must both be the client id/);
  });

  it("rejects an expired assertion", async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = assertionClaims(audience, CLIENT_ID, { nbf: now - 1200, exp: now - 600 });
    await rejects(signAssertion(cert.certPem, cert.privateKey, { claims }), 700024, /expired at/);
  });

  it("rejects an assertion not yet valid beyond the clock skew", async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = assertionClaims(audience, CLIENT_ID, { nbf: now + 300, exp: now + 900 });
    await rejects(signAssertion(cert.certPem, cert.privateKey, { claims }), 700024, /not valid before/);
  });

  it("tolerates nbf slightly in the future (clock skew)", async () => {
    const now = Math.floor(Date.now() / 1000);
    const res = await request(signAssertion(cert.certPem, cert.privateKey, { claims: assertionClaims(audience, CLIENT_ID, { nbf: now + 30 }) }));
    assert.equal(res.status, 200, res.body);
  });

  it("rejects a replayed jti until it expires", async () => {
    const assertion = signAssertion(cert.certPem, cert.privateKey, { claims: assertionClaims(audience, CLIENT_ID) });
    assert.equal((await request(assertion)).status, 200);
    await rejects(assertion, 50012, /already used/);
  });

  it("rejects a malformed assertion and a wrong assertion type", async () => {
    await rejects("not-a-jwt", 50012, /malformed/);
    const res = await send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: {
        grant_type: "client_credentials",
        client_id: CLIENT_ID,
        scope: "https://storage.azure.com/.default",
        client_assertion_type: "saml",
        client_assertion: "x.y.z",
      },
    });
    assert.equal(res.status, 400);
    assert.equal(res.json.error, "invalid_request");
  });
});

describe("replayed assertions allowed (msal-node compatibility)", () => {
  it("accepts the same assertion twice when rejectReplayedAssertions is false", async () => {
    const [emu, cert] = await Promise.all([startTestEmulator({ rejectReplayedAssertions: false }), createSelfSignedCertificate("reuse")]);
    try {
      emu.config.tenants[0]!.apps.push({ clientId: CLIENT_ID, certificates: [cert.certPem] });
      const assertion = signAssertion(cert.certPem, cert.privateKey, {
        claims: assertionClaims(`${emu.url}/${DEFAULT_TENANT_ID}/oauth2/v2.0/token`, CLIENT_ID),
      });
      const form = {
        grant_type: "client_credentials",
        client_id: CLIENT_ID,
        scope: "https://vault.azure.net/.default",
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion,
      };
      assert.equal((await send(emu, tokenPath(DEFAULT_TENANT_ID), { form })).status, 200);
      assert.equal((await send(emu, tokenPath(DEFAULT_TENANT_ID), { form })).status, 200);
    } finally {
      await emu.stop();
    }
  });
});
