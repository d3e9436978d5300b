// @azid/cache-redis: a fleet-wide token cache on Redis/Valkey for @azid/identity.
//   useIdentityPlugin(redisCachePlugin({ client, encryptionKeys: [key] }));
export { redisCachePlugin, type RedisCachePlugin } from "./plugin.js";
export type { RedisCachePluginOptions } from "./options.js";
export { RedisTokenCache, type RedisCacheStats } from "./redisTokenCache.js";
export { FleetBackoffError } from "./errors.js";
export type { CacheLogger } from "./log.js";
export type { BreakerState } from "./circuitBreaker.js";
