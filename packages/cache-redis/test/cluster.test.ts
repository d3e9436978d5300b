// The same fleet cache on a 3-master Redis Cluster on loopback: a token, its lock and its back-off
// marker share a slot (the hash tag), so MGET and the Lua scripts work; different tokens spread out.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { FleetBackoffError, redisCachePlugin } from "../src/index.js";
import { cacheKey, connect, connectCluster, FAMILIES, fakeSource, redisHelper, type Connected, type RedisClusterHandle } from "./support/redis.js";

const HOUR = 3_600_000;
const miss = () => ({ reason: "miss" as const, current: undefined, deadline: Date.now() + 10_000 });

describe("fleet cache on a 3-master Redis Cluster", () => {
  let cluster: RedisClusterHandle;
  const connections: Connected[] = [];
  before(async () => {
    cluster = await redisHelper.startRedisCluster();
  });
  after(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await cluster?.stop();
  });

  for (const family of FAMILIES) {
    it(`shares tokens through the cluster (${family}), one slot per token`, async () => {
      const a = await connectCluster(family, cluster.nodes);
      const b = await connectCluster(family, cluster.nodes);
      connections.push(a, b);
      const encryptionKeys = [randomBytes(32)];
      const first = redisCachePlugin({ client: a.client, encryptionKeys, keyPrefix: `c-${family}` }).cache;
      const second = redisCachePlugin({ client: b.client, encryptionKeys, keyPrefix: `c-${family}` }).cache;
      const source = fakeSource(HOUR, 1);
      const keys = Array.from({ length: 12 }, (_, i) => cacheKey(`cluster-${family}-${i}`));
      const fetched = await Promise.all(keys.map((k) => first.getOrFetch(k, source.fetch, miss())));
      const shared = await Promise.all(keys.map((k) => second.getOrFetch(k, source.fetch, miss())));
      assert.deepEqual(
        shared.map((t) => t.token),
        fetched.map((t) => t.token),
      );
      assert.equal(source.calls, keys.length);
      assert.equal(second.stats().l2Hits, keys.length);
      assert.equal(first.stats().storeFailures + second.stats().storeFailures, 0);

      // A throttled fetch writes the back-off marker next to the token (same slot); the other process honours it.
      const throttledKey = cacheKey(`cluster-${family}-throttled`);
      const throttled = Object.assign(new Error("throttled"), { statusCode: 429, retryAfterMs: 30_000 });
      source.failWith = throttled;
      await assert.rejects(first.getOrFetch(throttledKey, source.fetch, miss()), (e) => e === throttled);
      await assert.rejects(second.getOrFetch(throttledKey, source.fetch, { ...miss(), deadline: Date.now() + 1_000 }), FleetBackoffError);
      assert.equal(source.calls, keys.length + 1);

      // Where did the keys land? Ask a node directly.
      const probe = await connect(family, cluster.nodes[0]!.port);
      connections.push(probe);
      const slotOf = async (name: string) => Number(await probe.raw("CLUSTER", "KEYSLOT", name));
      const prefix = `c-${family}`;
      for (const k of keys.slice(0, 3)) {
        const slot = await slotOf(`${prefix}:{${k}}:token`);
        assert.equal(await slotOf(`${prefix}:{${k}}:lock`), slot);
        assert.equal(await slotOf(`${prefix}:{${k}}:backoff`), slot);
      }
      const slots = new Set(await Promise.all(keys.map((k) => slotOf(`${prefix}:{${k}}:token`))));
      assert.ok(slots.size > 1, "tokens spread over slots");
      const owners = new Set<string>();
      for (const node of cluster.nodes) {
        const direct = await connect(family, node.port);
        connections.push(direct);
        const count = Number(await direct.raw("DBSIZE"));
        if (count > 0) owners.add(String(node.port));
      }
      assert.ok(owners.size >= 2, `tokens on ${owners.size} of 3 masters`);
    });
  }
});
