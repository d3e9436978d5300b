// The MSAL unified cache format: entries found by their fields (whoever wrote the key), written in
// msal-node's key format, overlapping access tokens replaced, everything else kept.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  findAccessToken,
  findRefreshToken,
  parseUnifiedCache,
  realmFor,
  removeRefreshToken,
  serializeUnifiedCache,
  writeAccessToken,
  writeUserEntries,
} from "../../../src/sources/msalCache/unifiedCache.js";

const home = "uid-1.tenant-1";
const env = "login.microsoftonline.com";
const client = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const now = Date.UTC(2026, 0, 1);
const hourLater = now + 3_600_000;
const secondsOf = (ms: number) => String(Math.floor(ms / 1000));

/** As MSAL Python writes it: keys without msal-node's trailing scheme, a login.windows.net alias, extra fields and sections. */
const pythonCache = {
  AccessToken: {
    [`${home}-login.windows.net-accesstoken-${client}-tenant-1-https://vault.azure.net/.default`]: {
      home_account_id: home,
      environment: "login.windows.net",
      credential_type: "AccessToken",
      client_id: client,
      secret: "python-at",
      realm: "tenant-1",
      target: "https://vault.azure.net/.default",
      cached_at: secondsOf(now - 60_000),
      expires_on: secondsOf(hourLater),
      extended_expires_on: secondsOf(hourLater),
      token_type: "Bearer",
      python_only_field: "kept",
    },
  },
  RefreshToken: {
    [`${home}-login.windows.net-refreshtoken-${client}--`]: {
      home_account_id: home,
      environment: "login.windows.net",
      credential_type: "RefreshToken",
      client_id: client,
      secret: "python-rt",
    },
  },
  SomeFutureSection: { anything: { goes: true } },
};

test("finds tokens by their fields across key styles and cloud aliases", () => {
  const cache = parseUnifiedCache(JSON.stringify(pythonCache));
  const query = { environment: env, clientId: client.toUpperCase(), homeAccountId: home, realm: "tenant-1", now };
  const found = findAccessToken(cache, { ...query, scopes: ["https://vault.azure.net/.default", "openid"] });
  assert.equal(found?.token.token, "python-at");
  assert.equal(found?.fresh, true);
  assert.equal(found?.token.expiresOnTimestamp, Math.floor(hourLater / 1000) * 1000);
  assert.equal(findAccessToken(cache, { ...query, scopes: ["https://storage.azure.com/.default"] }), undefined, "another resource");
  assert.equal(findAccessToken(cache, { ...query, realm: "tenant-2", scopes: ["https://vault.azure.net/.default"] }), undefined, "another tenant");
  assert.equal(findAccessToken(cache, { ...query, homeAccountId: "", scopes: ["https://vault.azure.net/.default"] }), undefined, "not an app token");
  assert.equal(findAccessToken(cache, { ...query, now: hourLater, scopes: ["https://vault.azure.net/.default"] }), undefined, "expired");
  const late = findAccessToken(cache, { ...query, now: hourLater - 4 * 60_000, scopes: ["https://vault.azure.net/.default"] });
  assert.equal(late?.fresh, false, "past its refresh point: usable as a fallback only");
  assert.equal(findRefreshToken(cache, { environment: env, clientId: client, homeAccountId: home }), "python-rt");
  assert.equal(findRefreshToken(cache, { environment: "login.chinacloudapi.cn", clientId: client, homeAccountId: home }), undefined);
  // MSAL Python records a host without its port; msal-node and azid with it.
  const python = parseUnifiedCache(
    JSON.stringify({
      RefreshToken: { k: { home_account_id: home, environment: "127.0.0.1", credential_type: "RefreshToken", client_id: client, secret: "local-rt" } },
    }),
  );
  assert.equal(findRefreshToken(python, { environment: "127.0.0.1:8443", clientId: client, homeAccountId: home }), "local-rt");
});

test("a family refresh token serves another client of the family; the client's own wins", () => {
  const cache = parseUnifiedCache(
    JSON.stringify({
      RefreshToken: {
        a: { home_account_id: home, environment: env, credential_type: "RefreshToken", client_id: "other", secret: "family-rt", family_id: "1" },
        b: { home_account_id: home, environment: env, credential_type: "RefreshToken", client_id: "third", secret: "not-family" },
      },
    }),
  );
  assert.equal(findRefreshToken(cache, { environment: env, clientId: client, homeAccountId: home }), "family-rt");
  writeUserEntries(cache, {
    environment: env,
    clientId: client,
    homeAccountId: home,
    realm: "tenant-1",
    username: "a@b",
    refreshToken: "own",
    localAccountId: "uid-1",
  });
  assert.equal(findRefreshToken(cache, { environment: env, clientId: client, homeAccountId: home }), "own");
  removeRefreshToken(cache, { environment: env, homeAccountId: home, secret: "own" });
  assert.equal(findRefreshToken(cache, { environment: env, clientId: client, homeAccountId: home }), "family-rt");
});

test("writes in msal-node's key format, replaces overlapping tokens and keeps what it does not know", () => {
  const cache = parseUnifiedCache(JSON.stringify(pythonCache));
  writeAccessToken(cache, {
    environment: env,
    clientId: client,
    homeAccountId: home,
    realm: "tenant-1",
    scopes: ["https://vault.azure.net/.default", "https://vault.azure.net/user_impersonation"],
    token: { token: "new-at", expiresOnTimestamp: hourLater + 600_000, refreshAfterTimestamp: now + 1_800_000 },
    now,
  });
  writeUserEntries(cache, {
    environment: env,
    clientId: client,
    homeAccountId: home,
    realm: "tenant-1",
    username: "ada@contoso.com",
    refreshToken: "new-rt",
    idToken: "id.token.value",
    clientInfo: "eyJ1aWQiOiJ1aWQtMSIsInV0aWQiOiJ0ZW5hbnQtMSJ9",
    localAccountId: "uid-1",
    displayName: "Ada",
  });
  const written = JSON.parse(serializeUnifiedCache(cache)) as Record<string, Record<string, Record<string, string>>>;
  assert.deepEqual(Object.keys(written.AccessToken!), [
    `${home}-${env}-accesstoken-${client}-tenant-1-https://vault.azure.net/.default https://vault.azure.net/user_impersonation-`,
  ]);
  const at = Object.values(written.AccessToken!)[0]!;
  assert.deepEqual(
    { ...at },
    {
      home_account_id: home,
      environment: env,
      credential_type: "AccessToken",
      client_id: client,
      secret: "new-at",
      realm: "tenant-1",
      target: "https://vault.azure.net/.default https://vault.azure.net/user_impersonation",
      cached_at: secondsOf(now),
      expires_on: secondsOf(hourLater + 600_000),
      extended_expires_on: secondsOf(hourLater + 600_000),
      refresh_on: secondsOf(now + 1_800_000),
      token_type: "Bearer",
    },
  );
  assert.deepEqual(Object.keys(written.RefreshToken!), [`${home}-${env}-refreshtoken-${client}---`], "the Python-keyed token of the same account was replaced");
  assert.equal(Object.values(written.RefreshToken!)[0]!.secret, "new-rt");
  assert.deepEqual(Object.keys(written.IdToken!), [`${home}-${env}-idtoken-${client}-tenant-1--`]);
  assert.deepEqual(Object.keys(written.Account!), [`${home}-${env}-tenant-1`]);
  assert.equal(written.Account![`${home}-${env}-tenant-1`]!.authority_type, "MSSTS");
  assert.deepEqual(written.AppMetadata, { [`appmetadata-${env}-${client}`]: { client_id: client, environment: env } });
  assert.deepEqual(written.SomeFutureSection, pythonCache.SomeFutureSection);
});

test("app tokens and on-behalf-of tokens stay apart by assertion hash", () => {
  const cache = parseUnifiedCache(undefined);
  const base = { environment: env, clientId: client, homeAccountId: "", realm: "tenant-1", scopes: ["api://x/.default"], now };
  writeAccessToken(cache, { ...base, token: { token: "app", expiresOnTimestamp: hourLater } });
  writeAccessToken(cache, { ...base, userAssertionHash: "h1", token: { token: "obo-1", expiresOnTimestamp: hourLater } });
  assert.equal(findAccessToken(cache, base)?.token.token, "app");
  assert.equal(findAccessToken(cache, { ...base, userAssertionHash: "h1" })?.token.token, "obo-1");
  assert.equal(findAccessToken(cache, { ...base, userAssertionHash: "h2" }), undefined);
});

test("corrupt text reads as an empty cache; common/organizations resolve to the account's tenant", () => {
  assert.deepEqual(parseUnifiedCache("{not json"), {});
  assert.deepEqual(parseUnifiedCache("[1,2]"), {});
  assert.equal(realmFor("organizations", "tenant-1"), "tenant-1");
  assert.equal(realmFor("tenant-2", "tenant-1"), "tenant-2");
});
