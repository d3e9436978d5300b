// Reading a lock-style file ("<pid> <anything>") and telling whether its pid is running: shared by
// the lock (lockFile.ts) and the waiters' priority marker (lockPriority.ts).
import { constants } from "node:fs";
import { open } from "node:fs/promises";

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

export interface Holder {
  pid: number | undefined;
  ino: number;
  ageMs: number;
}

export async function readHolder(lockPath: string): Promise<Holder & { exists: boolean }> {
  let handle;
  try {
    handle = await open(lockPath, constants.O_RDONLY | NOFOLLOW);
  } catch {
    return { exists: false, pid: undefined, ino: 0, ageMs: 0 };
  }
  try {
    const stat = await handle.stat();
    const buffer = Buffer.alloc(64);
    const { bytesRead } = await handle.read(buffer, 0, 64, 0);
    const match = /^\s*(\d{1,10})(?:\s|$)/.exec(buffer.subarray(0, bytesRead).toString("latin1"));
    const pid = match ? Number(match[1]) : undefined;
    return { exists: true, pid: pid !== undefined && pid > 0 ? pid : undefined, ino: stat.ino, ageMs: Date.now() - stat.mtimeMs };
  } finally {
    await handle.close();
  }
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, another user's
  }
}
