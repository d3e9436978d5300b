// Redis is never a new way to fail: killed, frozen (accepts connections, never answers) or back, the
// fleet cache answers every call, and the circuit breaker stops paying the deadline over and over.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, describe, it } from "node:test";
import { redisCachePlugin } from "../src/index.js";
import { cacheKey, connect, FAMILIES, fakeSource, memoryLogger, redisHelper, type Connected, type RedisServer } from "./support/redis.js";

const HOUR = 3_600_000;
const miss = () => ({ reason: "miss" as const, current: undefined, deadline: Date.now() + 10_000 });

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) assert.fail(`${what} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

for (const family of FAMILIES) {
  describe(`when Redis fails (${family})`, () => {
    const cleanup: Array<() => Promise<void>> = [];
    after(async () => {
      for (const step of cleanup.reverse()) await step().catch(() => undefined);
    });
    const setUp = async (): Promise<{ server: RedisServer; connection: Connected; logger: ReturnType<typeof memoryLogger> }> => {
      const server = await redisHelper.startRedis();
      cleanup.push(() => server.stop());
      const connection = await connect(family, server.port);
      cleanup.push(() => connection.close());
      return { server, connection, logger: memoryLogger() };
    };

    it("killed: every call still gets a token, the circuit opens, and it closes again when Redis is back", async () => {
      const { server, connection, logger } = await setUp();
      const encryptionKeys = [randomBytes(32)];
      const cache = redisCachePlugin({ client: connection.client, encryptionKeys, logger, circuitBreaker: { failureThreshold: 3, cooldownMs: 100 } }).cache;
      const source = fakeSource(HOUR, 1);
      const stored = await cache.getOrFetch(cacheKey("killed-0"), source.fetch, miss());
      await server.kill();
      const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => cache.getOrFetch(cacheKey(`killed-${i + 1}`), source.fetch, miss())));
      assert.equal(tokens.length, 20);
      for (let i = 0; i < 3; i++) tokens.push(await cache.getOrFetch(cacheKey(`killed-next-${i}`), source.fetch, miss()));
      assert.ok(tokens.every((t) => t.token.startsWith("token-")));
      assert.equal(source.calls, 24, "each key fetched by this process itself");
      assert.equal(cache.circuitState, "open");
      assert.match(logger.lines.join("\n"), /circuit open/);
      assert.ok(!logger.lines.join("\n").includes(stored.token));
      // Back on the same port: the breaker's probe finds it and the fleet cache works again.
      const again = await redisHelper.startRedis({ port: server.port });
      cleanup.push(() => again.stop());
      await until(async () => {
        await cache.getOrFetch(cacheKey("killed-probe"), source.fetch, miss());
        return cache.circuitState === "closed";
      }, "the circuit closes once Redis is back");
      const before = source.calls;
      const other = await connect(family, server.port);
      cleanup.push(() => other.close());
      const second = redisCachePlugin({ client: other.client, encryptionKeys }).cache;
      const key = cacheKey("killed-after");
      const shared = await cache.getOrFetch(key, source.fetch, miss());
      assert.equal((await second.getOrFetch(key, source.fetch, miss())).token, shared.token, "shared through Redis again");
      assert.equal(source.calls, before + 1);
    });

    it("frozen (accepts, never answers): each call costs one deadline at most, then the circuit skips Redis", async () => {
      const { server, connection, logger } = await setUp();
      const cache = redisCachePlugin({
        client: connection.client,
        encryptionKeys: [randomBytes(32)],
        logger,
        operationTimeoutMs: 200,
        circuitBreaker: { failureThreshold: 5, cooldownMs: 60_000 },
      }).cache;
      const source = fakeSource(HOUR, 1);
      server.freeze();
      try {
        const tokens = await Promise.all(Array.from({ length: 10 }, (_, i) => cache.getOrFetch(cacheKey(`frozen-${i}`), source.fetch, miss())));
        assert.equal(tokens.length, 10);
        assert.equal(source.calls, 10);
        // Liveness, proven by the mechanism rather than the clock: 10 concurrent calls wait out one 200 ms
        // deadline together, not ten in a row. The breaker counts a failure that started before the last
        // one as the same burst, so a closed circuit means all ten reads were in flight at once; the
        // counters, that each call waited out exactly one read deadline while Redis answered nothing.
        assert.equal(cache.circuitState, "closed", "ten reads that timed out together are one failure");
        assert.equal(cache.stats().deadlineMisses, 10, "each call waited out one read, nothing else");
        assert.equal(cache.stats().silentDeadlineMisses, 10, "Redis answered nothing meanwhile");
        for (let i = 0; i < 4; i++) await cache.getOrFetch(cacheKey(`frozen-next-${i}`), source.fetch, miss());
        assert.equal(cache.circuitState, "open", "five failures one after another open it");
        const failures = cache.stats().storeFailures;
        await cache.getOrFetch(cacheKey("frozen-later"), source.fetch, miss());
        assert.equal(cache.stats().storeFailures, failures, "an open circuit does not touch Redis");
        assert.match(logger.lines.join("\n"), /did not answer within 200 ms/);
      } finally {
        server.thaw();
      }
    });
  });
}
