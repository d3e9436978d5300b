// The typed errors of this package. Each names what was wrong and how to fix it; none ever carries
// cache contents, a key or a token (only paths, modes, uids, pids and sizes).

export type PersistenceUnavailableReason =
  | "no-keyring" // no Secret Service / Keychain / Credential Manager reachable
  | "keyring-locked" // reachable but locked, and no one can unlock it here (no prompt possible)
  | "binding-missing" // the prebuilt @napi-rs/keyring binary for this platform isn't installed
  | "no-home" // neither LOCALAPPDATA (Windows) nor HOME is set
  | "reader-missing"; // reading Microsoft's libsecret caches needs secret-tool (libsecret-tools)

/** Encrypted storage is impossible here and unencrypted storage wasn't allowed. */
export class PersistenceUnavailableError extends Error {
  override readonly name = "PersistenceUnavailableError";
  constructor(
    readonly reason: PersistenceUnavailableReason,
    message: string,
    /** What the user can do, one line each. */
    readonly fixes: readonly string[],
  ) {
    super(`${message}${fixes.length > 0 ? ` To fix it: ${fixes.map((f, i) => `(${i + 1}) ${f}`).join("; ")}.` : ""}`);
  }
}

export type UnsafeCacheFileReason = "symlink" | "not-a-file" | "not-a-directory" | "other-owner" | "writable-by-others" | "too-large";

/** A cache file or its directory that could have been planted or tampered with; it is never read. */
export class UnsafeCacheFileError extends Error {
  override readonly name = "UnsafeCacheFileError";
  constructor(
    readonly reason: UnsafeCacheFileReason,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** The cross-process lock could not be taken in time (a live process kept it) or at all (permissions). */
export class PersistenceLockError extends Error {
  override readonly name = "PersistenceLockError";
  constructor(
    readonly lockPath: string,
    readonly waitedMs: number,
    message: string,
  ) {
    super(message);
  }
}
