// redisCachePlugin(options): the function handed to azid's useIdentityPlugin. It checks the options
// and the client at once (mistakes surface at start-up, not at the first token), then registers one
// RedisTokenCache as the distributed (L2) token cache.
import { keepErrorsFromCrashing, redisCommandsFor } from "./clients/detect.js";
import type { DistributedCachePluginContext } from "./contract.js";
import { resolveOptions, type RedisCachePluginOptions } from "./options.js";
import { RedisTokenCache } from "./redisTokenCache.js";

export type RedisCachePlugin = ((context: unknown) => void) & {
  /** The cache this plugin registers (for its stats() and circuitState). */
  readonly cache: RedisTokenCache;
};

export function redisCachePlugin(options: RedisCachePluginOptions): RedisCachePlugin {
  const resolved = resolveOptions(options);
  const commands = redisCommandsFor(options.client);
  const cache = new RedisTokenCache(commands, resolved);
  // Counted by the store on the next operation anyway; the listener only keeps the process alive.
  keepErrorsFromCrashing(options.client, () => undefined);
  const plugin = (context: unknown): void => {
    const ctx = context as Partial<DistributedCachePluginContext> | null;
    if (typeof ctx !== "object" || ctx === null || ctx.azid?.contractVersion !== 1 || typeof ctx.setDistributedTokenCache !== "function") {
      throw new TypeError(
        "@azid/cache-redis is a plugin for @azid/identity: pass it to useIdentityPlugin from @azid/identity (it does not work with @azure/identity's useIdentityPlugin).",
      );
    }
    ctx.setDistributedTokenCache(cache);
  };
  return Object.assign(plugin, { cache });
}
