// useIdentityPlugin and the fleet-cache (L2) hook, at the wire against the emulator. The L2 here is a
// Map behind the DistributedTokenCache contract (the contract is the boundary; @azid/cache-redis has
// its own tests with a real redis-server).
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import {
  AuthenticationError,
  ClientAssertionCredential,
  ClientSecretCredential,
  useIdentityPlugin,
  type AccessToken,
  type DistributedFetchInfo,
  type DistributedTokenCache,
} from "../../src/index.js";
import { tokenCache } from "../../src/core/cache/tokenCache.js";
import { pluginRegistry } from "../../src/core/plugins.js";
import { useEmulator } from "../support/emulator.js";

const STORAGE = "https://storage.azure.com/.default";
const env = useEmulator();

class MapFleetCache implements DistributedTokenCache {
  readonly stored = new Map<string, AccessToken>();
  readonly calls: Array<{ key: string; info: DistributedFetchInfo }> = [];
  failures: unknown[] = [];
  async getOrFetch(key: string, fetch: () => Promise<AccessToken>, info: DistributedFetchInfo): Promise<AccessToken> {
    this.calls.push({ key, info });
    const hit = this.stored.get(key);
    if (hit !== undefined && info.reason === "miss") return hit;
    try {
      const token = await fetch();
      this.stored.set(key, token);
      return token;
    } catch (error) {
      this.failures.push(error);
      throw error;
    }
  }
}

describe("useIdentityPlugin", () => {
  afterEach(() => {
    pluginRegistry.distributedCache = undefined;
    pluginRegistry.persistence = undefined;
  });

  it("registers azid plugins through the context's setters, validating what they hand over", () => {
    const cache = new MapFleetCache();
    useIdentityPlugin((context) => (context as { setDistributedTokenCache(c: unknown): void }).setDistributedTokenCache(cache));
    assert.equal(pluginRegistry.distributedCache, cache);
    assert.throws(() => useIdentityPlugin((context) => (context as { setDistributedTokenCache(c: unknown): void }).setDistributedTokenCache({})), /getOrFetch/);
    assert.throws(() => useIdentityPlugin((context) => (context as { setPersistence(p: unknown): void }).setPersistence(42)), /open\(options\)/);
    assert.throws(() => useIdentityPlugin("plugin" as never), /expected a plugin function \(received string\)/);
    const seen = (() => {
      let version: unknown;
      useIdentityPlugin((context) => (version = (context as { azid: { contractVersion: number } }).azid.contractVersion));
      return version;
    })();
    assert.equal(seen, 1);
  });

  it("refuses Microsoft's plugins (they reach for @azure/identity's internals) and names azid's alternative", () => {
    // These do what @azure/identity-cache-persistence, -vscode and -broker do with their context.
    const persistence = (context: unknown) =>
      (context as { cachePluginControl: { setPersistence(f: unknown): void } }).cachePluginControl.setPersistence(() => undefined);
    const vscode = (context: unknown) =>
      (context as { vsCodeCredentialControl: { setVSCodeAuthRecordPath(p: string): void } }).vsCodeCredentialControl.setVSCodeAuthRecordPath("x");
    const broker = (context: unknown) =>
      (context as { nativeBrokerPluginControl: { setNativeBroker(b: unknown): void } }).nativeBrokerPluginControl.setNativeBroker({});
    assert.throws(
      () => useIdentityPlugin(persistence),
      (e: Error) => e instanceof TypeError && /@azid\/cache-persistence/.test(e.message),
    );
    assert.throws(
      () => useIdentityPlugin(vscode),
      (e: Error) => e instanceof TypeError && /VisualStudioCodeCredential needs no plugin/.test(e.message),
    );
    assert.throws(
      () => useIdentityPlugin(broker),
      (e: Error) => e instanceof TypeError && /WAM broker .* not supported/.test(e.message),
    );
  });
});

describe("fleet cache hook (L2)", () => {
  let fleet: MapFleetCache;
  beforeEach(() => {
    tokenCache.clear();
    env.emu.faults.clear();
    fleet = new MapFleetCache();
    useIdentityPlugin((context) => (context as { setDistributedTokenCache(c: unknown): void }).setDistributedTokenCache(fleet));
  });
  afterEach(() => {
    pluginRegistry.distributedCache = undefined;
  });

  it("an L1 miss asks L2 first; a token L2 holds costs no token request; an L1 hit never reaches L2", async () => {
    const { clientId, secret } = env.addApp();
    const credential = new ClientSecretCredential(env.tenantId, clientId, secret, env.options);
    const before = env.tokenRequests().length;
    const first = await credential.getToken(STORAGE);
    assert.equal(env.tokenRequests().length - before, 1);
    assert.equal(fleet.calls.length, 1);
    assert.equal(fleet.calls[0]!.info.reason, "miss");
    assert.match(fleet.calls[0]!.key, /^[0-9a-f]{64}$/, "an opaque hash");
    assert.ok(!fleet.calls[0]!.key.includes(secret));

    await credential.getToken(STORAGE); // L1 hit
    assert.equal(fleet.calls.length, 1);

    tokenCache.clear(); // as if another process: L1 empty, L2 has it
    const second = await new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE);
    assert.equal(second.token, first.token);
    assert.equal(env.tokenRequests().length - before, 1, "served from L2, no second request");
  });

  it("keys differ by secret, tenant, scope and CAE; the same identity in another instance gets the same key", async () => {
    const { clientId, secret } = env.addApp();
    const other = env.addApp();
    await new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE);
    await new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken("https://management.azure.com/.default");
    await new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE, { enableCae: true });
    await new ClientSecretCredential(env.tenantId, other.clientId, other.secret, env.options).getToken(STORAGE);
    tokenCache.clear();
    await new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE);
    const keys = fleet.calls.map((c) => c.key);
    assert.equal(new Set(keys.slice(0, 4)).size, 4);
    assert.equal(keys[4], keys[0]);
    // A wrong secret for the same client id must not be answered from L2 with the right secret's token.
    tokenCache.clear();
    await assert.rejects(new ClientSecretCredential(env.tenantId, clientId, "not-the-secret", env.options).getToken(STORAGE), AuthenticationError);
    assert.notEqual(fleet.calls.at(-1)!.key, keys[0]);
  });

  it("bypassed by a claims challenge, by assertion callbacks (their fingerprint is process-local) and by user tokens", async () => {
    const { clientId, secret } = env.addApp();
    const credential = new ClientSecretCredential(env.tenantId, clientId, secret, env.options);
    await credential.getToken(STORAGE);
    const calls = fleet.calls.length;
    await credential.getToken(STORAGE, { claims: JSON.stringify({ access_token: { nbf: { essential: true, value: "1" } } }) });
    assert.equal(fleet.calls.length, calls, "a claims challenge goes straight to Entra");

    const assertion = new ClientAssertionCredential(env.tenantId, clientId, async () => "not.a.real-assertion", env.options);
    await assertion.getToken(STORAGE).catch(() => undefined);
    assert.equal(fleet.calls.length, calls, "ClientAssertionCredential never uses L2");
  });

  it("a 429 with Retry-After reaches L2's fetch as an AuthenticationError with statusCode and retryAfterMs", async () => {
    const { clientId, secret } = env.addApp();
    env.emu.faults.add({ route: "token", status: 429, retryAfter: 7, times: 10 });
    const credential = new ClientSecretCredential(env.tenantId, clientId, secret, { ...env.options, retryOptions: { maxRetries: 0 } });
    await assert.rejects(credential.getToken(STORAGE), (e: AuthenticationError) => e.statusCode === 429 && e.retryAfterMs === 7000);
    const failure = fleet.failures.at(-1) as AuthenticationError;
    assert.equal(failure.statusCode, 429);
    assert.equal(failure.retryAfterMs, 7000);
  });

  it("a token from L2 that is about to expire is not trusted: the network decides", async () => {
    const { clientId, secret } = env.addApp();
    const stale: DistributedTokenCache = { getOrFetch: async () => ({ token: "stale", expiresOnTimestamp: Date.now() + 1000 }) };
    pluginRegistry.distributedCache = stale;
    const before = env.tokenRequests().length;
    const token = await new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE);
    assert.notEqual(token.token, "stale");
    assert.equal(env.tokenRequests().length - before, 1);
  });
});
