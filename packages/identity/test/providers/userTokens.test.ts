// The shared user-token machinery at the wire, driven by UsernamePasswordCredential (the password
// grant is its sign-in step) against the emulator: refresh-token grant for a second scope and after
// expiry, rotation, AuthenticationRecord round trip and silent sign-in with it,
// AuthenticationRequiredError, a rejected refresh token, and no secrets in logs or errors.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { beforeEach, describe, it, mock } from "node:test";
import { DEFAULT_PASSWORD, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_USERNAME } from "@azid/emulator";
import {
  AuthenticationRequiredError,
  DeviceCodeCredential,
  InteractiveBrowserCredential,
  UsernamePasswordCredential,
  deserializeAuthenticationRecord,
  serializeAuthenticationRecord,
} from "../../src/index.js";
import { tokenCache } from "../../src/core/cache/tokenCache.js";
import { captureLogs, decodeJwt, useEmulator } from "../support/emulator.js";

const STORAGE = "https://storage.azure.com/.default";
const VAULT = "https://vault.azure.net/.default";
const env = useEmulator();

beforeEach(() => tokenCache.clear());

function newUser(): { username: string; password: string } {
  const user = { username: `u-${randomUUID().slice(0, 8)}@azid.onmicrosoft.com`, password: `pw-${randomUUID()}` };
  env.emu.config.tenants[0]!.users.push(user);
  return user;
}

describe("refresh tokens (shared user machinery)", () => {
  it("a second scope comes from the refresh_token grant, without the password, and the rotated refresh token is used next", async () => {
    const { username, password } = newUser();
    const credential = new UsernamePasswordCredential(env.tenantId, DEFAULT_PUBLIC_CLIENT_ID, username, password, env.options);
    const before = env.tokenRequests().length;
    const { lines, error } = await captureLogs(async () => {
      await credential.getToken(STORAGE);
      await credential.getToken(VAULT);
      await credential.getToken("https://management.azure.com/.default");
    });
    assert.equal(error, undefined);
    const sent = env.tokenRequests().slice(before);
    assert.deepEqual(
      sent.map((r) => r.form!.grant_type),
      ["password", "refresh_token", "refresh_token"],
    );
    const [first, second, third] = sent;
    assert.equal(second!.form!.password, undefined, "the password is not sent again");
    assert.equal(second!.form!.client_id, DEFAULT_PUBLIC_CLIENT_ID);
    assert.equal(second!.form!.client_info, "1");
    assert.deepEqual(second!.form!.scope!.split(" ").sort(), [VAULT, "offline_access", "openid", "profile"].sort());
    assert.match(second!.headers["x-anchormailbox"]!, /^Oid:[0-9a-f-]+@[0-9a-f-]+$/);
    // rotation: each refresh uses a different refresh token (the one the previous response returned)
    assert.notEqual(second!.form!.refresh_token, third!.form!.refresh_token);
    assert.equal(first!.form!.refresh_token, undefined);
    for (const line of lines) {
      assert.ok(!line.includes(password), "no password in logs");
      assert.ok(!line.includes(second!.form!.refresh_token!), "no refresh token in logs");
    }
  });

  it("after the access token expires, getToken refreshes silently with the refresh token", async () => {
    const { username, password } = newUser();
    const credential = new UsernamePasswordCredential(env.tenantId, DEFAULT_PUBLIC_CLIENT_ID, username, password, env.options);
    const first = await credential.getToken(STORAGE);
    const before = env.tokenRequests().length;
    mock.timers.enable({ apis: ["Date"], now: first.expiresOnTimestamp + 1_000 });
    try {
      const second = await credential.getToken(STORAGE);
      assert.notEqual(second.token, first.token);
    } finally {
      mock.timers.reset();
    }
    assert.deepEqual(
      env
        .tokenRequests()
        .slice(before)
        .map((r) => r.form!.grant_type),
      ["refresh_token"],
    );
  });

  it("authenticate() returns a record; a DeviceCodeCredential given it signs the same account in silently (no device code)", async () => {
    const { username, password } = newUser();
    const record = await new UsernamePasswordCredential(env.tenantId, DEFAULT_PUBLIC_CLIENT_ID, username, password, env.options).authenticate(STORAGE);
    assert.ok(record);
    assert.equal(record.username, username);
    assert.equal(record.clientId, DEFAULT_PUBLIC_CLIENT_ID);
    assert.equal(record.tenantId, env.tenantId);
    assert.equal(record.authority, new URL(env.emu.url).host);
    assert.match(record.homeAccountId, /^[0-9a-f-]{36}\.[0-9a-f-]{36}$/);

    const restored = deserializeAuthenticationRecord(serializeAuthenticationRecord(record));
    let prompted = false;
    const deviceCode = new DeviceCodeCredential({
      ...env.options,
      tenantId: env.tenantId,
      clientId: DEFAULT_PUBLIC_CLIENT_ID,
      authenticationRecord: restored,
      disableAutomaticAuthentication: true,
      userPromptCallback: () => (prompted = true),
    });
    const before = env.tokenRequests().length;
    const cached = await deviceCode.getToken(STORAGE);
    assert.equal(env.tokenRequests().length, before, "the access token authenticate() obtained is shared through the cache");
    assert.equal(decodeJwt(cached.token).payload.upn ?? decodeJwt(cached.token).payload.preferred_username, username);
    const vault = await deviceCode.getToken(VAULT);
    assert.equal(env.tokenRequests().at(-1)!.form!.grant_type, "refresh_token");
    assert.ok(vault.token);
    assert.equal(prompted, false);
  });

  it("disableAutomaticAuthentication without a usable account: AuthenticationRequiredError carrying the scopes and options, no request", async () => {
    const before = env.emu.requests.length;
    const options = { tenantId: undefined, enableCae: true };
    for (const credential of [
      new DeviceCodeCredential({ ...env.options, clientId: DEFAULT_PUBLIC_CLIENT_ID, disableAutomaticAuthentication: true }),
      new InteractiveBrowserCredential({
        ...env.options,
        clientId: DEFAULT_PUBLIC_CLIENT_ID,
        disableAutomaticAuthentication: true,
        browserOpener: async () => assert.fail("no browser"),
      }),
    ]) {
      await assert.rejects(credential.getToken([STORAGE], options), (error: unknown) => {
        assert.ok(error instanceof AuthenticationRequiredError);
        assert.deepEqual(error.scopes, [STORAGE]);
        assert.equal(error.getTokenOptions, options);
        assert.match(error.message, /authenticate\(\)/);
        return true;
      });
    }
    // A record for an account this process never signed in: still no interaction, and the reason says why.
    const stranger = {
      authority: new URL(env.emu.url).host,
      homeAccountId: "a.b",
      clientId: DEFAULT_PUBLIC_CLIENT_ID,
      tenantId: env.tenantId,
      username: "nobody@azid.onmicrosoft.com",
    };
    const withRecord = new DeviceCodeCredential({
      ...env.options,
      clientId: DEFAULT_PUBLIC_CLIENT_ID,
      authenticationRecord: stranger,
      disableAutomaticAuthentication: true,
    });
    await assert.rejects(
      withRecord.getToken(STORAGE),
      (e: Error) => e instanceof AuthenticationRequiredError && /no refresh token for nobody@azid/.test(e.message),
    );
    assert.equal(env.emu.requests.length, before);
  });

  it("a rejected refresh token is dropped: AuthenticationRequiredError (record-bound, automatic auth off), and the password credential signs in again", async () => {
    const user = newUser();
    const ropc = new UsernamePasswordCredential(env.tenantId, DEFAULT_PUBLIC_CLIENT_ID, user.username, user.password, env.options);
    const record = await ropc.authenticate(STORAGE);
    const deviceCode = new DeviceCodeCredential({
      ...env.options,
      tenantId: env.tenantId,
      clientId: DEFAULT_PUBLIC_CLIENT_ID,
      authenticationRecord: record!,
      disableAutomaticAuthentication: true,
    });
    // The emulator refuses refresh tokens of users that no longer exist: the closest thing to revocation it has.
    const users = env.emu.config.tenants[0]!.users;
    users.splice(
      users.findIndex((u) => u.username === user.username),
      1,
    );
    await assert.rejects(deviceCode.getToken(VAULT), (error: unknown) => {
      assert.ok(error instanceof AuthenticationRequiredError);
      assert.deepEqual(error.scopes, [VAULT]);
      assert.match(error.message, /rejected the refresh token.*invalid_grant/);
      assert.equal((error.cause as { name?: string }).name, "AuthenticationError");
      return true;
    });
    const before = env.tokenRequests().length;
    await assert.rejects(deviceCode.getToken(VAULT), /no refresh token/);
    assert.equal(env.tokenRequests().length, before, "the rejected refresh token was dropped, not retried");
    users.push(user);
    await ropc.getToken(VAULT);
    assert.equal(env.tokenRequests().at(-1)!.form!.grant_type, "password", "the password credential signs in again");
  });

  it("a claims challenge bypasses the cached token and goes to the refresh token grant with the claims", async () => {
    const { username, password } = newUser();
    const credential = new UsernamePasswordCredential(env.tenantId, DEFAULT_PUBLIC_CLIENT_ID, username, password, env.options);
    await credential.getToken(STORAGE);
    const claims = JSON.stringify({ access_token: { nbf: { essential: true, value: "1700000000" } } });
    await credential.getToken(STORAGE, { claims, enableCae: true });
    const sent = env.tokenRequests().at(-1)!.form!;
    assert.equal(sent.grant_type, "refresh_token");
    assert.deepEqual(JSON.parse(sent.claims!), { access_token: { nbf: { essential: true, value: "1700000000" }, xms_cc: { values: ["cp1"] } } });
  });

  it("two credentials for the same account share tokens; tenants not allowed are refused before any request", async () => {
    const ropc = new UsernamePasswordCredential(env.tenantId, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_USERNAME, DEFAULT_PASSWORD, env.options);
    const record = await ropc.authenticate(STORAGE);
    const browser = new InteractiveBrowserCredential({
      ...env.options,
      tenantId: env.tenantId,
      clientId: DEFAULT_PUBLIC_CLIENT_ID,
      authenticationRecord: record!,
      browserOpener: async () => assert.fail("no browser"),
    });
    const before = env.tokenRequests().length;
    const [a, b] = await Promise.all([ropc.getToken(STORAGE), browser.getToken(STORAGE)]);
    assert.equal(a.token, b.token);
    assert.equal(env.tokenRequests().length, before);
    await assert.rejects(browser.getToken(STORAGE, { tenantId: "33333333-3333-3333-3333-333333333333" }), { name: "CredentialUnavailableError" });
  });

  it("MFA-required accounts get an explanation naming the interactive credentials; the password never appears", async () => {
    const username = `mfa-${randomUUID().slice(0, 8)}@azid.onmicrosoft.com`;
    const password = `pw-${randomUUID()}`;
    env.emu.config.tenants[0]!.users.push({ username, password, mfaRequired: true });
    const { error, lines } = await captureLogs(() =>
      new UsernamePasswordCredential(env.tenantId, DEFAULT_PUBLIC_CLIENT_ID, username, password, env.options).getToken(STORAGE),
    );
    assert.ok(error instanceof Error && error.name === "AuthenticationError");
    assert.match(error.message, /50076/);
    assert.match(error.message, /InteractiveBrowserCredential or DeviceCodeCredential/);
    for (const text of [error.message, ...lines]) assert.ok(!text.includes(password));
  });
});
