// The fleet (L2) cache for app-only tokens: when a plugin registered a DistributedTokenCache
// (useIdentityPlugin, docs/design/plugins.md), a TokenProvider given `fleet` asks it before the network.
// Only the app-only providers (confidential clients, managed identity) import this module, so a page
// that only signs users in bundles none of it.
import { bytesToHex } from "../encoding.js";
import { sha256Async } from "../hash.js";
import { pluginRegistry } from "../plugins.js";
import type { AccessToken } from "../types.js";

export interface FleetCache {
  /**
   * Wraps a network fetch with the fleet cache, when a plugin registered one. The registry is read at
   * each call, so a plugin registered after the credential was built still applies. A token from L2
   * that is about to expire is not trusted: the network decides then.
   */
  wrap(
    partitionName: string,
    storeKey: string,
    fetch: () => Promise<AccessToken>,
    current: () => AccessToken | undefined,
    timeoutMs: number,
  ): () => Promise<AccessToken>;
}

/**
 * `fleetScope` narrows the key beyond the partition, e.g. the host name for a system-assigned managed
 * identity: every VM's IMDS looks alike, but each VM may have an identity of its own.
 */
export function fleetCache(fleetScope?: () => string): FleetCache {
  return {
    wrap(partitionName, storeKey, fetch, current, timeoutMs) {
      let key: Promise<string> | undefined;
      return () => {
        const fleet = pluginRegistry.distributedCache;
        if (fleet === undefined) return fetch();
        key ??= fleetCacheKey(`${partitionName}\u0000${fleetScope?.() ?? ""}`, storeKey);
        const now = current();
        const info = { reason: now === undefined ? ("miss" as const) : ("refresh" as const), current: now, deadline: Date.now() + timeoutMs };
        return key.then((name) => fleet.getOrFetch(name, fetch, info)).then((token) => (isUsableFleetToken(token) ? token : fetch()));
      };
    },
  };
}

/** The fleet (L2) cache key: a hash of the identity's partition and the scopes, so it carries no secret. */
export async function fleetCacheKey(partitionName: string, scopeKey: string): Promise<string> {
  return bytesToHex(await sha256Async(`${partitionName}\u0000${scopeKey}`));
}

function isUsableFleetToken(token: unknown): token is AccessToken {
  if (typeof token !== "object" || token === null) return false;
  const { token: value, expiresOnTimestamp } = token as AccessToken;
  return typeof value === "string" && value.length > 0 && typeof expiresOnTimestamp === "number" && expiresOnTimestamp > Date.now() + 5_000;
}
