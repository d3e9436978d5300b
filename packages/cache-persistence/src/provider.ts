// The PersistenceProvider: opens a named store, encrypted under a key from the OS credential store,
// or (only when the user allowed it) as a plaintext 0600 file when no store is usable.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { PersistenceOpenOptions, PersistenceProvider } from "./contract.js";
import { encryptedCodec, plaintextCodec } from "./codecs.js";
import { KEY_BYTES } from "./cipher.js";
import { PersistenceUnavailableError } from "./errors.js";
import { DEFAULT_MAX_FILE_BYTES, ensureCacheDirectory } from "./fileGuard.js";
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
}

export function createPersistenceProvider(options: PersistenceProviderOptions = {}): AzidPersistenceProvider {
  const keyStoreFor = options.keyStore ?? ((path: string) => osKeyStore(path, options.keyring));
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  return {
    async open(openOptions) {
      const { name, cae, allowUnencryptedStorage } = checkOpenOptions(openOptions);
      const directory = identityServiceDirectory(options.baseDirectory);
      const location = join(directory, cacheFileName(name, cae));
      const keyStore = keyStoreFor(location);
      // The key lookup (a keyring round trip) runs while the directory is checked; creating a key
      // (first run) happens under the cache's lock, so it waits for the directory.
      const existingKey = keyStore.load();
      existingKey.catch(() => undefined);
      await ensureCacheDirectory(directory);
      let codec;
      try {
        codec = encryptedCodec(keyStore, await obtainKey(keyStore, existingKey, location, options.lock));
      } catch (error) {
        if (!(error instanceof PersistenceUnavailableError) || !allowUnencryptedStorage) throw error;
        codec = plaintextCodec();
      }
      return createFileStore(location, codec, { maxBytes, ...(options.lock ? { lock: options.lock } : {}) });
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
