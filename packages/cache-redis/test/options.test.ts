// Option mistakes are typed errors at construction that name the option and never echo key material.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { redisCachePlugin } from "../src/index.js";
import { resolveOptions } from "../src/options.js";

const client = { mGet: async () => [], set: async () => "OK", eval: async () => 0 };

describe("options", () => {
  it("requires encryption keys unless plaintext is explicitly allowed", () => {
    assert.throws(
      () => resolveOptions({ client }),
      (e: unknown) => e instanceof TypeError && /encryptionKeys/.test(e.message) && /allowUnencrypted/.test(e.message),
    );
    assert.equal(resolveOptions({ client, allowUnencrypted: true }).encryptionKeys.length, 0);
  });

  it("accepts 32-byte keys as bytes, base64 or hex, and rejects other sizes without echoing them", () => {
    const key = randomBytes(32);
    const resolved = resolveOptions({ client, encryptionKeys: [key, key.toString("base64"), key.toString("hex"), key.toString("base64url")] });
    for (const k of resolved.encryptionKeys) assert.ok(k.equals(key));
    const short = randomBytes(16).toString("base64");
    assert.throws(
      () => resolveOptions({ client, encryptionKeys: [key, short] }),
      (e: unknown) => e instanceof RangeError && /encryptionKeys\[1\] must be 32 bytes/.test(e.message) && !e.message.includes(short),
    );
    assert.throws(
      () => resolveOptions({ client, encryptionKeys: ["not a key!"] }),
      (e: unknown) => e instanceof TypeError && !e.message.includes("not a key"),
    );
    assert.throws(() => resolveOptions({ client, encryptionKeys: [42 as never] }), TypeError);
  });

  it("checks the prefix, numbers and the logger", () => {
    const keys = [randomBytes(32)];
    assert.throws(() => resolveOptions({ client, encryptionKeys: keys, keyPrefix: "a{b}" }), /hash tag/);
    assert.throws(() => resolveOptions({ client, encryptionKeys: keys, operationTimeoutMs: 0 }), RangeError);
    assert.throws(() => resolveOptions({ client, encryptionKeys: keys, refreshJitter: "0.1" as never }), TypeError);
    assert.throws(() => resolveOptions({ client, encryptionKeys: keys, circuitBreaker: { failureThreshold: 0 } }), /circuitBreaker\.failureThreshold/);
    assert.throws(() => resolveOptions({ client, encryptionKeys: keys, logger: {} as never }), /logger/);
    assert.equal(resolveOptions({ client, encryptionKeys: keys }).operationTimeoutMs, 200);
  });

  it("recognises node-redis and ioredis shapes and refuses anything else", () => {
    const keys = [randomBytes(32)];
    assert.equal(redisCachePlugin({ client, encryptionKeys: keys }).cache.circuitState, "closed");
    const ioredisLike = { call: async () => null, mget: async () => [], set: async () => "OK", eval: async () => 0 };
    assert.equal(typeof redisCachePlugin({ client: ioredisLike, encryptionKeys: keys }), "function");
    assert.throws(() => redisCachePlugin({ client: { get: async () => null }, encryptionKeys: keys }), /node-redis.*ioredis/);
    assert.throws(() => redisCachePlugin({ client: null, encryptionKeys: keys }), /received null/);
  });

  it("refuses a context that is not azid's", () => {
    const plugin = redisCachePlugin({ client, encryptionKeys: [randomBytes(32)] });
    assert.throws(() => plugin({ cachePluginControl: {} }), /useIdentityPlugin from @azid\/identity/);
    let registered: unknown;
    plugin({ azid: { contractVersion: 1 }, setDistributedTokenCache: (c: unknown) => (registered = c) });
    assert.equal(registered, plugin.cache);
  });
});
