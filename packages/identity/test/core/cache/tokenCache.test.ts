// The one cache's policy, driven through TokenProvider with a counting source (no network needed:
// the subject here is the cache itself; credentials are tested against the emulator elsewhere).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { TokenCache, refreshSchedule, tokenCache } from "../../../src/core/cache/tokenCache.js";
import { TokenProvider } from "../../../src/core/cache/tokenProvider.js";
import type { TokenRequest } from "../../../src/core/tokenSource.js";
import { credentialLogger } from "../../../src/core/logger.js";
import type { AccessToken } from "../../../src/core/types.js";

const HOUR = 3_600_000;

function countingProvider(partition: string, lifetimeMs = HOUR, extra: Partial<AccessToken> = {}) {
  const calls: TokenRequest[] = [];
  let failNext = 0;
  const provider = new TokenProvider({
    partition,
    tenantId: "tenant-a",
    additionallyAllowedTenants: ["tenant-b"],
    logger: credentialLogger("Test"),
    source: async (request) => {
      calls.push(request);
      await new Promise((r) => setTimeout(r, 5));
      if (failNext > 0) {
        failNext--;
        throw new Error("source failed");
      }
      return { token: `${partition}:${calls.length}:${request.scopes.join(",")}:${request.tenantId}`, expiresOnTimestamp: Date.now() + lifetimeMs, ...extra };
    },
  });
  return { provider, calls, failNext: (n: number) => (failNext = n) };
}

describe("token cache", () => {
  beforeEach(() => tokenCache.clear());
  afterEach(() => mock.timers.reset());

  it("serves a cached token without calling the source again", async () => {
    const { provider, calls } = countingProvider("p1");
    const first = await provider.getToken("https://x/.default");
    const second = await provider.getToken(["https://x/.default"]);
    assert.equal(calls.length, 1);
    assert.equal(second, first);
    assert.ok(Object.isFrozen(first), "cached tokens are frozen so no caller can corrupt them");
  });

  it("shares one request among 200 concurrent cold callers", async () => {
    const { provider, calls } = countingProvider("p2");
    const tokens = await Promise.all(Array.from({ length: 200 }, () => provider.getToken("https://x/.default")));
    assert.equal(calls.length, 1);
    assert.equal(new Set(tokens.map((t) => t.token)).size, 1);
  });

  it("keeps scopes, tenants, CAE and partitions apart", async () => {
    const a = countingProvider("pa");
    const b = countingProvider("pb");
    const t1 = await a.provider.getToken("https://x/.default");
    const t2 = await a.provider.getToken("https://y/.default");
    const t3 = await a.provider.getToken("https://x/.default", { tenantId: "tenant-b" });
    const t4 = await a.provider.getToken("https://x/.default", { enableCae: true });
    const t5 = await b.provider.getToken("https://x/.default");
    assert.equal(new Set([t1, t2, t3, t4, t5].map((t) => t.token)).size, 5);
    assert.equal(a.calls.length, 4);
    assert.equal(a.calls[2]!.tenantId, "tenant-b");
    assert.equal(a.calls[3]!.enableCae, true);
    // an explicit tenantId equal to the configured one is the same cache entry
    assert.equal(await a.provider.getToken("https://x/.default", { tenantId: "tenant-a" }), t1);
  });

  it("refuses a tenant that is not allowed", async () => {
    const { provider, calls } = countingProvider("p3");
    await assert.rejects(provider.getToken("https://x/.default", { tenantId: "tenant-c" }), { name: "CredentialUnavailableError", message: /tenant-c/ });
    assert.equal(calls.length, 0);
  });

  it("refreshes in the background once refreshAfter passes, serving the current token meanwhile", async () => {
    const { provider, calls } = countingProvider("p4", HOUR, { refreshAfterTimestamp: Date.now() + 50 });
    const first = await provider.getToken("https://x/.default");
    assert.equal(first.refreshAfterTimestamp! <= Date.now() + 50, true);
    await new Promise((r) => setTimeout(r, 100));
    const during = await provider.getToken("https://x/.default");
    assert.equal(during.token, first.token, "the old token is served while the refresh runs");
    await new Promise((r) => setTimeout(r, 150));
    const after = await provider.getToken("https://x/.default");
    assert.equal(calls.length, 2);
    assert.notEqual(after.token, first.token);
  });

  it("serves the old token when a refresh fails, and retries later", async () => {
    const state = countingProvider("p5", HOUR, { refreshAfterTimestamp: Date.now() + 50 });
    const first = await state.provider.getToken("https://x/.default");
    await new Promise((r) => setTimeout(r, 100));
    state.failNext(1);
    assert.equal((await state.provider.getToken("https://x/.default")).token, first.token);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(state.calls.length, 2, "one failed background refresh");
    assert.equal((await state.provider.getToken("https://x/.default")).token, first.token, "still valid, still served; the retry waits");
    assert.equal(state.calls.length, 2);
  });

  it("a claims challenge bypasses the cache and replaces the cached token", async () => {
    const { provider, calls } = countingProvider("p6");
    const first = await provider.getToken("https://x/.default");
    const claims = JSON.stringify({ access_token: { nbf: { essential: true, value: "1" } } });
    const [c1, c2] = await Promise.all([provider.getToken("https://x/.default", { claims }), provider.getToken("https://x/.default", { claims })]);
    assert.equal(calls.length, 2, "concurrent challenges share one request");
    assert.equal(c1.token, c2.token);
    assert.notEqual(c1.token, first.token);
    assert.equal((await provider.getToken("https://x/.default")).token, c1.token);
  });

  it("background refreshes after a claims challenge do not resend the challenge", async () => {
    const calls: Array<string | undefined> = [];
    const provider = new TokenProvider({
      partition: "p11",
      tenantId: "t",
      additionallyAllowedTenants: [],
      logger: credentialLogger("Test"),
      source: async (request) => {
        calls.push(request.claims);
        return { token: `t${calls.length}`, expiresOnTimestamp: Date.now() + HOUR, refreshAfterTimestamp: Date.now() + 50 };
      },
    });
    await provider.getToken("https://x/.default", { claims: '{"access_token":{"nbf":{"essential":true}}}' });
    await new Promise((r) => setTimeout(r, 100));
    await provider.getToken("https://x/.default");
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(calls, ['{"access_token":{"nbf":{"essential":true}}}', undefined]);
  });

  it("a failed cold fetch is not cached, and every waiter sees the error", async () => {
    const state = countingProvider("p7");
    state.failNext(1);
    const results = await Promise.allSettled([state.provider.getToken("https://x/.default"), state.provider.getToken("https://x/.default")]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["rejected", "rejected"],
    );
    await state.provider.getToken("https://x/.default");
    assert.equal(state.calls.length, 2);
  });

  it("an aborted caller leaves the shared request running for the others", async () => {
    const { provider, calls } = countingProvider("p8");
    const controller = new AbortController();
    const aborted = provider.getToken("https://x/.default", { abortSignal: controller.signal });
    const other = provider.getToken("https://x/.default");
    controller.abort();
    await assert.rejects(aborted, { name: "AbortError" });
    assert.ok((await other).token.length > 0);
    assert.equal(calls.length, 1);
  });

  it("rejects bad scopes before calling the source", async () => {
    const { provider, calls } = countingProvider("p9");
    await assert.rejects(provider.getToken([]), TypeError);
    await assert.rejects(provider.getToken("a b"), /U\+0020 at position 1/);
    await assert.rejects(provider.getToken(""), /empty string/);
    assert.equal(calls.length, 0);
  });

  it("never serves a token inside its expiry skew", async () => {
    const { provider, calls } = countingProvider("p10", 1_000);
    await provider.getToken("https://x/.default");
    await new Promise((r) => setTimeout(r, 950));
    await provider.getToken("https://x/.default");
    assert.equal(calls.length, 2);
  });

  it("evicts down to its byte bound, oldest identities first, and drops the partitions it empties", async () => {
    const cache = new TokenCache({ maxBytes: 256 * 1024 });
    const token = "x".repeat(1_200);
    for (let i = 0; i < 600; i++) {
      await cache.partition(`identity-${i}`).acquire("scope", async () => ({ token: `${token}${i}`, expiresOnTimestamp: Date.now() + HOUR }));
    }
    assert.ok(cache.bytes <= 256 * 1024, `bytes ${cache.bytes}`);
    assert.ok(cache.size > 50 && cache.size < 600, `size ${cache.size}`);
    assert.equal(cache.partitionCount, cache.size, "one entry per identity: no empty partition is left behind");
    assert.ok(await cache.partition("identity-599").peek("scope"), "the newest identity stays");
    assert.equal(cache.partition("identity-0").peek("scope"), undefined, "the oldest went first");
  });

  it("frees expired tokens as the cache is used, with no timer", async () => {
    mock.timers.enable({ apis: ["Date"], now: Date.now() }); // the clock, frozen: only the sweep frees entries
    const cache = new TokenCache();
    for (let i = 0; i < 1_000; i++) await cache.partition(`obo-${i}`).acquire("scope", async () => ({ token: `t${i}`, expiresOnTimestamp: Date.now() + HOUR }));
    assert.equal(cache.partitionCount, 1_000);
    mock.timers.tick(2 * HOUR);
    for (let i = 0; i < 300; i++) await cache.partition(`next-${i}`).acquire("scope", async () => ({ token: `n${i}`, expiresOnTimestamp: Date.now() + HOUR }));
    assert.equal(cache.size, 300, "every expired token was swept by later inserts");
    assert.equal(cache.partitionCount, 300, "and their partitions dropped");
  });

  it("keeps an identity's tokens shared after its empty partition was dropped", async () => {
    const first = countingProvider("dropped");
    await first.provider.getToken("https://x/.default");
    tokenCache.clear(); // drops every partition the provider holds
    const second = countingProvider("dropped");
    await second.provider.getToken("https://x/.default");
    const again = await first.provider.getToken("https://x/.default");
    assert.equal(first.calls.length + second.calls.length, 2, "the first provider found the second one's token");
    assert.match(again.token, /^dropped:1:/);
    assert.equal(tokenCache.partitionCount, 1);
  });

  it("counts bytes that match what the heap holds (the estimate errs high, not low)", async () => {
    const { setFlagsFromString } = await import("node:v8");
    const { runInNewContext } = await import("node:vm");
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const cache = new TokenCache({ maxBytes: 1024 * 1024 * 1024 });
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 5_000; i++) {
      const credential = { assertion: `assertion-${i}-${"a".repeat(1_200)}` }; // what an OBO credential's closure holds
      await cache.partition(`obo\u0000${i}`).acquire("api://x/.default", async () => ({
        token: `${credential.assertion.slice(0, 4)}${"t".repeat(1_200)}${i}`,
        expiresOnTimestamp: Date.now() + HOUR,
      }));
    }
    gc();
    const held = process.memoryUsage().heapUsed - before;
    assert.ok(held <= cache.bytes * 1.5, `heap grew ${held} B for ${cache.bytes} B counted`);
    assert.ok(held >= cache.bytes / 4, `heap grew ${held} B for ${cache.bytes} B counted`);
  });

  it("rejects a nonsensical bound", () => {
    assert.throws(() => new TokenCache({ maxBytes: 10 }), RangeError);
    assert.throws(() => new TokenCache({ maxBytes: Number.NaN }), /maxBytes/);
  });

  it("takes its bound from AZID_TOKEN_CACHE_MAX_BYTES at start, ignoring an unusable value", () => {
    const module = new URL("../../../src/core/cache/tokenCache.ts", import.meta.url).href;
    const maxBytesWith = (value: string | undefined) => {
      const env = { ...process.env, AZID_TOKEN_CACHE_MAX_BYTES: value };
      if (value === undefined) delete env.AZID_TOKEN_CACHE_MAX_BYTES;
      const script = `import { tokenCache } from ${JSON.stringify(module)}; console.log(tokenCache.maxBytes);`;
      return Number(execFileSync(process.execPath, ["--input-type=module", "-e", script], { env, encoding: "utf8" }).trim());
    };
    assert.equal(maxBytesWith("100000"), 100_000);
    for (const unusable of [undefined, "", "abc", "1000"]) assert.equal(maxBytesWith(unusable), 64 * 1024 * 1024, String(unusable));
  });
});

describe("refresh schedule", () => {
  const now = 1_700_000_000_000;
  it("uses the server's refresh_in", () => {
    assert.equal(refreshSchedule({ token: "t", expiresOnTimestamp: now + HOUR, refreshAfterTimestamp: now + 600_000 }, now).refreshAt, now + 600_000);
  });
  it("half-life for long tokens", () => {
    assert.equal(refreshSchedule({ token: "t", expiresOnTimestamp: now + 24 * HOUR }, now).refreshAt, now + 12 * HOUR);
  });
  it("always by five minutes before expiry", () => {
    assert.equal(refreshSchedule({ token: "t", expiresOnTimestamp: now + HOUR }, now).refreshAt, now + HOUR - 300_000);
    assert.equal(refreshSchedule({ token: "t", expiresOnTimestamp: now + HOUR, refreshAfterTimestamp: now + HOUR - 1 }, now).refreshAt, now + HOUR - 300_000);
  });
  it("half-life for tokens too short for the five-minute rule", () => {
    assert.equal(refreshSchedule({ token: "t", expiresOnTimestamp: now + 240_000 }, now).refreshAt, now + 120_000);
  });
});
