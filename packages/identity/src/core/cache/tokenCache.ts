// The one token cache, process-wide. Every credential reads and writes it through a TokenProvider
// (tokenProvider.ts). Keys carry everything that makes a token different (authority, tenant, client,
// a fingerprint of the secret or certificate, scopes, CAE), so credentials never see each other's
// tokens while instances with the same identity share them.
//
// Policy, in one place:
//  - lookup is one Map.get; a hit costs no allocation;
//  - single-flight: concurrent misses for a key share one request;
//  - refresh ahead: past `refreshAt` the current token is still served while one background refresh
//    runs; if it fails, the old token keeps being served and the refresh is retried later;
//  - a token is never served within its expiry skew; then callers wait for a fresh one.
import type { AccessToken } from "../types.js";
import { cacheNow } from "./clock.js";

export interface CacheEntry {
  token: AccessToken | undefined;
  /** `token` as an already-resolved promise: a hit returns it without allocating or a thenable check. */
  resolved: Promise<AccessToken> | undefined;
  usableUntil: number;
  refreshAt: number;
  inflight: Promise<AccessToken> | undefined;
  /** How to get a fresh token for this key (captured at first fetch). */
  refresh: (() => Promise<AccessToken>) | undefined;
  onRefreshError: ((error: unknown) => void) | undefined;
}

const FIVE_MINUTES = 5 * 60_000;
const TEN_MINUTES = 10 * 60_000;
const TWO_HOURS = 2 * 60 * 60_000;

/** When to refresh and until when to serve a token received at `now`. */
export function refreshSchedule(token: AccessToken, now: number): { refreshAt: number; usableUntil: number } {
  const expires = token.expiresOnTimestamp;
  const lifetime = Math.max(0, expires - now);
  const usableUntil = expires - Math.min(30_000, lifetime / 10);
  // Always by five minutes before expiry; for tokens too short for that, at half-life.
  const latest = lifetime > TEN_MINUTES ? expires - FIVE_MINUTES : now + lifetime / 2;
  const fromServer = token.refreshAfterTimestamp !== undefined && token.refreshAfterTimestamp > now ? token.refreshAfterTimestamp : undefined;
  const preferred = fromServer ?? (lifetime >= TWO_HOURS ? now + lifetime / 2 : latest);
  const refreshAt = Math.min(preferred, latest);
  return { refreshAt: Math.max(now, Math.floor(refreshAt)), usableUntil };
}

/**
 * One identity's slice of the cache (authority + client + credential fingerprint + tenant + CAE).
 * Providers hold their partition, so a hit is one Map.get keyed by the caller's scope string.
 */
export class CachePartition {
  readonly entries = new Map<string, CacheEntry>();
  readonly #owner: TokenCache;

  constructor(owner: TokenCache) {
    this.#owner = owner;
  }

  /** A usable cached token (as a resolved promise), or undefined. Starts a background refresh when one is due. */
  peek(key: string): Promise<AccessToken> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.resolved === undefined) return undefined;
    const now = cacheNow();
    if (now >= entry.usableUntil) return undefined;
    if (now >= entry.refreshAt && entry.inflight === undefined && entry.refresh !== undefined) refreshInBackground(entry, now);
    return entry.resolved;
  }

  /**
   * Waits for the in-flight request for `inflightKey`, or starts `fetch`. The result is stored under
   * `storeKey` (a claims challenge is fetched under its own in-flight key but replaces the plain entry).
   */
  acquire(
    storeKey: string,
    fetch: () => Promise<AccessToken>,
    options: {
      inflightKey?: string;
      onRefreshError?: (error: unknown) => void;
      /** How later refreshes fetch (default: `fetch`). */ refresh?: () => Promise<AccessToken>;
    } = {},
  ): Promise<AccessToken> {
    const inflightKey = options.inflightKey ?? storeKey;
    const existing = this.entries.get(inflightKey);
    if (existing?.inflight !== undefined) return existing.inflight;
    const holder = existing ?? this.#insert(inflightKey);
    const promise = fetch().then(
      (token) => {
        holder.inflight = undefined;
        const entry = this.entries.get(storeKey) ?? this.#insert(storeKey);
        store(entry, token, options.refresh ?? fetch, options.onRefreshError);
        if (inflightKey !== storeKey && holder.token === undefined) this.#delete(inflightKey);
        return entry.token!;
      },
      (error: unknown) => {
        holder.inflight = undefined;
        if (holder.token === undefined) this.#delete(inflightKey);
        throw error;
      },
    );
    holder.inflight = promise;
    return promise;
  }

  #insert(key: string): CacheEntry {
    const entry: CacheEntry = {
      token: undefined,
      resolved: undefined,
      usableUntil: 0,
      refreshAt: 0,
      inflight: undefined,
      refresh: undefined,
      onRefreshError: undefined,
    };
    this.entries.set(key, entry);
    this.#owner.grew();
    return entry;
  }

  #delete(key: string): void {
    if (this.entries.delete(key)) this.#owner.shrank(1);
  }
}

function freeze(token: AccessToken, refreshAt: number): AccessToken {
  return Object.freeze({ ...token, refreshAfterTimestamp: refreshAt, tokenType: token.tokenType ?? "Bearer" });
}

function store(entry: CacheEntry, token: AccessToken, refresh: () => Promise<AccessToken>, onRefreshError: ((error: unknown) => void) | undefined): void {
  const { refreshAt, usableUntil } = refreshSchedule(token, Date.now());
  entry.token = freeze(token, refreshAt);
  entry.resolved = Promise.resolve(entry.token);
  entry.refreshAt = refreshAt;
  entry.usableUntil = usableUntil;
  entry.refresh = refresh;
  entry.onRefreshError = onRefreshError;
}

function refreshInBackground(entry: CacheEntry, now: number): void {
  const promise = entry.refresh!().then(
    (token) => {
      entry.inflight = undefined;
      store(entry, token, entry.refresh!, entry.onRefreshError);
      return entry.token!;
    },
    (error: unknown) => {
      entry.inflight = undefined;
      // Keep serving the still-valid token; try again after a short, bounded delay.
      entry.refreshAt = Date.now() + Math.min(30_000, Math.max(1_000, (entry.usableUntil - now) / 4));
      entry.onRefreshError?.(error);
      throw error;
    },
  );
  promise.catch(() => undefined); // background: the failure is reported through onRefreshError
  entry.inflight = promise;
}

/**
 * Refresh tokens of signed-in users (DeviceCode, InteractiveBrowser, AuthorizationCode,
 * UsernamePassword credentials), keyed by authority host + client id + home account id, so any
 * credential of the same app that knows the account (an AuthenticationRecord, an earlier sign-in)
 * acquires tokens silently. Values never leave this module except to the refresh_token grant.
 */
export class RefreshTokenStore {
  readonly #tokens = new Map<string, string>();

  static key(authorityHost: string, clientId: string, homeAccountId: string): string {
    return `${authorityHost.toLowerCase()}\u0000${clientId.toLowerCase()}\u0000${homeAccountId}`;
  }

  get(key: string): string | undefined {
    return this.#tokens.get(key);
  }

  set(key: string, refreshToken: string): void {
    this.#tokens.set(key, refreshToken);
  }

  /** Forgets the token; with `onlyIf`, only when it is still that value (a concurrent rotation wins). */
  delete(key: string, onlyIf?: string): void {
    if (onlyIf === undefined || this.#tokens.get(key) === onlyIf) this.#tokens.delete(key);
  }

  clear(): void {
    this.#tokens.clear();
  }
}

export class TokenCache {
  readonly #partitions = new Map<string, CachePartition>();
  /** Refresh tokens of user accounts, next to the access tokens they produce. */
  readonly refreshTokens = new RefreshTokenStore();
  readonly #maxEntries: number;
  #size = 0;

  constructor(maxEntries = 100_000) {
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#size;
  }

  /** The partition for `name`, shared by every provider with the same identity. */
  partition(name: string): CachePartition {
    let partition = this.#partitions.get(name);
    if (partition === undefined) {
      partition = new CachePartition(this);
      this.#partitions.set(name, partition);
    }
    return partition;
  }

  /** Empties every partition (providers keep their partition objects). */
  clear(): void {
    for (const partition of this.#partitions.values()) partition.entries.clear();
    this.refreshTokens.clear();
    this.#size = 0;
  }

  /** @internal */
  grew(): void {
    if (++this.#size > this.#maxEntries) this.#evict();
  }

  /** @internal */
  shrank(count: number): void {
    this.#size -= count;
  }

  /** Drops expired entries first, then the oldest ones, down to 90% of capacity. */
  #evict(): void {
    const now = Date.now();
    const target = Math.floor(this.#maxEntries * 0.9);
    for (const expiredOnly of [true, false]) {
      for (const partition of this.#partitions.values()) {
        for (const [key, entry] of partition.entries) {
          if (!expiredOnly && this.#size <= target) return;
          if (entry.inflight !== undefined) continue;
          if (expiredOnly && entry.token !== undefined && entry.usableUntil > now) continue;
          partition.entries.delete(key);
          this.#size--;
        }
      }
    }
  }
}

/** The process-wide cache shared by every credential. */
export const tokenCache = new TokenCache();
