// Redis key names. One token per key; its lock and its back-off marker sit next to it under the same
// hash tag `{<token key>}`, so all three live in one Redis Cluster slot (MGET and the Lua scripts
// touch several of them at once) while different tokens spread over the cluster.

export interface TokenKeys {
  /** The encrypted token record; expires with the token. */
  readonly token: string;
  /** The single-flight lock: SET NX PX, owner id as value. */
  readonly lock: string;
  /** The fleet-wide back-off after a 429/503 with Retry-After. */
  readonly backoff: string;
}

/** Core keys are hex SHA-256; anything hash-like is accepted, nothing that could break the tag. */
const CACHE_KEY = /^[A-Za-z0-9_-]{16,128}$/;

export function isCacheKey(key: unknown): key is string {
  return typeof key === "string" && CACHE_KEY.test(key);
}

export function tokenKeys(prefix: string, key: string): TokenKeys {
  const base = `${prefix}:{${key}}`;
  return { token: `${base}:token`, lock: `${base}:lock`, backoff: `${base}:backoff` };
}
