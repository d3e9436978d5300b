// The fleet cache (L2) behind azid's process cache (L1), per docs/design/plugins.md:
//  - a token in Redis newer than what L1 holds is served (an L1 miss that is an L2 hit);
//  - otherwise one process fetches under a SET NX PX lock, extended while it fetches, and writes
//    the token with its remaining life as TTL; the others poll briefly for it;
//  - a throttled fetch (429/503 + Retry-After) writes a back-off marker every process honours;
//  - Redis trouble of any kind means "fetch it yourself": this never rejects because of Redis.
import { randomBytes } from "node:crypto";
import { CircuitBreaker, type BreakerState } from "./circuitBreaker.js";
import type { RedisCommands } from "./clients/types.js";
import type { AccessToken, DistributedFetchInfo, DistributedTokenCache } from "./contract.js";
import { FleetBackoffError } from "./errors.js";
import { isCacheKey, tokenKeys } from "./keyLayout.js";
import { rateLimited, stderrLogger } from "./log.js";
import type { ResolvedOptions } from "./options.js";
import { fleetRefreshAt, isServable, processRefreshAt } from "./refreshPolicy.js";
import { TokenStore, type Backoff, type StoreSession } from "./store.js";
import { tokenOf, type TokenRecord } from "./tokenRecord.js";
import { createValueCodec } from "./valueCodec.js";

/** azid's process cache refuses a token from L2 with 5 s or less left; keep a margin above that. */
const MIN_REMAINING_MS = 6_000;
/** Time kept back from the caller's deadline for a fetch of our own after waiting in vain. */
const DEADLINE_MARGIN_MS = 500;
/** Failed Redis polls a waiting process tolerates before fetching for itself. */
const MAX_FAILED_POLLS = 3;

export interface RedisCacheStats {
  /** Answered from Redis without a fetch (L1 miss or refresh, L2 hit). */
  l2Hits: number;
  /** fetch() calls made while holding the fleet lock. */
  lockedFetches: number;
  /** fetch() calls made without Redis (Redis unavailable, circuit open, waited in vain, bad key). */
  unsharedFetches: number;
  /** Times this process waited for another process's fetch. */
  waits: number;
  /** Redis operations that failed or missed their deadline. */
  storeFailures: number;
  /** Redis operations waited on for their whole deadline (each delayed its call by the deadline). */
  deadlineMisses: number;
  /** Of those, the ones during which Redis answered nothing at all (frozen, or starved of CPU). */
  silentDeadlineMisses: number;
  /** Values present but undecryptable or unparsable (each treated as a miss). */
  badValues: number;
  /** Back-off markers this process wrote after a throttled fetch. */
  backoffsSet: number;
  /** Calls answered under a fleet back-off (current token kept, waited, or FleetBackoffError). */
  backoffsHonoured: number;
}

export class RedisTokenCache implements DistributedTokenCache {
  readonly #options: ResolvedOptions;
  readonly #store: TokenStore;
  readonly #breaker: CircuitBreaker;
  readonly #log: ReturnType<typeof rateLimited>;
  readonly #salt = randomBytes(4).readUInt32LE(0);
  readonly #stats: RedisCacheStats = {
    l2Hits: 0,
    lockedFetches: 0,
    unsharedFetches: 0,
    waits: 0,
    storeFailures: 0,
    deadlineMisses: 0,
    silentDeadlineMisses: 0,
    badValues: 0,
    backoffsSet: 0,
    backoffsHonoured: 0,
  };

  constructor(commands: RedisCommands, options: ResolvedOptions) {
    this.#options = options;
    this.#log = rateLimited(options.logger ?? stderrLogger);
    this.#breaker = new CircuitBreaker({
      ...options.breaker,
      onChange: (state, reason) =>
        state === "open"
          ? this.#log.warning(`circuit open: ${reason}; tokens are fetched per process meanwhile`)
          : this.#log.info(`circuit ${state}: ${reason}`),
    });
    this.#store = new TokenStore(commands, createValueCodec(options.encryptionKeys), this.#breaker, options.operationTimeoutMs, {
      failed: (operation, message) => {
        this.#stats.storeFailures++;
        this.#log.warningOnce(`failed:${operation}`, `Redis ${operation} failed (${message}); this process fetches its own token`);
      },
      deadlineMissed: (_operation, silent) => {
        this.#stats.deadlineMisses++;
        if (silent) this.#stats.silentDeadlineMisses++;
      },
      badValue: (redisKey, reason) => {
        this.#stats.badValues++;
        this.#log.warningOnce("bad-value", `the value at ${redisKey} is ${reason}; treated as a miss`);
      },
    });
  }

  stats(): Readonly<RedisCacheStats> {
    return { ...this.#stats };
  }

  get circuitState(): BreakerState {
    return this.#breaker.state;
  }

  async getOrFetch(key: string, fetch: () => Promise<AccessToken>, info: DistributedFetchInfo): Promise<AccessToken> {
    if (!isCacheKey(key)) {
      this.#log.warningOnce("bad-key", "a cache key that is not hash-like was passed in; fetching without Redis");
      return this.#fetchUnshared(fetch);
    }
    const session = this.#store.session(tokenKeys(this.#options.keyPrefix, key));
    const waitUntil = Math.min(info.deadline - DEADLINE_MARGIN_MS, Date.now() + this.#options.maxWaitMs);
    let failedPolls = 0;
    let waiting = false;
    for (let delay = 10; ; delay = Math.min(100, delay * 1.6)) {
      const read = await session.read();
      if (read === undefined) {
        // While another process holds the lock, a failed poll is retried a few times (the breaker
        // still opens on a Redis that is really gone); otherwise fetch here.
        if (!waiting || ++failedPolls > MAX_FAILED_POLLS || this.#breaker.state !== "closed" || Date.now() + delay > waitUntil)
          return this.#fetchUnshared(fetch);
        session.retry();
        await sleep(delay);
        continue;
      }
      const now = Date.now();
      const record = read.record !== undefined && isServable(read.record, now, MIN_REMAINING_MS) ? read.record : undefined;
      if (record !== undefined) {
        const dueAt = this.#dueAt(key, record);
        const newer = isNewer(record, info.current);
        if (now < dueAt && newer) return this.#hit(record, dueAt);
        // Not due and nothing newer: L1 keeps what it has (never an older token), asked again later.
        if (now < dueAt && info.current !== undefined) return this.#keep(info.current, dueAt);
        // Due, but still good: a caller with nothing gets it now, and L1 refreshes it right after.
        if (newer && info.reason === "miss") return this.#hit(record, now + 1 + Math.floor(this.#unit(key, now) * 1000));
      }
      if (read.backoff !== undefined && read.backoff.until > now) {
        const answer = this.#underBackoff(read.backoff, record, info, now, waitUntil);
        if (answer === "wait") {
          await sleep(read.backoff.until - now + Math.floor(Math.random() * 100));
          continue;
        }
        return answer;
      }
      if (!read.locked) {
        const owner = randomBytes(12).toString("base64url");
        const locked = await session.tryLock(owner, this.#options.lockTtlMs);
        if (locked === undefined) return this.#fetchUnshared(fetch);
        if (locked) return this.#fetchAsOwner(session, owner, key, fetch);
      }
      // Another process is fetching this token: wait for it, within bounds.
      if (Date.now() + delay > waitUntil) {
        if (info.current !== undefined && info.current.expiresOnTimestamp - Date.now() > MIN_REMAINING_MS) return this.#keep(info.current, Date.now() + 1_000);
        return this.#fetchUnshared(fetch);
      }
      this.#stats.waits++;
      waiting = true;
      await sleep(delay * (0.8 + Math.random() * 0.4));
    }
  }

  #hit(record: TokenRecord, refreshAfter: number): AccessToken {
    this.#stats.l2Hits++;
    return tokenOf(record, refreshAfter);
  }

  #keep(current: AccessToken, refreshAfter: number): AccessToken {
    this.#stats.l2Hits++;
    return { ...current, refreshAfterTimestamp: refreshAfter };
  }

  #fetchUnshared(fetch: () => Promise<AccessToken>): Promise<AccessToken> {
    this.#stats.unsharedFetches++;
    return fetch();
  }

  async #fetchAsOwner(session: StoreSession, owner: string, key: string, fetch: () => Promise<AccessToken>): Promise<AccessToken> {
    const ttl = this.#options.lockTtlMs;
    const extender = setInterval(() => void session.extendLock(owner, ttl), Math.max(50, Math.floor(ttl / 3)));
    extender.unref();
    this.#stats.lockedFetches++;
    let token: AccessToken;
    try {
      token = await fetch();
    } catch (error) {
      clearInterval(extender);
      const backoff = backoffFrom(error, this.#options.maxBackoffMs);
      if (backoff !== undefined) {
        this.#stats.backoffsSet++;
        this.#log.info(`HTTP ${backoff.statusCode} with Retry-After: the fleet holds off this token for ${backoff.until - Date.now()} ms`);
        await session.setBackoff(backoff, backoff.until - Date.now());
      }
      await session.release(owner);
      throw error;
    }
    clearInterval(extender);
    const fetchedAt = Date.now();
    if (typeof token?.token !== "string" || !(token.expiresOnTimestamp > fetchedAt)) {
      await session.release(owner); // not storable: the core judges what it got
      return token;
    }
    const record: TokenRecord = {
      token: token.token,
      expiresOnTimestamp: token.expiresOnTimestamp,
      tokenType: token.tokenType,
      fetchedAt,
      refreshAt: fleetRefreshAt(token, fetchedAt),
    };
    await session.storeAndRelease(owner, record, token.expiresOnTimestamp - fetchedAt);
    return tokenOf(record, this.#dueAt(key, record));
  }

  /** What to do while the fleet holds off: keep a good token, wait it out, or give up with a typed error. */
  #underBackoff(backoff: Backoff, record: TokenRecord | undefined, info: DistributedFetchInfo, now: number, waitUntil: number): AccessToken | "wait" {
    this.#stats.backoffsHonoured++;
    const after = backoff.until + Math.floor(this.#unit("backoff", backoff.until) * 1_000);
    const current = info.current;
    if (current !== undefined && current.expiresOnTimestamp - now > MIN_REMAINING_MS) return { ...current, refreshAfterTimestamp: after };
    if (record !== undefined) return tokenOf(record, after);
    if (backoff.until <= waitUntil) return "wait";
    throw new FleetBackoffError(backoff.statusCode, backoff.until - now);
  }

  /** This process's refresh moment for `record`: stable for the record, different across processes. */
  #dueAt(key: string, record: TokenRecord): number {
    return processRefreshAt(record, this.#options.refreshJitter, this.#unit(key, record.fetchedAt));
  }

  /** A number in [0, 1) fixed by (process, key, n): FNV-1a, no allocation beyond the string. */
  #unit(key: string, n: number): number {
    let hash = 0x811c9dc5 ^ this.#salt;
    const text = `${key}:${n}`;
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    return (hash >>> 0) / 2 ** 32;
  }
}

function isNewer(record: TokenRecord, current: AccessToken | undefined): boolean {
  return current === undefined || (record.token !== current.token && record.expiresOnTimestamp >= current.expiresOnTimestamp);
}

function backoffFrom(error: unknown, maxMs: number): Backoff | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { statusCode, retryAfterMs } = error as { statusCode?: unknown; retryAfterMs?: unknown };
  if ((statusCode !== 429 && statusCode !== 503) || typeof retryAfterMs !== "number" || !(retryAfterMs > 0)) return undefined;
  return { until: Date.now() + Math.min(retryAfterMs, maxMs), statusCode };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
