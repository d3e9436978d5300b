// The MSAL token cache file that Microsoft developer tools share (protocols.md 7.1-7.4): where it
// lives, reading it safely, and writing a rotated refresh token back. Only the plaintext form is
// readable here; the OS-protected forms (Windows DPAPI, macOS Keychain, Linux libsecret) leave an
// unreadable or empty marker file, which is reported as such.
//
// Safety: the file is read only if it is a regular file of at most 8 MB, owned by the current user
// and not writable by anyone else (a planted cache could sign this process in as another account).
// Secrets never appear in errors. Writes happen under MSAL's `<path>.lockfile` and replace the file
// atomically; when anything about that is doubtful, the write is skipped, never forced.
import { CredentialUnavailableError } from "../../core/errors.js";
import { nodeFs } from "../../core/nodeBuiltins.js";
import { nonBlockingReadFlags } from "../../core/regularFile.js";

const MAX_BYTES = 8 * 1024 * 1024;

export interface SharedCacheAccount {
  homeAccountId: string;
  environment: string;
  realm: string;
  username: string;
}

export interface SharedCacheRefreshToken {
  /** The entry's key in the RefreshToken section (used to write a rotated token back). */
  key: string;
  homeAccountId: string;
  environment: string;
  clientId: string;
  /** "1" for tokens every app of the Microsoft first-party family may redeem (FOCI). */
  familyId: string | undefined;
  secret: string;
}

export interface SharedCacheContents {
  accounts: SharedCacheAccount[];
  refreshTokens: SharedCacheRefreshToken[];
  /** When the file last changed, to reload only when another tool wrote it. */
  modifiedMs: number;
}

/** Reads and parses the cache; undefined when there is no file. Throws CredentialUnavailableError naming what is wrong. */
export async function readSharedCache(path: string): Promise<SharedCacheContents | undefined> {
  const fs = nodeFs();
  let handle: import("node:fs/promises").FileHandle;
  try {
    // O_NONBLOCK: open(2) of a FIFO would wait for a writer forever; checkFile refuses it after fstat.
    handle = await fs.promises.open(path, nonBlockingReadFlags());
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw unavailable(`cannot open ${path} (${code ?? "error"}).`);
  }
  let text: string;
  let modifiedMs: number;
  try {
    const stat = await handle.stat();
    checkFile(path, stat);
    modifiedMs = stat.mtimeMs;
    text = await handle.readFile({ encoding: "utf8" });
  } finally {
    await handle.close();
  }
  return { ...parseSharedCache(text, path), modifiedMs };
}

function checkFile(path: string, stat: import("node:fs").Stats): void {
  if (!stat.isFile()) throw unavailable(`${path} is not a regular file.`);
  if (stat.size > MAX_BYTES)
    throw unavailable(`${path} is ${stat.size} bytes, more than the ${MAX_BYTES} a token cache can plausibly need; remove it and sign in again.`);
  if (process.platform === "win32") return;
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid)
    throw unavailable(`${path} belongs to another user (uid ${stat.uid}); only a cache owned by this user (uid ${uid}) is trusted.`);
  if ((stat.mode & 0o022) !== 0)
    throw unavailable(`${path} is writable by other users (mode ${(stat.mode & 0o777).toString(8)}); run \`chmod 600 ${path}\` if you trust its contents.`);
}

/** The accounts and refresh tokens of a serialized MSAL cache; entries of the wrong shape are skipped. */
export function parseSharedCache(text: string, path: string): Omit<SharedCacheContents, "modifiedMs"> {
  if (text.trim() === "") return { accounts: [], refreshTokens: [] };
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw unavailable(
      `${path} is not a plaintext MSAL cache (not JSON): ${process.platform === "win32" ? "on Windows it is encrypted with DPAPI" : "it may be encrypted"}, which azid cannot read. ` +
        "Sign in with `az login` and use AzureCliCredential instead.",
    );
  }
  if (!isRecord(document)) throw unavailable(`${path} is not an MSAL cache: its JSON is not an object.`);
  const accounts: SharedCacheAccount[] = [];
  for (const entry of Object.values(section(document, "Account"))) {
    if (!isRecord(entry)) continue;
    const [homeAccountId, environment, realm] = [entry.home_account_id, entry.environment, entry.realm];
    if (typeof homeAccountId !== "string" || typeof environment !== "string" || typeof realm !== "string" || homeAccountId === "") continue;
    accounts.push({ homeAccountId, environment, realm, username: typeof entry.username === "string" ? entry.username : "" });
  }
  const refreshTokens: SharedCacheRefreshToken[] = [];
  for (const [key, entry] of Object.entries(section(document, "RefreshToken"))) {
    if (!isRecord(entry)) continue;
    const { home_account_id: homeAccountId, environment, client_id: clientId, secret, family_id: familyId } = entry;
    if (typeof homeAccountId !== "string" || typeof environment !== "string" || typeof clientId !== "string" || typeof secret !== "string" || secret === "")
      continue;
    refreshTokens.push({ key, homeAccountId, environment, clientId, familyId: typeof familyId === "string" && familyId !== "" ? familyId : undefined, secret });
  }
  return { accounts, refreshTokens };
}

/**
 * Where a cache read through a persistence plugin's keyring lookup (keyringSharedCache.ts) is written
 * back, by the shared cache path it stands for: the plugin rewrites the very item it read.
 */
export const keyringWriters = new Map<string, (update: (text: string) => string | undefined) => Promise<boolean>>();

/** The cache text with one refresh token's secret replaced, or undefined when the entry no longer holds `previous`. */
function rotateInText(text: string, entryKey: string, previous: string, next: string): string | undefined {
  const document: unknown = JSON.parse(text);
  if (!isRecord(document)) return undefined;
  const entry = section(document, "RefreshToken")[entryKey];
  if (!isRecord(entry) || entry.secret !== previous) return undefined;
  entry.secret = next;
  entry.last_modification_time = String(Math.floor(Date.now() / 1000));
  return JSON.stringify(document, null, 4);
}

/**
 * Replaces one refresh token's secret (Entra rotated it), if the entry still holds `previous`, where
 * the cache was read: the plaintext file, or the keyring item a plugin read it from (as MSAL Python's
 * SharedTokenCacheCredential writes acquired tokens back through msal-extensions).
 * Returns false (and changes nothing) when the lock is busy, the cache changed shape, or is a symlink.
 */
export async function writeRotatedRefreshToken(path: string, entryKey: string, previous: string, next: string): Promise<boolean> {
  const keyring = keyringWriters.get(path);
  if (keyring !== undefined) {
    try {
      return await keyring((text) => rotateInText(text, entryKey, previous, next));
    } catch {
      return false;
    }
  }
  const fs = nodeFs();
  const lockPath = `${path}.lockfile`;
  const lock = await acquireLock(lockPath);
  if (lock === undefined) return false;
  try {
    const stat = await fs.promises.lstat(path);
    if (!stat.isFile()) return false;
    checkFile(path, stat);
    const rotated = rotateInText(await fs.promises.readFile(path, { encoding: "utf8", flag: nonBlockingReadFlags() }), entryKey, previous, next);
    if (rotated === undefined) return false;
    const temporary = `${path}.azid-${process.pid}-${Date.now().toString(36)}`;
    await fs.promises.writeFile(temporary, rotated, { mode: 0o600, flag: "wx" });
    try {
      await fs.promises.rename(temporary, path);
    } catch (error) {
      await fs.promises.rm(temporary, { force: true });
      throw error;
    }
    return true;
  } catch {
    return false;
  } finally {
    await lock.close();
    await fs.promises.rm(lockPath, { force: true });
  }
}

/** MSAL's cross-process lock: exclusive creation of `<path>.lockfile`; gives up after about a second. */
async function acquireLock(lockPath: string): Promise<import("node:fs/promises").FileHandle | undefined> {
  const fs = nodeFs();
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const handle = await fs.promises.open(lockPath, "wx", 0o600);
      await handle.write(`${process.pid} azid`);
      return handle;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EEXIST" && code !== "EPERM") return undefined;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return undefined;
}

function section(document: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = document[name];
  return isRecord(value) ? value : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unavailable(reason: string): CredentialUnavailableError {
  return new CredentialUnavailableError(`SharedTokenCacheCredential authentication unavailable: ${reason}`);
}
