// Tells the client families apart by shape, not by import: this package loads no Redis library.
import { ioredisCommands, isIoredisLike } from "./ioredis.js";
import { isNodeRedisLike, nodeRedisCommands } from "./nodeRedis.js";
import type { RedisCommands } from "./types.js";

export function redisCommandsFor(client: unknown): RedisCommands {
  if (typeof client !== "object" || client === null) {
    throw new TypeError(
      `redisCachePlugin: \`client\` must be a connected node-redis, ioredis or iovalkey client (received ${client === null ? "null" : typeof client}).`,
    );
  }
  // ioredis first: it is the one with `call`; node-redis has no `call` and ioredis has no `mGet`.
  if (isIoredisLike(client)) return ioredisCommands(client);
  if (isNodeRedisLike(client)) return nodeRedisCommands(client);
  throw new TypeError(
    "redisCachePlugin: `client` is not a Redis client this package knows: expected node-redis (mGet, set, eval) " +
      "or ioredis/iovalkey (call, mget, set, eval). Pass the client returned by `await createClient(...).connect()` or `new Redis(...)`.",
  );
}

/**
 * A client whose 'error' event nobody listens to crashes the process when Redis goes away (Node's
 * EventEmitter rule). Redis must never be a new way to fail, so the plugin listens when no one does.
 */
export function keepErrorsFromCrashing(client: unknown, onError: (error: unknown) => void): void {
  const emitter = client as { on?: unknown; listenerCount?: unknown };
  if (typeof emitter.on !== "function" || typeof emitter.listenerCount !== "function") return;
  if ((emitter.listenerCount as (event: string) => number).call(client, "error") > 0) return;
  (emitter.on as (event: string, listener: (error: unknown) => void) => void).call(client, "error", onError);
}
