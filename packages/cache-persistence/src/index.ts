// @azid/cache-persistence: persistent, encrypted token cache storage for @azid/identity.
//   import { useIdentityPlugin } from "@azid/identity";
//   import { cachePersistencePlugin } from "@azid/cache-persistence";
//   useIdentityPlugin(cachePersistencePlugin);
// The core owns the MSAL cache format; this package owns where and how it is stored (README.md).
export { cachePersistencePlugin } from "./plugin.js";
export { createPersistenceProvider, type PersistenceProviderOptions, type AzidPersistenceProvider } from "./provider.js";
export { openMicrosoftSharedCache, microsoftLibsecretLookups, type MicrosoftSharedCacheOptions } from "./microsoftSharedCache.js";
export type {
  PersistenceProvider,
  PersistentStore,
  PersistenceOpenOptions,
  MicrosoftSharedCache,
  MicrosoftCacheOrigin,
  PersistencePluginContext,
} from "./contract.js";
export type { FileStore, LockStats } from "./fileStore.js";
export type { KeyStore, KeyringBinding, OsKeyStoreOptions } from "./keyStore.js";
export type { LockOptions } from "./lockFile.js";
export {
  PersistenceUnavailableError,
  UnsafeCacheFileError,
  PersistenceLockError,
  type PersistenceUnavailableReason,
  type UnsafeCacheFileReason,
} from "./errors.js";
export { DEFAULT_CACHE_NAME } from "./location.js";
