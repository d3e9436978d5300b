// Fairness among azid processes waiting for one cache lock. The lock itself is a free-for-all (an
// exclusive create, as Microsoft's extensions do it), so under load a waiter can lose the race again
// and again while others write in a loop. A waiter that has waited STARVING_AFTER_MS claims
// `<lockfile>.next` (exclusive create, "<pid> azid"); while a live process holds that claim, other azid
// processes stop trying and let it take the lock next; it deletes the claim once it has the lock.
// A claim is ignored (and removed) once its pid is gone or it is older than CLAIM_MAX_AGE_MS, so a
// crashed or stuck claimant delays others by at most that. Microsoft's tools don't know the claim;
// they simply compete as before.
import { constants } from "node:fs";
import { open, rm, unlink } from "node:fs/promises";
import { isRunning, readHolder } from "./lockHolder.js";

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
export const STARVING_AFTER_MS = 150;
const CLAIM_MAX_AGE_MS = 2_000;

export const claimPathFor = (lockPath: string) => `${lockPath}.next`;

/** True while another live process has claimed the next turn. */
export async function anotherHasClaim(lockPath: string): Promise<boolean> {
  const claim = await readHolder(claimPathFor(lockPath));
  if (!claim.exists || claim.pid === process.pid) return false;
  const fresh = claim.ageMs < CLAIM_MAX_AGE_MS && (claim.pid === undefined ? claim.ageMs < 250 : isRunning(claim.pid));
  if (!fresh) await rm(claimPathFor(lockPath), { force: true });
  return fresh;
}

/** Claims the next turn; false when another process already has. */
export async function claimNextTurn(lockPath: string): Promise<boolean> {
  try {
    const handle = await open(claimPathFor(lockPath), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
    try {
      await handle.write(`${process.pid} azid`);
    } finally {
      await handle.close();
    }
    return true;
  } catch {
    return false;
  }
}

/** Gives the claim up (only if it is still this process's: a stale one may have been replaced). */
export async function dropClaim(lockPath: string): Promise<void> {
  const claim = await readHolder(claimPathFor(lockPath));
  if (claim.exists && claim.pid === process.pid) await unlink(claimPathFor(lockPath)).catch(() => undefined);
}
