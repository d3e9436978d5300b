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
//  - a token is never served within its expiry skew; then callers wait for a fresh one;
//  - bounded in bytes (an estimate: key, token, and a fixed overhead per entry and partition), not
//    in entries: 1 KB tokens and 10 KB tokens cost what they weigh. Every insert also sweeps a few
//    entries, so expired tokens are freed as the cache is used, without a timer that keeps the
//    process alive; a partition left empty is dropped, so a credential per request (OBO with a new
//    user assertion each time) leaves nothing behind once its tokens expire or are evicted.
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
  /** What this entry is counted as in the cache's byte total. */
  bytes: number;
}

/**
 * Estimated bytes of an entry beyond its key and token text: the entry, the frozen token, its resolved
 * promise and the refresh closure with what it captures (measured at ~1 KB on Node 20 with a
 * credential per entry; test/core/cache/tokenCache.test.ts checks the estimate against the heap).
 */
const ENTRY_OVERHEAD = 1_024;
const PARTITION_OVERHEAD = 512;
/** Entries examined per insert for expired tokens: freeing outpaces inserting, so expired entries can't pile up. */
const SWEEP_PER_INSERT = 4;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

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
  readonly name: string;
  /** Whether the cache holds this partition: from its first entry until it is empty again. */
  attached = false;
  readonly #owner: TokenCache;

  constructor(owner: TokenCache, name: string) {
    this.#owner = owner;
    this.name = name;
  }

  /** A usable cached token (as a resolved promise), or undefined. Starts a background refresh when one is due. */
  peek(key: string): Promise<AccessToken> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.resolved === undefined) return undefined;
    const now = cacheNow();
    if (now >= entry.usableUntil) return undefined;
    if (now >= entry.refreshAt && entry.inflight === undefined && entry.refresh !== undefined) this.#owner.refreshInBackground(this, key, entry, now);
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
        this.#owner.store(this, storeKey, entry, token, options.refresh ?? fetch, options.onRefreshError);
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
      bytes: ENTRY_OVERHEAD + 2 * key.length,
    };
    if (!this.attached) this.#owner.attach(this);
    this.entries.set(key, entry);
    this.#owner.grew(entry.bytes);
    return entry;
  }

  #delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry !== undefined) this.#owner.remove(this, key, entry);
  }
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

/** Limits of the process-wide token cache (see `setTokenCacheLimits`). */
export interface TokenCacheLimits {
  /** Upper bound of the cache's estimated size in bytes (default 64 MiB, or AZID_TOKEN_CACHE_MAX_BYTES). */
  maxBytes?: number;
}

export class TokenCache {
  readonly #partitions = new Map<string, CachePartition>();
  /** Refresh tokens of user accounts, next to the access tokens they produce. */
  readonly refreshTokens = new RefreshTokenStore();
  #maxBytes: number;
  #size = 0;
  #bytes = 0;
  #sweepPartitions: Iterator<CachePartition> | undefined;
  #sweeping: CachePartition | undefined;
  #sweepEntries: Iterator<[string, CacheEntry]> | undefined;

  constructor(limits: TokenCacheLimits = {}) {
    this.#maxBytes = checkMaxBytes(limits.maxBytes ?? DEFAULT_MAX_BYTES);
  }

  /** Entries held (tokens and in-flight requests). */
  get size(): number {
    return this.#size;
  }

  /** Estimated bytes held, the figure `maxBytes` bounds. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Partitions held: one per identity with at least one entry. */
  get partitionCount(): number {
    return this.#partitions.size;
  }

  get maxBytes(): number {
    return this.#maxBytes;
  }

  /** Changes the bound; shrinking it evicts at once. */
  setLimits(limits: TokenCacheLimits): void {
    if (limits.maxBytes !== undefined) this.#maxBytes = checkMaxBytes(limits.maxBytes);
    if (this.#bytes > this.#maxBytes) this.#evict();
  }

  /**
   * The partition for `name`, shared by every provider with the same identity. A new one joins the
   * cache with its first entry, so an identity that never gets a token (a CAE partition nobody asks
   * for) costs nothing here.
   */
  partition(name: string): CachePartition {
    return this.#partitions.get(name) ?? new CachePartition(this, name);
  }

  /** Empties every partition (providers keep their partition objects). */
  clear(): void {
    for (const partition of this.#partitions.values()) {
      partition.entries.clear();
      partition.attached = false;
    }
    this.#partitions.clear();
    this.#orphans.clear();
    this.#resetSweep();
    this.refreshTokens.clear();
    this.#size = 0;
    this.#bytes = 0;
  }

  readonly #orphans = new Set<CachePartition>();

  /** @internal A partition gets its first entry (again, when its provider outlived a drop). */
  attach(partition: CachePartition): void {
    partition.attached = true;
    // Providers re-resolve a detached partition before a miss (tokenProvider.ts), so this is rare: another
    // provider's partition of the same name joined meanwhile. Both stay counted and evictable.
    if (!this.#partitions.has(partition.name)) this.#partitions.set(partition.name, partition);
    else this.#orphans.add(partition);
    this.#bytes += PARTITION_OVERHEAD + 2 * partition.name.length;
  }

  /** @internal */
  grew(bytes: number): void {
    this.#size++;
    this.#bytes += bytes;
    this.#sweep(SWEEP_PER_INSERT);
    if (this.#bytes > this.#maxBytes) this.#evict();
  }

  /** @internal Removes one entry; drops its partition when that leaves it empty. */
  remove(partition: CachePartition, key: string, entry: CacheEntry): void {
    if (partition.entries.get(key) !== entry) return;
    partition.entries.delete(key);
    this.#size--;
    this.#bytes -= entry.bytes;
    if (partition.entries.size === 0) this.#drop(partition);
  }

  #drop(partition: CachePartition): void {
    if (!partition.attached) return;
    partition.attached = false;
    if (this.#partitions.get(partition.name) === partition) this.#partitions.delete(partition.name);
    else this.#orphans.delete(partition);
    this.#bytes -= PARTITION_OVERHEAD + 2 * partition.name.length;
    if (this.#sweeping === partition) this.#sweepEntries = undefined;
  }

  /** @internal Stores a fresh token in `entry` and accounts for its size. */
  store(
    partition: CachePartition,
    key: string,
    entry: CacheEntry,
    token: AccessToken,
    refresh: () => Promise<AccessToken>,
    onRefreshError: ((error: unknown) => void) | undefined,
  ): void {
    const { refreshAt, usableUntil } = refreshSchedule(token, Date.now());
    entry.token = freeze(token, refreshAt);
    entry.resolved = Promise.resolve(entry.token);
    entry.refreshAt = refreshAt;
    entry.usableUntil = usableUntil;
    entry.refresh = refresh;
    entry.onRefreshError = onRefreshError;
    const bytes = ENTRY_OVERHEAD + 2 * key.length + 2 * token.token.length;
    if (partition.entries.get(key) === entry) {
      this.#bytes += bytes - entry.bytes;
      entry.bytes = bytes;
      if (this.#bytes > this.#maxBytes) this.#evict();
    } else entry.bytes = bytes;
  }

  /** @internal */
  refreshInBackground(partition: CachePartition, key: string, entry: CacheEntry, now: number): void {
    const promise = entry.refresh!().then(
      (token) => {
        entry.inflight = undefined;
        this.store(partition, key, entry, token, entry.refresh!, entry.onRefreshError);
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

  /** Examines up to `budget` entries, round-robin over the whole cache, and frees those no longer servable. */
  #sweep(budget: number): void {
    const now = Date.now();
    while (budget > 0) {
      if (this.#sweepEntries === undefined) {
        this.#sweepPartitions ??= this.#partitions.values();
        const next = this.#sweepPartitions.next();
        if (next.done === true) {
          this.#sweepPartitions = undefined;
          return; // one full pass per insert at most
        }
        this.#sweeping = next.value;
        this.#sweepEntries = next.value.entries.entries();
      }
      const item = this.#sweepEntries.next();
      if (item.done === true) {
        this.#sweepEntries = undefined;
        continue;
      }
      budget--;
      const [key, entry] = item.value;
      if (isDead(entry, now)) this.remove(this.#sweeping!, key, entry);
    }
  }

  #resetSweep(): void {
    this.#sweepPartitions = undefined;
    this.#sweepEntries = undefined;
    this.#sweeping = undefined;
  }

  /** Drops entries that can no longer be served first, then the least recently stored identities, down to 90% of the bound. */
  #evict(): void {
    const now = Date.now();
    const target = Math.floor(this.#maxBytes * 0.9);
    const partitions = () => [...this.#orphans, ...this.#partitions.values()];
    for (const deadOnly of [true, false]) {
      for (const partition of partitions()) {
        for (const [key, entry] of partition.entries) {
          if (!deadOnly && this.#bytes <= target) return;
          // In-flight requests and placeholders about to receive a token stay: single-flight depends on them.
          if (entry.inflight !== undefined || entry.token === undefined) continue;
          if (deadOnly && !isDead(entry, now)) continue;
          this.remove(partition, key, entry);
        }
      }
    }
  }
}

/** An entry whose token can no longer be served and that nothing is waiting on. */
function isDead(entry: CacheEntry, now: number): boolean {
  return entry.inflight === undefined && entry.token !== undefined && now >= entry.usableUntil;
}

function checkMaxBytes(value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 64 * 1024) {
    throw new RangeError(`Token cache maxBytes must be a finite number of at least 65536 (64 KiB); received ${String(value)}.`);
  }
  return Math.floor(value);
}

function freeze(token: AccessToken, refreshAt: number): AccessToken {
  return Object.freeze({ ...token, refreshAfterTimestamp: refreshAt, tokenType: token.tokenType ?? "Bearer" });
}

function maxBytesFromEnvironment(): number | undefined {
  // `process.env.X` whole, read first: the web builds (no environment: scripts/webBuild.mjs) see a constant
  // undefined there, so esbuild drops the rest at build time (a statement before it would keep it).
  const raw = typeof process === "object" ? process.env.AZID_TOKEN_CACHE_MAX_BYTES : undefined;
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 64 * 1024 ? value : undefined;
}

/** The process-wide cache shared by every credential. */
export const tokenCache = new TokenCache({ maxBytes: maxBytesFromEnvironment() });

/** Bounds the process-wide token cache (default 64 MiB, estimated; or AZID_TOKEN_CACHE_MAX_BYTES at start). Shrinking evicts at once. */
export function setTokenCacheLimits(limits: TokenCacheLimits): void {
  tokenCache.setLimits(limits);
}
