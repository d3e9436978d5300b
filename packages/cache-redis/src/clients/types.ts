// The few Redis commands the fleet cache needs, whatever the client library. Every key passed in one
// call shares a hash tag, so each call is a single-slot operation on Redis Cluster too.

export interface RedisCommands {
  /** "node-redis" (`redis`, `@redis/client`) or "ioredis" (also iovalkey, its fork). */
  readonly family: "node-redis" | "ioredis";
  /** False when the client says it is not connected (commands would only queue): skip Redis at once. */
  isReady(): boolean;
  mget(keys: string[]): Promise<Array<string | null>>;
  /** SET key value PX ms [NX]; resolves true when the value was written. */
  setPx(key: string, value: string, ms: number, onlyIfAbsent: boolean): Promise<boolean>;
  eval(script: string, keys: string[], args: string[]): Promise<unknown>;
}
