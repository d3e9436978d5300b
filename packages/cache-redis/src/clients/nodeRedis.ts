// node-redis (`redis` v4 to v6, `@redis/client`): camelCase commands, options objects, and
// `eval(script, { keys, arguments })`. Works for createClient() and createCluster() alike.
import type { RedisCommands } from "./types.js";

/** The structural slice of a node-redis client or cluster this package calls. */
export interface NodeRedisLike {
  mGet(keys: string[]): Promise<Array<string | null | unknown>>;
  // `{ PX, NX }` is understood by every node-redis from v4 on (v5 added `expiration`/`condition`
  // and keeps these); a test checks the TTL really lands, so a future removal can't go unnoticed.
  set(key: string, value: string, options: { PX: number; NX?: true }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  readonly isReady?: boolean;
}

export function isNodeRedisLike(client: object): client is NodeRedisLike {
  const c = client as Record<string, unknown>;
  return typeof c.mGet === "function" && typeof c.set === "function" && typeof c.eval === "function";
}

export function nodeRedisCommands(client: NodeRedisLike): RedisCommands {
  return {
    family: "node-redis",
    isReady: () => client.isReady !== false,
    mget: async (keys) => (await client.mGet(keys)).map((v) => (typeof v === "string" ? v : null)),
    setPx: async (key, value, ms, onlyIfAbsent) => (await client.set(key, value, onlyIfAbsent ? { PX: ms, NX: true } : { PX: ms })) === "OK",
    eval: (script, keys, args) => client.eval(script, { keys, arguments: args }),
  };
}
