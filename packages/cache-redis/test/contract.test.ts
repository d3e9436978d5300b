// This package restates the plugin contract structurally (it imports @azid/identity for types only);
// these checks fail to compile, or fail at run time, if the two drift apart.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { useIdentityPlugin, type AccessToken as CoreAccessToken, type DistributedTokenCache as CoreCache, type IdentityPlugin } from "@azid/identity";
import type { AccessToken, DistributedTokenCache } from "../src/contract.js";
import { redisCachePlugin, type RedisTokenCache } from "../src/index.js";

type Assignable<From, To> = [From] extends [To] ? true : false;
const checks: [
  Assignable<RedisTokenCache, CoreCache>,
  Assignable<CoreCache, DistributedTokenCache>,
  Assignable<CoreAccessToken, AccessToken>,
  Assignable<AccessToken, CoreAccessToken>,
] = [true, true, true, true];

describe("plugin contract", () => {
  it("matches @azid/identity's types and registers through its useIdentityPlugin", () => {
    assert.deepEqual(checks, [true, true, true, true]);
    const client = { mGet: async () => [], set: async () => "OK", eval: async () => 0 };
    const plugin: IdentityPlugin = redisCachePlugin({ client, encryptionKeys: [randomBytes(32)] });
    useIdentityPlugin(plugin); // throws if the context were not the one the plugin expects
    useIdentityPlugin((context) => (context as { setDistributedTokenCache(c: undefined): void }).setDistributedTokenCache(undefined));
  });
});
