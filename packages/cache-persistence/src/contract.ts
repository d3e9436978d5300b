// The persistence part of azid's plugin contract (docs/design/plugins.md, "Persistence"), restated
// structurally. This package imports nothing from @azid/identity at run time, so a program never
// loads a second copy of the core.

export interface PersistenceOpenOptions {
  /** Default "msal.cache"; the file is <LOCALAPPDATA|HOME>/.IdentityService/<name>.nocae or .cae. */
  name: string;
  cae: boolean;
  allowUnencryptedStorage: boolean;
}

export interface PersistenceProvider {
  /** Opens (does not yet read) the named store. Rejects with PersistenceUnavailableError (naming the fixes)
   *  when encryption is impossible and unencrypted storage wasn't allowed. */
  open(options: PersistenceOpenOptions): Promise<PersistentStore>;
  /** Starts fetching the key (where no unlock prompt is needed) and the file for a later open(); never prompts or throws. */
  warm?(options: PersistenceOpenOptions): void;
  /** The encrypted caches Microsoft tools write (see microsoftSharedCache.ts): read, and rotated refresh tokens written back. */
  openMicrosoftSharedCache(options: { name: string; cae: boolean }): Promise<MicrosoftSharedCache>;
}

export interface PersistentStore {
  /** The file path (for messages; never contents). */
  readonly location: string;
  readonly encrypted: boolean;
  /** The whole cache text (decrypted), or undefined when missing, corrupt or undecryptable. Takes no lock. */
  read(): Promise<string | undefined>;
  /** Read-modify-write under the cross-process lock; `update` gets the current text (or undefined). */
  modify(update: (current: string | undefined) => string): Promise<void>;
  close(): Promise<void>;
}

/** Where a Microsoft tool's cache was found. */
export type MicrosoftCacheOrigin =
  | "msal-extensions-libsecret" // MSAL Python's msal-extensions (azure-identity for Python, Azure CLI-era tools)
  | "identity-cache-persistence-libsecret" // @azure/identity-cache-persistence (msal-node-extensions + keytar)
  | "macos-keychain" // either tool on macOS (one Keychain item)
  | "plaintext-file"; // an unencrypted MSAL cache file under .IdentityService

export interface MicrosoftSharedCache {
  /** The signal or cache file path the tools use (for messages). */
  readonly location: string;
  /** The cache text and where it came from, or undefined when no tool left one. Takes no lock. */
  read(): Promise<{ text: string; origin: MicrosoftCacheOrigin } | undefined>;
  /** Rewrites the keyring item the last read() found (Linux), under the tools' lock file; false when it wrote nothing. */
  modify?(update: (text: string) => string | undefined): Promise<boolean>;
}

/** The part of azid's plugin context this plugin uses. */
export interface PersistencePluginContext {
  readonly azid?: { readonly contractVersion: number };
  setPersistence(provider: PersistenceProvider | undefined): void;
}
