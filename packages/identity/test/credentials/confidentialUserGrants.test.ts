// OnBehalfOfCredential and AuthorizationCodeCredential at the wire, against a scripted token
// endpoint (the injected httpClient): fields sent, app authentication by secret / certificate /
// assertion, caching per user assertion, single redemption of a code then refresh tokens, and no
// secret in logs or errors.
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { AuthenticationError, AuthenticationRequiredError, AuthorizationCodeCredential, OnBehalfOfCredential, type HttpClient } from "../../src/index.js";
import { tokenCache } from "../../src/core/cache/tokenCache.js";
import { captureLogs, decodeJwt } from "../support/emulator.js";

const STORAGE = "https://storage.azure.com/.default";
const GRAPH = "https://graph.microsoft.com/.default";
const CLIENT = "3f6a2b1c-8d4e-4f5a-9b6c-7d8e9f0a1b2c";
const TENANT = "7e2b1c3a-4d5f-4a6b-8c9d-0e1f2a3b4c5d";
const SECRET = "s3cr3t~+/=value";
const HOST = { authorityHost: "https://login.microsoftonline.com" };
const CERT = "packages/identity/test/fixtures/certificates/cert.pem";

function jwt(claims: object): string {
  return `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;
}

let counter = 0;
/** Answers every token request with a fresh user token (or `answer` when given). */
function scriptedEntra(answer?: (form: Record<string, string>) => { status: number; body: object } | undefined) {
  const forms: Array<Record<string, string>> = [];
  const client: HttpClient = {
    async sendRequest(request) {
      const form = Object.fromEntries(new URLSearchParams(request.body ?? ""));
      forms.push(form);
      const scripted = answer?.(form);
      const n = ++counter;
      const body = scripted?.body ?? {
        token_type: "Bearer",
        expires_in: 3600,
        access_token: jwt({ n }),
        refresh_token: `rt-${n}`,
        id_token: jwt({ aud: CLIENT, tid: TENANT, preferred_username: "bob@azid.onmicrosoft.com" }),
        client_info: Buffer.from(JSON.stringify({ uid: "uid-bob", utid: TENANT })).toString("base64url"),
      };
      return { status: scripted?.status ?? 200, headers: { "content-type": "application/json" }, bodyText: JSON.stringify(body) };
    },
  };
  return { client, forms };
}

beforeEach(() => tokenCache.clear());

describe("OnBehalfOfCredential", () => {
  it("sends the jwt-bearer grant with requested_token_use=on_behalf_of, the user's token and the app secret", async () => {
    const entra = scriptedEntra();
    const userToken = jwt({ aud: `api://${CLIENT}`, sub: "caller-1" });
    const { lines, error } = await captureLogs(() =>
      new OnBehalfOfCredential({
        ...HOST,
        tenantId: TENANT,
        clientId: CLIENT,
        clientSecret: SECRET,
        userAssertionToken: userToken,
        httpClient: entra.client,
      }).getToken(GRAPH),
    );
    assert.equal(error, undefined);
    const [form] = entra.forms;
    assert.equal(form!.grant_type, "urn:ietf:params:oauth:grant-type:jwt-bearer");
    assert.equal(form!.requested_token_use, "on_behalf_of");
    assert.equal(form!.assertion, userToken);
    assert.equal(form!.client_secret, SECRET);
    assert.equal(form!.client_id, CLIENT);
    assert.deepEqual(form!.scope!.split(" ").sort(), [GRAPH, "offline_access", "openid", "profile"].sort());
    for (const line of lines) assert.ok(!line.includes(SECRET) && !line.includes(userToken));
  });

  it("caches per user assertion: the same caller shares, another caller gets its own token", async () => {
    const entra = scriptedEntra();
    const make = (assertion: string) =>
      new OnBehalfOfCredential({ ...HOST, tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET, userAssertionToken: assertion, httpClient: entra.client });
    const a1 = await make("user-a-token").getToken(GRAPH);
    const a2 = await make("user-a-token").getToken(GRAPH);
    const b = await make("user-b-token").getToken(GRAPH);
    assert.equal(a1.token, a2.token);
    assert.notEqual(a1.token, b.token);
    assert.equal(entra.forms.length, 2);
  });

  it("authenticates the app with a certificate (x5c with sendCertificateChain) or an assertion callback", async () => {
    const entra = scriptedEntra();
    await new OnBehalfOfCredential({
      ...HOST,
      tenantId: TENANT,
      clientId: CLIENT,
      certificatePath: CERT,
      sendCertificateChain: true,
      userAssertionToken: "u",
      httpClient: entra.client,
    }).getToken(GRAPH);
    const assertion = decodeJwt(entra.forms[0]!.client_assertion!);
    assert.equal(entra.forms[0]!.client_assertion_type, "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    assert.equal(assertion.payload.aud, `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`);
    assert.ok(Array.isArray(assertion.header.x5c));
    assert.equal(entra.forms[0]!.client_secret, undefined);
    await new OnBehalfOfCredential({
      ...HOST,
      tenantId: TENANT,
      clientId: CLIENT,
      getAssertion: async () => "federated-assertion",
      userAssertionToken: "u",
      httpClient: entra.client,
    }).getToken(GRAPH);
    assert.equal(entra.forms[1]!.client_assertion, "federated-assertion");
  });

  it("needs exactly one app credential and a user assertion; an expired user assertion is explained", async () => {
    assert.throws(
      () => new OnBehalfOfCredential({ tenantId: TENANT, clientId: CLIENT, userAssertionToken: "u" } as never),
      /exactly one of clientSecret, certificatePath or getAssertion .*\(received none\)/,
    );
    assert.throws(
      () => new OnBehalfOfCredential({ tenantId: TENANT, clientId: CLIENT, clientSecret: "s", certificatePath: CERT, userAssertionToken: "u" } as never),
      /received clientSecret and certificatePath/,
    );
    assert.throws(
      () => new OnBehalfOfCredential({ tenantId: TENANT, clientId: CLIENT, clientSecret: "s" } as never),
      /userAssertionToken is a required parameter/,
    );
    const entra = scriptedEntra(() => ({
      status: 400,
      body: { error: "invalid_grant", error_description: "AADSTS500133: Assertion is not within its valid time range.", error_codes: [500133] },
    }));
    await assert.rejects(
      new OnBehalfOfCredential({
        ...HOST,
        tenantId: TENANT,
        clientId: CLIENT,
        clientSecret: SECRET,
        userAssertionToken: "u",
        httpClient: entra.client,
      }).getToken(GRAPH),
      (e: Error) => e instanceof AuthenticationError && /user assertion .* has expired/.test(e.message) && !e.message.includes(SECRET),
    );
  });
});

describe("AuthorizationCodeCredential", () => {
  it("confidential: redeems the code once with the secret (no PKCE verifier), then refreshes with the refresh token", async () => {
    const entra = scriptedEntra();
    const credential = new AuthorizationCodeCredential(TENANT, CLIENT, SECRET, "the-code", "https://app.example/callback", {
      ...HOST,
      httpClient: entra.client,
    });
    const [first, again] = await Promise.all([credential.getToken(STORAGE), credential.getToken(STORAGE)]);
    assert.equal(first.token, again.token, "concurrent callers share the one redemption");
    await credential.getToken(GRAPH);
    assert.deepEqual(
      entra.forms.map((f) => f.grant_type),
      ["authorization_code", "refresh_token"],
    );
    const [redeem, refresh] = entra.forms;
    assert.equal(redeem!.code, "the-code");
    assert.equal(redeem!.redirect_uri, "https://app.example/callback");
    assert.equal(redeem!.client_secret, SECRET);
    assert.equal(redeem!.code_verifier, undefined);
    assert.equal(refresh!.client_secret, SECRET, "a confidential client authenticates its refresh too");
    assert.match(refresh!.refresh_token!, /^rt-\d+$/);
  });

  it("public: no client secret; once the refresh token is rejected, AuthenticationRequiredError says to get a new code", async () => {
    let reject = false;
    const entra = scriptedEntra((form) =>
      reject && form.grant_type === "refresh_token"
        ? { status: 400, body: { error: "invalid_grant", error_description: "AADSTS70008: expired", error_codes: [70008] } }
        : undefined,
    );
    const credential = new AuthorizationCodeCredential(TENANT, CLIENT, "the-code", "http://localhost:3000", { ...HOST, httpClient: entra.client });
    await credential.getToken(STORAGE);
    assert.equal(entra.forms[0]!.client_secret, undefined);
    reject = true;
    await assert.rejects(
      credential.getToken(GRAPH),
      (e: unknown) => e instanceof AuthenticationRequiredError && /already redeemed/.test(e.message) && e.scopes[0] === GRAPH,
    );
    assert.equal(entra.forms.filter((f) => f.grant_type === "authorization_code").length, 1, "the code is never sent twice");
  });
});
