// ioredis and its fork iovalkey: lower-case commands, positional arguments
// (`set(key, value, "PX", ms, "NX")`, `eval(script, numKeys, ...keys, ...args)`). Works for
// `new Redis()` and `new Redis.Cluster()` alike.
import type { RedisCommands } from "./types.js";

/** The structural slice of an ioredis/iovalkey client or cluster this package calls. */
export interface IoredisLike {
  mget(keys: string[]): Promise<Array<string | null>>;
  set(key: string, value: string, px: "PX", ms: number, ...nx: ["NX"] | []): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  call(command: string, ...args: unknown[]): Promise<unknown>;
  readonly status?: string;
}

export function isIoredisLike(client: object): client is IoredisLike {
  const c = client as Record<string, unknown>;
  return typeof c.call === "function" && typeof c.mget === "function" && typeof c.set === "function" && typeof c.eval === "function";
}

export function ioredisCommands(client: IoredisLike): RedisCommands {
  return {
    family: "ioredis",
    isReady: () => client.status === undefined || client.status === "ready",
    mget: async (keys) => (await client.mget(keys)).map((v) => (typeof v === "string" ? v : null)),
    setPx: async (key, value, ms, onlyIfAbsent) => (await (onlyIfAbsent ? client.set(key, value, "PX", ms, "NX") : client.set(key, value, "PX", ms))) === "OK",
    eval: (script, keys, args) => client.eval(script, keys.length, ...keys, ...args),
  };
}
