// The plugin contract (docs/design/plugins.md), restated structurally. This package depends on
// @azid/identity for nothing at run time, so a program never loads a second copy of the core; the
// type test in test/contract.test.ts proves these shapes stay assignable to the core's.

export interface AccessToken {
  token: string;
  expiresOnTimestamp: number;
  refreshAfterTimestamp?: number;
  tokenType?: "Bearer" | "pop";
}

export interface DistributedFetchInfo {
  /** "miss": the process cache had nothing; "refresh": it still serves `current` but a refresh is due. */
  reason: "miss" | "refresh";
  current: AccessToken | undefined;
  /** Epoch ms by which the caller wants an answer. */
  deadline: number;
}

export interface DistributedTokenCache {
  getOrFetch(key: string, fetch: () => Promise<AccessToken>, info: DistributedFetchInfo): Promise<AccessToken>;
}

/** The part of azid's plugin context this plugin uses. */
export interface DistributedCachePluginContext {
  readonly azid?: { readonly contractVersion: number };
  setDistributedTokenCache(cache: DistributedTokenCache | undefined): void;
}
