// ClientSecretCredential at the wire, against the emulator over real HTTPS.
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { AuthenticationError, ClientSecretCredential } from "../../src/index.js";
import { tokenCache } from "../../src/core/cache/tokenCache.js";
import { clearAuthorityMetadataCache } from "../../src/sources/entra/authority.js";
import { captureLogs, decodeJwt, useEmulator } from "../support/emulator.js";
import { rejection } from "../support/assertions.js";

const STORAGE = "https://storage.azure.com/.default";
const env = useEmulator();

describe("ClientSecretCredential", () => {
  beforeEach(() => {
    tokenCache.clear();
    env.emu.faults.clear();
  });

  it("gets a v1 access token with the client credentials grant and sends what Entra expects", async () => {
    const { clientId, secret } = env.addApp({ roles: ["Blob.Write"] });
    const before = env.tokenRequests().length;
    const token = await new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE);
    const [sent] = env.tokenRequests().slice(before);
    assert.ok(sent, "one token request");
    assert.equal(sent.method, "POST");
    assert.equal(sent.path, `/${env.tenantId}/oauth2/v2.0/token`);
    assert.match(sent.query["client-request-id"] ?? "", /^[0-9a-f-]{36}$/);
    assert.match(sent.headers["content-type"] ?? "", /^application\/x-www-form-urlencoded/);
    assert.deepEqual(
      { grant_type: sent.form!.grant_type, client_id: sent.form!.client_id, client_secret: sent.form!.client_secret, scope: sent.form!.scope },
      { grant_type: "client_credentials", client_id: clientId, client_secret: secret, scope: STORAGE },
    );
    assert.equal(sent.form!.claims, undefined);

    const { payload } = decodeJwt(token.token);
    assert.equal(payload.aud, "https://storage.azure.com");
    assert.equal(payload.iss, `https://sts.windows.net/${env.tenantId}/`);
    assert.equal(payload.appid, clientId);
    assert.deepEqual(payload.roles, ["Blob.Write"]);
    assert.equal(token.tokenType, "Bearer");
    assert.ok(Math.abs(token.expiresOnTimestamp - (payload.exp as number) * 1000) < 5000);
    assert.ok(token.refreshAfterTimestamp! < token.expiresOnTimestamp - 299_000);
    env.emu.decodeToken(token.token); // signature verifies with the emulator's key
  });

  it("wrong secret: AuthenticationError 401 invalid_client with AADSTS code, ids and a hint, never the secret", async () => {
    const { clientId } = env.addApp();
    const wrong = "wrong~Secret.Value_123";
    const { error, lines } = await captureLogs(() => new ClientSecretCredential(env.tenantId, clientId, wrong, env.options).getToken(STORAGE));
    assert.ok(error instanceof AuthenticationError);
    assert.equal(error.statusCode, 401);
    assert.equal(error.errorResponse.error, "invalid_client");
    assert.deepEqual(error.errorResponse.errorCodes, [7000215]);
    assert.match(error.errorResponse.traceId ?? "", /^[0-9a-f-]{36}$/);
    assert.match(error.errorResponse.correlationId ?? "", /^[0-9a-f-]{36}$/);
    assert.match(error.message, /AADSTS7000215/);
    assert.match(error.message, /Hint: .*Value \(not its Secret ID\)/);
    for (const text of [error.message, error.stack ?? "", ...lines]) assert.ok(!text.includes(wrong), "secret leaked");
    assert.ok(lines.some((l) => /ClientSecretCredential => getToken\(\) => ERROR/.test(l)));
  });

  it("unknown tenant and unknown app are distinct errors", async () => {
    const { clientId, secret } = env.addApp();
    await assert.rejects(
      new ClientSecretCredential("00000000-0000-0000-0000-00000000dead", clientId, secret, env.options).getToken(STORAGE),
      (e: AuthenticationError) => e.statusCode === 400 && e.errorResponse.errorCodes?.[0] === 90002,
    );
    await assert.rejects(
      new ClientSecretCredential(env.tenantId, "11111111-2222-3333-4444-555555555555", secret, env.options).getToken(STORAGE),
      (e: AuthenticationError) => e.errorResponse.errorCodes?.[0] === 700016 && /client id/.test(e.message),
    );
  });

  it("validates arguments at construction, before any request", () => {
    const before = env.tokenRequests().length;
    assert.throws(
      () => new ClientSecretCredential("bad tenant/..", "id", "s", env.options),
      (e: Error) => e instanceof RangeError && /U\+0020 at position 3/.test(e.message) && !e.message.includes("bad tenant"),
    );
    assert.throws(() => new ClientSecretCredential(env.tenantId, "", "s", env.options), /clientId is a required parameter/);
    assert.throws(() => new ClientSecretCredential(env.tenantId, "id", undefined as unknown as string, env.options), /clientSecret is a required parameter/);
    assert.throws(() => new ClientSecretCredential(env.tenantId, "id", "s", { authorityHost: "http://login.example.com" }), /must use the 'https' protocol/);
    assert.equal(env.tokenRequests().length, before);
  });

  it("200 concurrent cold calls make one token request; later calls are served from the cache", async () => {
    const { clientId, secret } = env.addApp();
    const credential = new ClientSecretCredential(env.tenantId, clientId, secret, env.options);
    const before = env.tokenRequests().length;
    const tokens = await Promise.all(Array.from({ length: 200 }, () => credential.getToken(STORAGE)));
    assert.equal(new Set(tokens.map((t) => t.token)).size, 1);
    await credential.getToken(STORAGE);
    // a second instance with the same identity shares the cache; a different secret does not
    await new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE);
    assert.equal(env.tokenRequests().length - before, 1);
  });

  it("credentials with different secrets for the same app never share tokens", async () => {
    const app = env.addApp({ secrets: ["first~secret", "second~secret"] });
    const a = await new ClientSecretCredential(env.tenantId, app.clientId, "first~secret", env.options).getToken(STORAGE);
    const b = await new ClientSecretCredential(env.tenantId, app.clientId, "second~secret", env.options).getToken(STORAGE);
    assert.notEqual(a.token, b.token);
  });

  it("CAE adds the cp1 capability; a claims challenge is merged and bypasses the cache", async () => {
    const { clientId, secret } = env.addApp();
    const credential = new ClientSecretCredential(env.tenantId, clientId, secret, env.options);
    const plain = await credential.getToken(STORAGE);
    const cae = await credential.getToken(STORAGE, { enableCae: true });
    assert.notEqual(cae.token, plain.token);
    assert.deepEqual(decodeJwt(cae.token).payload.xms_cc, ["cp1"]);
    assert.deepEqual(JSON.parse(env.tokenRequests().at(-1)!.form!.claims!), { access_token: { xms_cc: { values: ["cp1"] } } });
    const challenge = JSON.stringify({ access_token: { nbf: { essential: true, value: "1700000000" } } });
    const challenged = await credential.getToken(STORAGE, { enableCae: true, claims: challenge });
    assert.notEqual(challenged.token, cae.token);
    assert.deepEqual(JSON.parse(env.tokenRequests().at(-1)!.form!.claims!), {
      access_token: { nbf: { essential: true, value: "1700000000" }, xms_cc: { values: ["cp1"] } },
    });
    assert.equal((await credential.getToken(STORAGE, { enableCae: true })).token, challenged.token, "the challenged token replaces the cached one");
    await assert.rejects(credential.getToken(STORAGE, { claims: "not json" }), TypeError);
  });

  it("per-request tenant needs additionallyAllowedTenants", async () => {
    const { clientId, secret } = env.addApp();
    const other = "22222222-2222-2222-2222-222222222222";
    await assert.rejects(new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE, { tenantId: other }), {
      name: "CredentialUnavailableError",
      message: /additionallyAllowedTenants/,
    });
    const allowed = new ClientSecretCredential(env.tenantId, clientId, secret, { ...env.options, additionallyAllowedTenants: ["*"] });
    await allowed.getToken(STORAGE, { tenantId: other }).catch(() => undefined);
    assert.equal(env.tokenRequests().at(-1)!.path, `/${other}/oauth2/v2.0/token`);
  });

  it("with instance discovery on, discovers the emulator once and caches the metadata", async () => {
    clearAuthorityMetadataCache();
    const { clientId, secret } = env.addApp();
    const options = { ...env.options, disableInstanceDiscovery: false };
    const before = env.emu.requests.length;
    await new ClientSecretCredential(env.tenantId, clientId, secret, options).getToken(STORAGE);
    await new ClientSecretCredential(env.tenantId, clientId, secret, options).getToken("https://vault.azure.net/.default");
    const routes = env.emu.requests.slice(before).map((r) => r.route);
    assert.deepEqual(routes, ["instance-discovery", "openid-configuration", "token", "token"]);
  });

  it("a discovery document naming a plain-http or unparseable token endpoint, or a discovery request that hangs, is an AuthenticationError", async () => {
    const { clientId, secret } = env.addApp();
    const options = { ...env.options, disableInstanceDiscovery: false };
    const cases = [
      { fault: { status: 200, body: JSON.stringify({ token_endpoint: "http://login.contoso.example/t/oauth2/v2.0/token" }) }, code: "ERR_INSECURE_ENDPOINT" },
      { fault: { status: 200, body: JSON.stringify({ token_endpoint: "not a url" }) }, code: undefined },
      { fault: { hang: true }, code: "ERR_REQUEST_TIMEOUT" },
    ];
    for (const { fault, code } of cases) {
      clearAuthorityMetadataCache();
      env.emu.faults.clear();
      env.emu.faults.add({ route: "openid-configuration", ...fault });
      const error = await new ClientSecretCredential(env.tenantId, clientId, secret, options)
        .getToken(STORAGE, { requestOptions: { timeout: 2_000 } })
        .catch((e: unknown) => e);
      assert.ok(error instanceof AuthenticationError, `${JSON.stringify(fault)}: ${String(error)}`);
      // A hung discovery ends as the attempt's timeout or, when the caller's 2 s deadline comes first under load, as ERR_DEADLINE.
      if (code !== undefined)
        assert.ok(error.code === code || (code === "ERR_REQUEST_TIMEOUT" && error.code === "ERR_DEADLINE"), `${JSON.stringify(fault)}: ${error.code}`);
      if (error.code !== "ERR_DEADLINE") assert.match(error.message, /OIDC/);
    }
    env.emu.faults.clear();
    clearAuthorityMetadataCache();
  });

  it("retries 503 and 429 (honouring Retry-After) and then succeeds", async () => {
    const { clientId, secret } = env.addApp();
    env.emu.faults.add({ route: "token", status: 503, times: 1 });
    env.emu.faults.add({ route: "token", status: 429, retryAfter: 1, times: 1 });
    const before = env.tokenRequests().length;
    const started = Date.now();
    await new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE);
    assert.equal(env.tokenRequests().length - before, 3);
    assert.ok(Date.now() - started >= 950);
  });

  it("a hanging token endpoint fails within requestOptions.timeout with a typed error", async () => {
    const { clientId, secret } = env.addApp();
    env.emu.faults.add({ route: "token", hang: true });
    const before = env.tokenRequests().length;
    const error = await rejection(
      new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE, { requestOptions: { timeout: 800 } }),
    );
    // The endpoint never answers: only the caller's deadline ends the wait, and the error names its value.
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.equal(error.errorResponse.error, "timeout", error.message);
    assert.match(error.message, /\b800 ms\b/, "the deadline that fired is requestOptions.timeout");
    assert.equal(env.tokenRequests().length - before, 1, "the request reached the endpoint once");
  });

  for (const malformed of ["truncated-json", "html", "empty", "not-json"] as const) {
    it(`a ${malformed} 200 body is an AuthenticationError that echoes nothing of the body`, async () => {
      const { clientId, secret } = env.addApp();
      env.emu.faults.add({ route: "token", malformed, times: 1 });
      await assert.rejects(new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE), (e: AuthenticationError) => {
        assert.equal(e.name, "AuthenticationError");
        assert.equal(e.errorResponse.error, "invalid_response");
        assert.ok(!/eyJ|access_token/.test(e.message), e.message);
        return true;
      });
    });
  }

  it("a non-OAuth error page is reported with its status and an excerpt", async () => {
    const { clientId, secret } = env.addApp();
    env.emu.faults.add({ route: "token", status: 404, body: "<html>Not Found</html>", contentType: "text/html", times: 1 });
    await assert.rejects(
      new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE),
      (e: AuthenticationError) => e.statusCode === 404 && /Not Found/.test(e.message) && /authorityHost/.test(e.message),
    );
  });

  it("abort stops a pending request", async () => {
    const { clientId, secret } = env.addApp();
    env.emu.faults.add({ route: "token", delayMs: 2000, times: 1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE, { abortSignal: controller.signal }), {
      name: "AbortError",
    });
  });

  it("never logs the secret or the token at verbose level", async () => {
    const { clientId, secret } = env.addApp();
    const { lines, result } = await captureLogs(() => new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE));
    assert.ok(result);
    assert.ok(lines.length > 0);
    for (const line of lines) {
      assert.ok(!line.includes(secret), "secret in log");
      assert.ok(!line.includes(result.token), "token in log");
      assert.ok(!line.includes(result.token.split(".")[1]!), "token payload in log");
    }
  });
});
