// The cross-process lock, compatible with Microsoft's MSAL extensions: whoever creates
// `<cache>.lockfile` exclusively holds the lock, writes its pid into it, and deletes it when done.
// (msal-node-extensions writes just "<pid>"; MSAL Python's msal-extensions writes "<pid> <argv[0]>"
// and also flock()s the file; both wait for the file to disappear.) azid writes "<pid> azid".
//
// Unlike those, a lock left behind is recovered instead of failing every later run
// ("CrossPlatformLockError: Not able to acquire lock", msal-js#7148): a lock is stale when the pid in
// it is not running any more (after a short grace, so a file just created and not yet written is not
// taken for stale), or when it is older than `staleAfterMs` whatever it holds (a pid from another
// host or container, a reused pid, a hung holder). Breakers take a second, short-lived lock
// (`<cache>.lockfile.breaking`) and look again under it, so two processes never both "recover" the
// same lock and delete a fresh one; the stale file is renamed away and checked to be the one judged.
import { constants, watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import { link, lstat, open, rename, rm, unlink } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { PersistenceLockError } from "./errors.js";
import { isRunning, readHolder, type Holder } from "./lockHolder.js";
import { anotherHasClaim, claimNextTurn, dropClaim, STARVING_AFTER_MS } from "./lockPriority.js";

export interface LockOptions {
  /** Give up after waiting this long for a live holder (default 15 s; a stale lock is recovered long before). */
  timeoutMs?: number;
  /** Any lock older than this is stale (default 10 s; holders here keep it for milliseconds). */
  staleAfterMs?: number;
  /** A lock whose pid is dead is stale once it is this old (default 250 ms). */
  deadOwnerGraceMs?: number;
  /** Stops waiting (the store was closed): the wait's timer and watch end at once and the call rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface HeldLock {
  /** How long this acquisition waited (ms), for the contention tests and benchmarks. */
  readonly waitedMs: number;
  /** Stale locks this acquisition removed. */
  readonly recovered: number;
  release(): Promise<void>;
}

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const BREAKER_STALE_MS = 2_000;
// Waiters sleep until the lock file's directory changes (inotify/FSEvents/ReadDirectoryChangesW via
// fs.watch), so a release wakes them at once without polling; the capped backoff is only the safety
// net for a change that happens before the watch is in place or on file systems without events.
const MAX_BACKOFF_MS = 25;

const POLITE_WINDOW_MS = 2;
const lastRelease = new Map<string, number>();

/** Lock files this process holds right now: its own pid in a lock file it doesn't hold means a dead predecessor. */
const heldHere = new Set<string>();

export async function acquireLock(lockPath: string, options: LockOptions = {}): Promise<HeldLock> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const staleAfterMs = options.staleAfterMs ?? 10_000;
  const graceMs = options.deadOwnerGraceMs ?? 250;
  const started = performance.now();
  // A process that has just released this lock lets the waiters it woke go first: without this, a
  // process writing in a loop re-takes the lock before they are even scheduled (a lock convoy).
  const releasedAgo = started - (lastRelease.get(lockPath) ?? -Infinity);
  if (releasedAgo < POLITE_WINDOW_MS) await new Promise((resolve) => setTimeout(resolve, POLITE_WINDOW_MS - releasedAgo));
  let backoff = 1;
  let recovered = 0;
  let claimed = false; // this acquisition has claimed the next turn (lockPriority.ts)
  const { signal } = options;
  for (;;) {
    if (signal?.aborted) {
      if (claimed) await dropClaim(lockPath);
      throw signal.reason;
    }
    const deferring = !claimed && (await anotherHasClaim(lockPath));
    if (!deferring) {
      try {
        const handle = await open(lockPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
        const waitedMs = performance.now() - started;
        heldHere.add(lockPath);
        if (claimed) await dropClaim(lockPath);
        try {
          await handle.write(`${process.pid} azid`);
        } catch (error) {
          await releaseHandle(lockPath, handle);
          throw error;
        }
        return { waitedMs, recovered, release: () => releaseHandle(lockPath, handle) };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // EPERM: Windows, while the previous holder's delete is pending.
        if (code !== "EEXIST" && code !== "EPERM") {
          if (claimed) await dropClaim(lockPath);
          throw new PersistenceLockError(
            lockPath,
            performance.now() - started,
            `Cannot create the token cache lock ${lockPath} (${code ?? "error"}); check that this user can write to its directory.`,
          );
        }
      }
      const outcome = await breakIfStale(lockPath, staleAfterMs, graceMs);
      if (outcome === "broken") recovered++;
      if (outcome !== "held") continue;
    }
    const waited = performance.now() - started;
    if (!claimed && !deferring && waited >= STARVING_AFTER_MS) claimed = await claimNextTurn(lockPath);
    if (waited >= timeoutMs) {
      if (claimed) await dropClaim(lockPath);
      const holder = await readHolder(lockPath);
      throw new PersistenceLockError(
        lockPath,
        waited,
        `Waited ${Math.round(waited)} ms for the token cache lock ${lockPath}, held by ${holder.pid === undefined ? "an unknown process" : `pid ${holder.pid}`}, which is still running. If no process of yours is using the cache, delete the lock file.`,
      );
    }
    await waitForChange(lockPath, Math.min(backoff, timeoutMs - waited) * (0.5 + Math.random()), signal);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
}

async function releaseHandle(lockPath: string, handle: import("node:fs/promises").FileHandle): Promise<void> {
  heldHere.delete(lockPath);
  lastRelease.set(lockPath, performance.now());
  try {
    // Delete the lock file only if it is still ours: if we were so slow that someone judged it
    // stale and took the lock, the file there now is theirs.
    const [mine, current] = await Promise.all([handle.stat(), lstat(lockPath).catch(() => undefined)]);
    if (current !== undefined && current.ino === mine.ino && current.dev === mine.dev) await unlink(lockPath).catch(() => undefined);
  } finally {
    await handle.close();
  }
}

function isStale(holder: Holder, lockPath: string, staleAfterMs: number, graceMs: number): boolean {
  if (holder.ageMs >= staleAfterMs) return true;
  if (holder.pid === undefined || holder.ageMs < graceMs) return false;
  if (holder.pid === process.pid) return !heldHere.has(lockPath);
  return !isRunning(holder.pid);
}

/** "broken": a stale lock was removed; "gone": released meanwhile (retry at once); "held": wait. */
async function breakIfStale(lockPath: string, staleAfterMs: number, graceMs: number): Promise<"broken" | "gone" | "held"> {
  const first = await readHolder(lockPath);
  if (!first.exists) return "gone";
  if (!isStale(first, lockPath, staleAfterMs, graceMs)) return "held";

  const breakerPath = `${lockPath}.breaking`;
  let breaker;
  try {
    breaker = await open(breakerPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
  } catch {
    // Another process is breaking it; a breaker left by a crash is itself removed after a while.
    const stat = await lstat(breakerPath).catch(() => undefined);
    if (stat !== undefined && Date.now() - stat.mtimeMs > BREAKER_STALE_MS) await rm(breakerPath, { force: true });
    return "held";
  }
  try {
    const again = await readHolder(lockPath);
    if (!again.exists) return "gone";
    if (again.ino !== first.ino || !isStale(again, lockPath, staleAfterMs, graceMs)) return "held";
    const tomb = `${lockPath}.stale.${process.pid}.${randomBytes(4).toString("hex")}`;
    try {
      await rename(lockPath, tomb);
    } catch {
      return "gone";
    }
    const moved = await lstat(tomb);
    const wasStaleOne = moved.ino === first.ino;
    // A fresh lock replaced the stale one in the instant between the check and the rename: put it back.
    if (!wasStaleOne) await link(tomb, lockPath).catch(() => undefined);
    await rm(tomb, { force: true });
    return wasStaleOne ? "broken" : "held";
  } finally {
    await breaker.close();
    await rm(breakerPath, { force: true });
  }
}

const watchers = new Map<string, { watcher: FSWatcher | undefined; waiters: Set<() => void> }>();

/** Resolves when something in the lock's directory changes (a release), after `ms`, or when `signal` aborts. */
function waitForChange(lockPath: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
  let entry = watchers.get(lockPath);
  if (entry === undefined) {
    const name = basename(lockPath);
    const created: { watcher: FSWatcher | undefined; waiters: Set<() => void> } = { watcher: undefined, waiters: new Set() };
    try {
      created.watcher = watch(dirname(lockPath), { persistent: false }, (_event, file) => {
        if (file === null || file === name) for (const wake of [...created.waiters]) wake();
      });
      created.watcher.on("error", () => undefined);
    } catch {
      // no change events here: the backoff alone paces the retries
    }
    watchers.set(lockPath, created);
    entry = created;
  }
  const current = entry;
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", wake);
      current.waiters.delete(wake);
      if (current.waiters.size === 0 && watchers.get(lockPath) === current) {
        current.watcher?.close();
        watchers.delete(lockPath);
      }
      resolve();
    };
    const timer = setTimeout(wake, Math.max(0, ms));
    current.waiters.add(wake);
    signal?.addEventListener("abort", wake, { once: true });
  });
}
