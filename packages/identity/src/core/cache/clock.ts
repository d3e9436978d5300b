// A cheap wall clock for the cache's hot path. Reading the clock costs 100-300 ns on some VMs,
// more than the rest of a cache hit, so a reading is reused within one macrotask (sync code and
// the microtasks it chains) for at most 1024 calls. A setImmediate drops it at the next event-loop
// turn, so a call in a later turn always reads the real clock: staleness is bounded by the time of
// 1024 consecutive calls in one turn, far below the cache's 30 s expiry skew.
let cached = 0;
let remaining = 0;
let invalidationScheduled = false;

function invalidate(): void {
  remaining = 0;
  invalidationScheduled = false;
}

export function cacheNow(): number {
  if (remaining > 0) {
    remaining--;
    return cached;
  }
  cached = Date.now();
  remaining = 1023;
  if (!invalidationScheduled) {
    invalidationScheduled = true;
    setImmediate(invalidate).unref();
  }
  return cached;
}
