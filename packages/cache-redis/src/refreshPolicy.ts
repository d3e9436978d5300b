// When the fleet replaces a token, and when this process may be the one to do it.
//
// The fleet's moment (`refreshAt`) follows azid's own schedule, so a fleet refreshes when one process
// would: the server's refresh_in if it sent one, half-life for tokens of 2 h or more, otherwise
// five minutes before expiry, and half-life for tokens too short for that. Each process then picks
// its own moment uniformly in the last `jitter` fraction of the window before `refreshAt`: the first
// process to get there refreshes (holding the lock) and the rest find the new token already in Redis,
// so the fleet makes about one request per token lifetime instead of one per process.
import type { AccessToken } from "./contract.js";
import type { TokenRecord } from "./tokenRecord.js";

const FIVE_MINUTES = 5 * 60_000;
const TEN_MINUTES = 10 * 60_000;
const TWO_HOURS = 2 * 60 * 60_000;

export function fleetRefreshAt(token: AccessToken, fetchedAt: number): number {
  const expires = token.expiresOnTimestamp;
  const lifetime = Math.max(0, expires - fetchedAt);
  const latest = lifetime > TEN_MINUTES ? expires - FIVE_MINUTES : fetchedAt + lifetime / 2;
  const fromServer = token.refreshAfterTimestamp !== undefined && token.refreshAfterTimestamp > fetchedAt ? token.refreshAfterTimestamp : undefined;
  const preferred = fromServer ?? (lifetime >= TWO_HOURS ? fetchedAt + lifetime / 2 : latest);
  return Math.floor(Math.min(preferred, latest));
}

/** This process's moment to refresh `record` (`random` in [0, 1)). */
export function processRefreshAt(record: TokenRecord, jitter: number, random: number): number {
  const window = Math.max(0, record.refreshAt - record.fetchedAt);
  return Math.floor(record.refreshAt - window * jitter * random);
}

/**
 * Whether a token from Redis may still be handed out: not within the core's own expiry margin
 * (a tenth of its lifetime, at most 30 s) and with at least `minRemainingMs` left.
 */
export function isServable(record: TokenRecord, now: number, minRemainingMs: number): boolean {
  const lifetime = record.expiresOnTimestamp - record.fetchedAt;
  return record.expiresOnTimestamp - now > Math.max(minRemainingMs, Math.min(30_000, lifetime / 10));
}
