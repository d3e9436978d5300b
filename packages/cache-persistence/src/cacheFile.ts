// Reading and replacing the cache file. Reads open with O_NOFOLLOW and check the opened file itself
// (no window between the check and the read). Writes go to a temporary file in the same directory,
// created exclusively with mode 0600, then renamed over the cache: a reader sees the old file or the
// new one, never half of either. (No fsync: after a power cut the worst case is an empty or old
// cache, which reads as empty and costs a sign-in, not a corrupt one.)
import { constants } from "node:fs";
import { lstat, open, rename, rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { checkCacheFile } from "./fileGuard.js";
import { UnsafeCacheFileError } from "./errors.js";

export interface FileSnapshot {
  bytes: Buffer;
  /** Identifies this version of the file, to tell a torn read from a truly corrupt file. */
  version: string;
  /** The file was written while it was read (a writer rewriting it in place): the bytes may be torn. */
  changedWhileRead: boolean;
}

function versionOf(stat: import("node:fs").Stats): string {
  return `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
}

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** The file's bytes, or undefined when there is no file. Throws UnsafeCacheFileError for a hostile file. */
export async function readCacheFile(path: string, maxBytes: number): Promise<FileSnapshot | undefined> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    if (code === "ELOOP")
      throw new UnsafeCacheFileError(
        "symlink",
        path,
        `The token cache ${path} is a symbolic link; azid never follows one (it could redirect the cache to another file). Remove the link: rm ${path}`,
      );
    throw error;
  }
  try {
    const stat = await handle.stat();
    checkCacheFile(path, stat, maxBytes);
    const bytes = await handle.readFile();
    const after = await handle.stat();
    const version = versionOf(stat);
    return { bytes, version, changedWhileRead: versionOf(after) !== version || bytes.length !== stat.size };
  } finally {
    await handle.close();
  }
}

/** The current version string of the file (see FileSnapshot.version), or undefined when absent. */
export async function cacheFileVersion(path: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    return versionOf(await handle.stat());
  } finally {
    await handle.close();
  }
}

/** The version of whatever is at `path` now (one lstat; a symlink or another file has another version), or undefined when absent. */
export async function pathVersion(path: string): Promise<string | undefined> {
  try {
    return versionOf(await lstat(path));
  } catch {
    return undefined;
  }
}

/** Replaces the file atomically with `data` (mode 0600). */
export async function writeCacheFileAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
  try {
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
  try {
    await renameWithRetry(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

// Windows refuses to replace a file another process has open for a moment (EPERM/EBUSY/EACCES).
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt >= 5 || !(code === "EPERM" || code === "EBUSY" || code === "EACCES") || process.platform !== "win32") throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * (attempt + 1)));
    }
  }
}
