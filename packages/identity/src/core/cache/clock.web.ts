// The web builds' cache clock (selected instead of clock.ts by scripts/build.mjs): browsers and
// workerd have no setImmediate to drop a reused reading with, and their Date.now() is cheap (workerd's
// only advances on I/O), so every call reads it.
export function cacheNow(): number {
  return Date.now();
}
