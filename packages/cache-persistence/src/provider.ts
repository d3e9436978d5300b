// The PersistenceProvider: opens a named store, encrypted under a key from the OS credential store,
// or (only when the user allowed it) as a plaintext 0600 file when no store is usable.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { PersistenceOpenOptions, PersistenceProvider } from "./contract.js";
import { encryptedCodec, plaintextCodec } from "./codecs.js";
import { KEY_BYTES } from "./cipher.js";
import { PersistenceUnavailableError } from "./errors.js";
import { DEFAULT_MAX_FILE_BYTES, ensureCacheDirectory } from "./fileGuard.js";
import type { FileSnapshot } from "./cacheFile.js";
import { readCacheFile } from "./cacheFile.js";
import { createFileStore, type FileStore } from "./fileStore.js";
import { osKeyStore, type KeyStore, type OsKeyStoreOptions } from "./keyStore.js";
import { cacheFileName, DEFAULT_CACHE_NAME, identityServiceDirectory } from "./location.js";
import { acquireLock, type LockOptions } from "./lockFile.js";
import { openMicrosoftSharedCache } from "./microsoftSharedCache.js";

export interface PersistenceProviderOptions {
  /** Put .IdentityService under this folder instead of LOCALAPPDATA (Windows) or HOME. */
  baseDirectory?: string;
  /** Where the key lives; default: the OS credential store (keyStore.ts). */
  keyStore?: (cacheFilePath: string) => KeyStore;
  /** Options for the default OS key store (stand-in bindings, prompt timeout). */
  keyring?: OsKeyStoreOptions;
  lock?: LockOptions;
  /** Larger cache files are refused (default 16 MB). */
  maxFileBytes?: number;
}

export interface AzidPersistenceProvider extends PersistenceProvider {
  open(options: Partial<PersistenceOpenOptions>): Promise<FileStore>;
  warm(options: Partial<PersistenceOpenOptions>): void;
}

/** What warm() started for one cache file, for open() and the store's first read() to pick up. */
interface Warmed {
  /**
   * The key if the keyring handed it over without an unlock prompt; undefined: open() asks again (and
   * may prompt). Rejected: no usable keyring (no bus, no Secret Service), which open() does not ask again.
   */
  key: Promise<Uint8Array | undefined>;
  directory: Promise<void>;
  /** "reread": the early read failed (e.g. a hostile file): the store's first read() reads again and reports it. */
  snapshot: Promise<FileSnapshot | undefined | "reread">;
}

export function createPersistenceProvider(options: PersistenceProviderOptions = {}): AzidPersistenceProvider {
  const keyStoreFor = options.keyStore ?? ((path: string) => osKeyStore(path, options.keyring));
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const warmed = new Map<string, Warmed>();
  /** Files open()ed successfully: the core keeps those stores, so warming them again would only waste a keyring round trip. */
  const opened = new Set<string>();
  const where = (openOptions: Partial<PersistenceOpenOptions>) => {
    const checked = checkOpenOptions(openOptions);
    const directory = identityServiceDirectory(options.baseDirectory);
    return { ...checked, directory, location: join(directory, cacheFileName(checked.name, checked.cae)) };
  };
  return {
    // Called by @azid/identity when a credential with tokenCachePersistenceOptions is constructed, so
    // the keyring round trips and the file read run while the process gets on with other work. It
    // never prompts (a locked keyring item is left for open(), which runs only when a token is
    // needed) and never throws; the key and file bytes stay in this process's memory only.
    warm(openOptions) {
      try {
        const { directory, location } = where(openOptions);
        if (warmed.has(location) || opened.has(location)) return;
        const keyStore = keyStoreFor(location);
        const key = keyStore.loadWithoutPrompt?.() ?? Promise.resolve(undefined);
        key.catch(() => undefined); // open() reports it
        const entry: Warmed = {
          key,
          directory: ensureCacheDirectory(directory),
          snapshot: readCacheFile(location, maxBytes).catch(() => "reread" as const),
        };
        entry.directory.catch(() => undefined);
        warmed.set(location, entry);
      } catch {
        // open() reports whatever is wrong, when a token is asked for.
      }
    },
    async open(openOptions) {
      const { allowUnencryptedStorage, directory, location } = where(openOptions);
      const keyStore = keyStoreFor(location);
      const warm = warmed.get(location);
      warmed.delete(location);
      // The key lookup (a keyring round trip) runs while the directory is checked; creating a key
      // (first run) happens under the cache's lock, so it waits for the directory. A keyring that
      // warm() found unusable moments ago is not asked again: with unsafeAllowUnencryptedStorage the
      // plaintext file follows at once.
      const existingKey = warm === undefined ? keyStore.load() : warm.key.then((key) => key ?? keyStore.load());
      existingKey.catch(() => undefined);
      await (warm?.directory ?? ensureCacheDirectory(directory));
      let codec;
      try {
        codec = encryptedCodec(keyStore, await obtainKey(keyStore, existingKey, location, options.lock));
      } catch (error) {
        if (!(error instanceof PersistenceUnavailableError) || !allowUnencryptedStorage) throw error;
        codec = plaintextCodec();
      }
      opened.add(location);
      const store = createFileStore(location, codec, {
        maxBytes,
        ...(options.lock ? { lock: options.lock } : {}),
        ...(warm !== undefined ? { firstSnapshot: warm.snapshot } : {}),
      });
      const closeStore = store.close;
      // Closed (its last credential closed): a later credential's warm() may start fetching again.
      store.close = () => (opened.delete(location), closeStore());
      return store;
    },
    openMicrosoftSharedCache: ({ name, cae }) =>
      Promise.resolve(
        openMicrosoftSharedCache({ name, cae, ...(options.baseDirectory ? { baseDirectory: options.baseDirectory } : {}), maxFileBytes: maxBytes }),
      ),
  };
}

function checkOpenOptions(options: Partial<PersistenceOpenOptions>): PersistenceOpenOptions {
  if (typeof options !== "object" || options === null)
    throw new TypeError("PersistenceProvider.open needs an options object { name, cae, allowUnencryptedStorage }.");
  const { name = DEFAULT_CACHE_NAME, cae = false, allowUnencryptedStorage = false } = options;
  if (typeof cae !== "boolean") throw new TypeError(`PersistenceProvider.open: cae must be a boolean (received ${typeof cae}).`);
  if (typeof allowUnencryptedStorage !== "boolean")
    throw new TypeError(`PersistenceProvider.open: allowUnencryptedStorage must be a boolean (received ${typeof allowUnencryptedStorage}).`);
  return { name, cae, allowUnencryptedStorage };
}

/** The store's key; created on first use under the cache's own lock, so racing first runs agree on one key. */
async function obtainKey(
  keyStore: KeyStore,
  existingKey: Promise<Uint8Array | undefined>,
  location: string,
  lock: LockOptions | undefined,
): Promise<Uint8Array> {
  const existing = await existingKey;
  if (existing?.length === KEY_BYTES) return existing;
  const held = await acquireLock(`${location}.lockfile`, lock);
  try {
    const again = await keyStore.load();
    if (again?.length === KEY_BYTES) return again;
    const key = randomBytes(KEY_BYTES);
    await keyStore.save(key);
    const kept = await keyStore.load();
    if (kept === undefined || !Buffer.from(kept).equals(key)) {
      throw new PersistenceUnavailableError(
        "no-keyring",
        `Encrypted token cache persistence is unavailable: ${keyStore.description} did not keep the cache key.`,
        [
          "check that the keyring is writable and not full",
          "or store the cache unencrypted in a 0600 file: tokenCachePersistenceOptions.unsafeAllowUnencryptedStorage = true",
        ],
      );
    }
    return Uint8Array.from(key);
  } finally {
    await held.release();
  }
}
