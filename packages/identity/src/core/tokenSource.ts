// The contract between the cache and whatever fetches tokens: the cache (cache/tokenProvider.ts)
// calls a TokenSource on a miss or a due refresh; protocols (sources/) implement it. A source never
// caches and never logs secrets.
import type { AbortSignalLike, AccessToken } from "./types.js";

/** What a token source is asked for. */
export interface TokenRequest {
  scopes: string[];
  tenantId: string | undefined;
  /** Merged claims JSON (caller challenge and/or CAE capabilities), if any. */
  claims: string | undefined;
  enableCae: boolean;
  /** Absolute deadline (ms) for the whole acquisition. */
  deadline: number;
  /** Fires when the credential is closed: a source that waits (a poll, a sign-in, a request) stops. */
  abortSignal?: AbortSignalLike;
}

export type TokenSource = (request: TokenRequest) => Promise<AccessToken>;
