// The fleet cache against a real redis-server, with node-redis and with ioredis. Each "process" is a
// RedisTokenCache with its own connection; fetch() is the boundary (a counting stand-in here; the
// fleet tests run real processes against the emulator).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { AccessToken } from "../src/contract.js";
import { serializeRecord } from "../src/tokenRecord.js";
import { createValueCodec } from "../src/valueCodec.js";
import { FleetBackoffError, redisCachePlugin, type RedisTokenCache } from "../src/index.js";
import { cacheKey, connect, FAMILIES, fakeSource, memoryLogger, redisHelper, type Connected, type RedisServer } from "./support/redis.js";

const ENCRYPTION_KEY = randomBytes(32);
const HOUR = 3_600_000;
const miss = (deadlineMs = 10_000) => ({ reason: "miss" as const, current: undefined, deadline: Date.now() + deadlineMs });
const refresh = (current: AccessToken) => ({ reason: "refresh" as const, current, deadline: Date.now() + 10_000 });

for (const family of FAMILIES) {
  describe(`fleet cache on redis-server (${family})`, () => {
    let server: RedisServer;
    const connections: Connected[] = [];
    let admin: Connected;
    const processes = async (count: number, extra: Record<string, unknown> = {}): Promise<RedisTokenCache[]> => {
      const out: RedisTokenCache[] = [];
      for (let i = 0; i < count; i++) {
        const connection = await connect(family, server.port);
        connections.push(connection);
        out.push(redisCachePlugin({ client: connection.client, encryptionKeys: [ENCRYPTION_KEY], logger: memoryLogger(), ...extra }).cache);
      }
      return out;
    };

    before(async () => {
      server = await redisHelper.startRedis();
      admin = await connect(family, server.port);
    });
    after(async () => {
      await Promise.all([admin, ...connections].map((c) => c?.close()));
      await server?.stop();
    });

    it("stores a fetched token encrypted under one hash-tagged key that expires with it; another process then reads it", async () => {
      const [a, b] = await processes(2);
      const source = fakeSource(HOUR);
      const key = cacheKey(`store-${family}`);
      const first = await a!.getOrFetch(key, source.fetch, miss());
      const raw = String(await admin.raw("GET", `azid:{${key}}:token`));
      assert.match(raw, /^azid1\./);
      assert.ok(!raw.includes(first.token), "the token is not readable in Redis");
      const ttl = Number(await admin.raw("PTTL", `azid:{${key}}:token`));
      assert.ok(ttl > HOUR - 60_000 && ttl <= HOUR, `TTL follows the token (${ttl} ms)`);
      assert.equal(Number(await admin.raw("EXISTS", `azid:{${key}}:lock`)), 0, "the lock is released");
      const second = await b!.getOrFetch(key, source.fetch, miss());
      assert.equal(second.token, first.token);
      assert.equal(source.calls, 1);
      assert.equal(b!.stats().l2Hits, 1);
      assert.ok(
        second.refreshAfterTimestamp! <= second.expiresOnTimestamp - 5 * 60_000 && second.refreshAfterTimestamp! >= Date.now() + HOUR * 0.8,
        "a refresh moment within the jitter window",
      );
    });

    it("makes one fetch for 8 processes missing the same key at once", async () => {
      const fleet = await processes(8);
      const source = fakeSource(HOUR, 80);
      const key = cacheKey(`herd-${family}`);
      const tokens = await Promise.all(fleet.map((p) => p.getOrFetch(key, source.fetch, miss())));
      assert.equal(source.calls, 1);
      assert.equal(new Set(tokens.map((t) => t.token)).size, 1);
      assert.ok(
        fleet.some((p) => p.stats().waits > 0),
        "the others waited for the lock holder",
      );
    });

    it("refreshes once per fleet: not before a process's moment, then one fetch and the rest take the new token", async () => {
      const fleet = await processes(4, { refreshJitter: 0 });
      const source = fakeSource(30_000);
      const key = cacheKey(`refresh-${family}`);
      const current = await fleet[0]!.getOrFetch(key, source.fetch, miss());
      const early = await fleet[1]!.getOrFetch(key, source.fetch, refresh(current));
      assert.equal(early.token, current.token, "not due yet: the current token, rescheduled");
      assert.ok(early.refreshAfterTimestamp! > Date.now() + 10_000);
      assert.equal(source.calls, 1);
      // Make it due: the record in Redis as if fetched 20 s ago, its fleet refresh moment passed.
      const stale = { token: "token-stale-value", expiresOnTimestamp: Date.now() + 10_000 };
      const redisKey = `azid:{${key}}:token`;
      const record = {
        token: stale.token,
        expiresOnTimestamp: stale.expiresOnTimestamp,
        tokenType: undefined,
        fetchedAt: Date.now() - 20_000,
        refreshAt: Date.now() - 5_000,
      };
      await admin.raw("SET", redisKey, createValueCodec([ENCRYPTION_KEY]).seal(redisKey, serializeRecord(record)), "PX", "10000");
      const refreshed = await Promise.all(fleet.map((p) => p.getOrFetch(key, source.fetch, refresh(stale))));
      assert.equal(source.calls, 2, "one refresh for the whole fleet");
      assert.equal(new Set(refreshed.map((t) => t.token)).size, 1);
      assert.notEqual(refreshed[0]!.token, stale.token);
    });

    it("never answers a refresh with a token older than the one the process holds", async () => {
      const [a, b] = await processes(2);
      const source = fakeSource(HOUR);
      const key = cacheKey(`older-${family}`);
      const inRedis = await a!.getOrFetch(key, source.fetch, miss());
      const newerHere = { token: "a-newer-token-this-process-holds", expiresOnTimestamp: inRedis.expiresOnTimestamp + 60_000 };
      const answer = await b!.getOrFetch(key, source.fetch, refresh(newerHere));
      assert.equal(answer.token, newerHere.token);
      assert.equal(source.calls, 1);
    });

    it("holds the whole fleet off after a 429 with Retry-After", async () => {
      const [a, b, c] = await processes(3);
      const source = fakeSource(HOUR);
      const key = cacheKey(`throttle-${family}`);
      const throttled = Object.assign(new Error("AADSTS50196 throttled"), { name: "AuthenticationError", statusCode: 429, retryAfterMs: 60_000 });
      source.failWith = throttled;
      await assert.rejects(a!.getOrFetch(key, source.fetch, miss()), (e) => e === throttled, "the fetch's own error");
      assert.equal(source.calls, 1);
      const backoffTtl = Number(await admin.raw("PTTL", `azid:{${key}}:backoff`));
      assert.ok(backoffTtl > 55_000 && backoffTtl <= 60_000);
      // A process with nothing cached gives up with a typed error, without a request.
      await assert.rejects(
        b!.getOrFetch(key, source.fetch, miss(2_000)),
        (e: unknown) => e instanceof FleetBackoffError && e.statusCode === 429 && e.retryAfterMs > 50_000,
      );
      // A process whose token is still good keeps it.
      const current = { token: "still-good-token-value", expiresOnTimestamp: Date.now() + HOUR };
      const kept = await c!.getOrFetch(key, source.fetch, refresh(current));
      assert.equal(kept.token, current.token);
      assert.ok(kept.refreshAfterTimestamp! >= Date.now() + 55_000);
      assert.equal(source.calls, 1, "no request during Retry-After");
    });

    it("treats an undecryptable or foreign value as a miss and logs without the value", async () => {
      const logger = memoryLogger();
      const connection = await connect(family, server.port);
      connections.push(connection);
      const cache = redisCachePlugin({ client: connection.client, encryptionKeys: [ENCRYPTION_KEY], logger }).cache;
      const other = redisCachePlugin({ client: connection.client, encryptionKeys: [randomBytes(32)], logger: memoryLogger() }).cache;
      const key = cacheKey(`bad-${family}`);
      const source = fakeSource(HOUR);
      const planted = await other.getOrFetch(key, source.fetch, miss());
      const token = await cache.getOrFetch(key, source.fetch, miss());
      assert.notEqual(token.token, planted.token);
      assert.equal(source.calls, 2);
      assert.equal(cache.stats().badValues, 1);
      await admin.raw("SET", `azid:{${key}}:token`, 'azid1p.{"v":1,"t":"injected-token","e":9999999999999,"f":1,"r":2}');
      const again = await cache.getOrFetch(key, source.fetch, miss());
      assert.notEqual(again.token, "injected-token", "plaintext is refused when encryption is on");
      const text = logger.lines.join("\n");
      assert.match(text, /treated as a miss/);
      assert.ok(!text.includes(planted.token) && !text.includes("injected-token") && !text.includes("azid1."), "no value in the log");
    });

    it("stores and reads plaintext only with the explicit opt-in", async () => {
      const connection = await connect(family, server.port);
      connections.push(connection);
      const cache = redisCachePlugin({ client: connection.client, allowUnencrypted: true, keyPrefix: "plain" }).cache;
      const key = cacheKey(`plain-${family}`);
      const token = await cache.getOrFetch(key, fakeSource(HOUR).fetch, miss());
      assert.match(String(await admin.raw("GET", `plain:{${key}}:token`)), new RegExp(`^azid1p\\..*${token.token}`));
    });
  });
}
