// SharedTokenCacheCredential against the emulator: the emulator writes the MSAL cache file a
// developer tool would leave (~/.IdentityService/msal.cache of a temporary HOME), the credential
// redeems its family refresh token over HTTPS and writes the rotated one back.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, it } from "node:test";
import { AZURE_CLI_CLIENT_ID, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_USERNAME, VISUAL_STUDIO_CLIENT_ID } from "@azid/emulator";
import { CredentialUnavailableError, DefaultAzureCredential, SharedTokenCacheCredential } from "../../src/index.js";
import { tokenCache } from "../../src/core/cache/tokenCache.js";
import { captureLogs, decodeJwt, useEmulator } from "../support/emulator.js";
import { useTemporaryHome } from "../support/home.js";

const STORAGE = "https://storage.azure.com/.default";
const VAULT = "https://vault.azure.net/.default";
const env = useEmulator();
const home = useTemporaryHome();
const cachePath = () => join(home(), ".IdentityService", "msal.cache");
const refreshSecrets = () =>
  Object.values(JSON.parse(readFileSync(cachePath(), "utf8")).RefreshToken as Record<string, { secret: string }>).map((e) => e.secret);

beforeEach(() => tokenCache.clear());

async function unavailable(credential: SharedTokenCacheCredential, pattern: RegExp): Promise<CredentialUnavailableError> {
  const error = await credential.getToken(STORAGE).then(
    () => assert.fail("expected CredentialUnavailableError"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof CredentialUnavailableError, `got ${String(error)}`);
  assert.match(error.message, pattern);
  return error;
}

describe("SharedTokenCacheCredential", () => {
  it("redeems a Visual Studio family refresh token as the Azure CLI client, caches the token and writes the rotated refresh token back", async () => {
    const seeded = await env.emu.writeSharedTokenCache({ path: cachePath() });
    assert.equal(seeded.clientId, VISUAL_STUDIO_CLIENT_ID);
    const [original] = refreshSecrets();
    const credential = new SharedTokenCacheCredential(env.options);
    const before = env.tokenRequests().length;
    const token = await credential.getToken(STORAGE);
    assert.equal(decodeJwt(token.token).payload.upn, DEFAULT_USERNAME);
    assert.equal(decodeJwt(token.token).payload.appid, AZURE_CLI_CLIENT_ID);
    await credential.getToken(STORAGE);
    const sent = env.tokenRequests().slice(before);
    assert.equal(sent.length, 1, "the second call is served from the cache");
    assert.equal(sent[0]!.form!.grant_type, "refresh_token");
    assert.equal(sent[0]!.form!.client_id, AZURE_CLI_CLIENT_ID);
    assert.match(sent[0]!.path, new RegExp(`/${seeded.tenantId}/oauth2/v2.0/token$`), "the account's home tenant");

    const [rotated] = refreshSecrets();
    assert.notEqual(rotated, original, "the rotated refresh token replaced the old one in the file");
    assert.equal(statSync(cachePath()).mode & 0o777, 0o600);
    const document = JSON.parse(readFileSync(cachePath(), "utf8"));
    assert.equal(Object.keys(document.Account).length, 1, "the rest of the cache is kept");
    assert.equal(Object.keys(document.IdToken).length, 1);

    // A new process (here: an empty in-memory cache) signs in silently from the rewritten file.
    tokenCache.clear();
    const vault = await new SharedTokenCacheCredential(env.options).getToken(VAULT);
    assert.equal(decodeJwt(vault.token).payload.aud, "https://vault.azure.net");
  });

  it("no cache file, an empty marker file, or only accounts of another cloud: unavailable, saying where it looked", async () => {
    await unavailable(new SharedTokenCacheCredential(env.options), /no shared token cache at .*\.IdentityService\/msal\.cache/);
    mkdirSync(join(home(), ".IdentityService"), { recursive: true });
    writeFileSync(cachePath(), "{}", { mode: 0o600 });
    await unavailable(new SharedTokenCacheCredential(env.options), /no accounts were found in the cache.*libsecret.*plaintext form only/);
    await env.emu.writeSharedTokenCache({ path: cachePath() });
    await unavailable(
      new SharedTokenCacheCredential({ ...env.options, authorityHost: "https://login.microsoftonline.com" }),
      /1 account\(s\) belong to other clouds/,
    );
  });

  it("several accounts: refuses to guess; username (case-insensitive) picks one; an unknown username lists what is there", async () => {
    const bob = { username: "bob@azid.onmicrosoft.com", password: "pw-bob" };
    env.emu.config.tenants[0]!.users.push(bob);
    await env.emu.writeSharedTokenCache({ path: cachePath() });
    await env.emu.writeSharedTokenCache({ path: cachePath(), username: bob.username, merge: true });
    await unavailable(new SharedTokenCacheCredential(env.options), /multiple accounts were found.*alice@.*bob@.*AZURE_USERNAME/);
    const token = await new SharedTokenCacheCredential({ ...env.options, username: "BOB@azid.onmicrosoft.com" }).getToken(STORAGE);
    assert.equal(decodeJwt(token.token).payload.upn, bob.username);
    await unavailable(
      new SharedTokenCacheCredential({ ...env.options, username: "carol@azid.onmicrosoft.com" }),
      /no account matching username carol@.* it holds alice@.*bob@/,
    );
    await unavailable(
      new SharedTokenCacheCredential({ ...env.options, tenantId: "00000000-0000-0000-0000-000000000000" }),
      /no account matching tenant 00000000/,
    );
  });

  it("a revoked refresh token makes it unavailable (the chain moves on); after the tool signs in again the file is re-read", async () => {
    await env.emu.writeSharedTokenCache({ path: cachePath() });
    const credential = new SharedTokenCacheCredential(env.options);
    const [secret] = refreshSecrets();
    env.emu.revokeRefreshTokens(DEFAULT_USERNAME);
    const error = await unavailable(credential, /token acquisition failed for alice@.*sign in again with the developer tool/);
    assert.ok(!error.message.includes(secret!), "the refresh token never appears in the error");
    assert.ok(!JSON.stringify(error, Object.getOwnPropertyNames(error)).includes(secret!));
    await new Promise((resolve) => setTimeout(resolve, 5)); // refresh tokens minted after the revocation instant
    await env.emu.writeSharedTokenCache({ path: cachePath() }); // "Visual Studio signed in again"
    const token = await credential.getToken(STORAGE);
    assert.equal(decodeJwt(token.token).payload.upn, DEFAULT_USERNAME);
  });

  it("a refresh token of a non-family client is redeemed by that client; a clientId that may not redeem it is refused before any request", async () => {
    await env.emu.writeSharedTokenCache({ path: cachePath(), clientId: DEFAULT_PUBLIC_CLIENT_ID });
    const before = env.tokenRequests().length;
    await unavailable(
      new SharedTokenCacheCredential({ ...env.options, clientId: AZURE_CLI_CLIENT_ID }),
      /no refresh token for alice@.* that client 04b07795-.* may redeem/,
    );
    assert.equal(env.tokenRequests().length, before);
    const token = await new SharedTokenCacheCredential(env.options).getToken(STORAGE);
    assert.equal(decodeJwt(token.token).payload.appid, DEFAULT_PUBLIC_CLIENT_ID);
  });

  it("refuses a cache other users can write, one that is not JSON, and a directory; logs never hold a token", async () => {
    await env.emu.writeSharedTokenCache({ path: cachePath() });
    const [secret] = refreshSecrets();
    chmodSync(cachePath(), 0o666);
    await unavailable(new SharedTokenCacheCredential(env.options), /writable by other users \(mode 666\).*chmod 600/);
    chmodSync(cachePath(), 0o600);
    const { lines, error } = await captureLogs(() => new SharedTokenCacheCredential(env.options).getToken(STORAGE));
    assert.equal(error, undefined);
    assert.ok(lines.some((l) => /using alice@/.test(l)));
    assert.ok(!lines.join("\n").includes(secret!));

    writeFileSync(cachePath(), Buffer.from([0x01, 0x00, 0x00, 0x00, 0xd0, 0x8c, 0x9d, 0xdf]), { mode: 0o600 });
    await unavailable(new SharedTokenCacheCredential(env.options), /not a plaintext MSAL cache \(not JSON\).*az login/);
    rmSync(cachePath());
    mkdirSync(cachePath());
    await unavailable(new SharedTokenCacheCredential(env.options), /is not a regular file/);
  });

  it("in DefaultAzureCredential only when opted in (excludeSharedTokenCacheCredential: false): after managed identity; AZURE_USERNAME picks the account", async () => {
    const bob = { username: "bob2@azid.onmicrosoft.com", password: "pw-bob2" };
    env.emu.config.tenants[0]!.users.push(bob);
    await env.emu.writeSharedTokenCache({ path: cachePath() });
    await env.emu.writeSharedTokenCache({ path: cachePath(), username: bob.username, merge: true });
    process.env.AZURE_USERNAME = bob.username;
    try {
      const dac = new DefaultAzureCredential({ ...env.options, excludeManagedIdentityCredential: true, excludeSharedTokenCacheCredential: false });
      const { token, credential } = await dac.getTokenWithSource(STORAGE);
      assert.equal(credential.constructor.name, "SharedTokenCacheCredential");
      assert.equal(decodeJwt(token.token).payload.upn, bob.username);
    } finally {
      delete process.env.AZURE_USERNAME;
    }
    const excluded = await new DefaultAzureCredential({
      ...env.options,
      excludeManagedIdentityCredential: true,
      excludeSharedTokenCacheCredential: true,
      excludeAzureCliCredential: true,
      excludeAzureDeveloperCliCredential: true,
      excludeAzurePowerShellCredential: true,
    })
      .getToken(STORAGE)
      .then(
        () => undefined,
        (e: Error) => e,
      );
    assert.match(String(excluded?.message), /Not tried: .*SharedTokenCacheCredential \(excludeSharedTokenCacheCredential: true\)/);
  });

  it("validates its options at construction", () => {
    assert.throws(() => new SharedTokenCacheCredential({ tenantId: "bad tenant" }), RangeError);
    assert.throws(() => new SharedTokenCacheCredential({ username: "" }), /username must be a non-empty string/);
    assert.throws(() => new SharedTokenCacheCredential({ tokenCachePersistenceOptions: { name: "../escape" } }), /plain file name/);
  });
});
