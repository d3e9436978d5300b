// Lua scripts: each runs atomically on the one slot of a token's keys.

/** Releases the lock only if this process still owns it (a lock that expired and was taken over stays). */
export const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Extends the lock's TTL while its owner is still fetching (a slow, retried request must not let a second fetch in). */
export const EXTEND_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/** Stores the fresh token (TTL = its remaining life) and releases the lock if still owned, in one round trip. */
export const STORE_AND_RELEASE = `redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1`;
