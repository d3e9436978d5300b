// Refuses cache files and directories that could have been planted: a symlink (it could point a
// write at another file, or a read at another user's cache), one owned by another user, one others
// can write, or one too large for any token cache. These are typed errors, not "empty": a planted
// cache could sign this process in as someone else, and the user should hear about it.
import { lstat, mkdir } from "node:fs/promises";
import type { Stats } from "node:fs";
import { UnsafeCacheFileError } from "./errors.js";

/** A token cache of many accounts is a few MB; anything past this is not one. */
export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;

const isWindows = process.platform === "win32";

/** Checks an lstat() of the cache file; throws UnsafeCacheFileError when it must not be read. */
export function checkCacheFile(path: string, stat: Stats, maxBytes: number): void {
  if (stat.isSymbolicLink()) {
    throw new UnsafeCacheFileError(
      "symlink",
      path,
      `The token cache ${path} is a symbolic link; azid never follows one (it could redirect the cache to another file). Remove the link: rm ${path}`,
    );
  }
  if (!stat.isFile())
    throw new UnsafeCacheFileError("not-a-file", path, `The token cache ${path} is not a regular file; remove it or choose another cache name.`);
  if (stat.size > maxBytes) {
    throw new UnsafeCacheFileError(
      "too-large",
      path,
      `The token cache ${path} is ${stat.size} bytes, more than the ${maxBytes} a token cache can plausibly need; remove it (rm ${path}) and sign in again.`,
    );
  }
  checkOwnership(path, stat, "token cache");
}

/** Creates the directory 0700 when missing; refuses one that is a symlink, another user's, or writable by others. */
export async function ensureCacheDirectory(directory: string): Promise<void> {
  // Almost always there already: one lstat, and mkdir only when it is missing.
  let stat = await lstat(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
    return undefined;
  });
  if (stat === undefined) {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    stat = await lstat(directory);
  }
  if (stat.isSymbolicLink()) {
    throw new UnsafeCacheFileError(
      "symlink",
      directory,
      `The token cache directory ${directory} is a symbolic link; azid never follows one. Replace it with a real directory.`,
    );
  }
  if (!stat.isDirectory())
    throw new UnsafeCacheFileError("not-a-directory", directory, `${directory} is not a directory; move it away so the token cache directory can be created.`);
  checkOwnership(directory, stat, "token cache directory");
}

function checkOwnership(path: string, stat: Stats, what: string): void {
  if (isWindows) return; // ACLs, not modes; %LOCALAPPDATA% is per-user already
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new UnsafeCacheFileError(
      "other-owner",
      path,
      `The ${what} ${path} belongs to another user (uid ${stat.uid}); only one owned by this user (uid ${uid}) is trusted. Remove it, or run as its owner.`,
    );
  }
  if ((stat.mode & 0o022) !== 0) {
    const mode = (stat.mode & 0o777).toString(8);
    throw new UnsafeCacheFileError(
      "writable-by-others",
      path,
      `The ${what} ${path} is writable by other users (mode ${mode}); if you trust its contents run \`chmod go-w ${path}\`, otherwise remove it.`,
    );
  }
}
