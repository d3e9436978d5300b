// The 256-bit cache key, kept in the OS credential store:
//   Linux: the Secret Service over D-Bus (gnome-keyring, KWallet, KeePassXC), through azid's own
//          client (secretService/): no native module to load in every new process. Never the kernel
//          keyring, which forgets the key at reboot (the trap Go's azidentity/cache fell into, go#24356).
//   macOS: a generic password in the login Keychain; Windows: Credential Manager (DPAPI-protected);
//          both through @napi-rs/keyring (prebuilt N-API binaries inside its npm packages: nothing is
//          compiled on install), loaded on first use. Tests pass stand-ins for these two.
// Only a 32-byte key goes there, never the cache: one store round trip per process instead of one
// per write, and no size limit to hit (a Windows credential blob holds at most 2,560 bytes).
// Item: service "azid.cache-persistence", account = the cache file's absolute path.
import type { PersistenceUnavailableReason } from "./errors.js";
import { PersistenceUnavailableError } from "./errors.js";
import type { KeyStore } from "./keyStoreInterface.js";
import { secretServiceKeyStore } from "./secretService/secretServiceKeyStore.js";

export const KEYRING_SERVICE = "azid.cache-persistence";

export type { KeyStore } from "./keyStoreInterface.js";

/** The subset of @napi-rs/keyring used here (also the shape the macOS/Windows stand-ins implement). */
export interface KeyringBinding {
  AsyncEntry: new (
    service: string,
    username: string,
    options?: { linux?: { store?: "secret-service" | "keyutils" } },
  ) => {
    getSecret(signal?: AbortSignal): Promise<number[] | null>;
    setSecret(secret: Uint8Array, signal?: AbortSignal): Promise<void>;
  };
}

export interface OsKeyStoreOptions {
  platform?: NodeJS.Platform;
  /** Loads the binding; tests pass stand-ins for the stores that cannot run here. */
  loadBinding?: () => Promise<KeyringBinding>;
  /** A desktop keyring may show an unlock prompt; give the user this long (default 60 s). */
  timeoutMs?: number;
}

export function osKeyStore(account: string, options: OsKeyStoreOptions = {}): KeyStore {
  const platform = options.platform ?? process.platform;
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (platform === "linux" && options.loadBinding === undefined) {
    // Linux: azid's own Secret Service client (secretService/), the same item @napi-rs/keyring would make.
    return secretServiceKeyStore(KEYRING_SERVICE, account, { timeoutMs, unavailable: (reason, message) => unavailable(reason, platform, message) });
  }
  const loadBinding = options.loadBinding ?? loadNapiKeyring;
  const storeName = platform === "darwin" ? "the macOS Keychain" : platform === "win32" ? "Windows Credential Manager" : "the Secret Service (D-Bus)";
  let entry: InstanceType<KeyringBinding["AsyncEntry"]> | undefined;
  const open = async () => {
    if (entry !== undefined) return entry;
    let binding: KeyringBinding;
    try {
      binding = await loadBinding();
    } catch {
      throw unavailable(
        "binding-missing",
        platform,
        `The OS credential store binding (@napi-rs/keyring) has no prebuilt binary for ${platform}-${process.arch} installed.`,
      );
    }
    entry = new binding.AsyncEntry(KEYRING_SERVICE, account, platform === "linux" ? { linux: { store: "secret-service" } } : undefined);
    return entry;
  };
  const call = async <T>(what: string, run: (e: NonNullable<typeof entry>) => Promise<T>): Promise<T> => {
    try {
      // Constructing the entry already connects to D-Bus on Linux, so it fails here without a session.
      return await run(await open());
    } catch (error) {
      if (error instanceof PersistenceUnavailableError) throw error;
      throw classify(error, platform, `Cannot ${what} the token cache key in ${storeName}`);
    }
  };
  return {
    description: `${storeName} (service "${KEYRING_SERVICE}", account "${account}")`,
    load: () =>
      call("read", async (e) => {
        const secret = await e.getSecret(AbortSignal.timeout(timeoutMs));
        return secret === null ? undefined : Uint8Array.from(secret);
      }),
    save: (key) => call("store", (e) => e.setSecret(key, AbortSignal.timeout(timeoutMs))),
  };
}

export async function loadNapiKeyring(): Promise<KeyringBinding> {
  const module = (await import("@napi-rs/keyring")) as unknown as KeyringBinding & { default?: KeyringBinding };
  return typeof module.AsyncEntry === "function" ? module : (module.default as KeyringBinding);
}

function classify(error: unknown, platform: NodeJS.Platform, prefix: string): PersistenceUnavailableError {
  // The library's messages name the platform failure (no secrets); keep one short line of it.
  const detail = (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 200);
  const locked = /lock|prompt|dismiss|interaction is not allowed|-25308/i.test(detail);
  const timedOut = (error as { name?: string } | null)?.name === "AbortError" || /abort|timed? ?out/i.test(detail);
  return unavailable(locked || timedOut ? "keyring-locked" : "no-keyring", platform, `${prefix}: ${detail}.`);
}

export function unavailable(reason: PersistenceUnavailableReason, platform: NodeJS.Platform, message: string): PersistenceUnavailableError {
  return new PersistenceUnavailableError(reason, `Encrypted token cache persistence is unavailable. ${message}`, fixesFor(reason, platform));
}

const OPT_IN =
  "or store the cache unencrypted in a 0600 file: tokenCachePersistenceOptions.unsafeAllowUnencryptedStorage = true (or its alias allowUnencryptedStorage, after Python's allow_unencrypted_storage)";

function fixesFor(reason: PersistenceUnavailableReason, platform: NodeJS.Platform): string[] {
  if (reason === "binding-missing") {
    return [`reinstall with optional dependencies (npm install --include=optional) so @napi-rs/keyring-${platform}-${process.arch} is present`, OPT_IN];
  }
  if (platform === "darwin") {
    return reason === "keyring-locked"
      ? ["unlock the login Keychain (security unlock-keychain ~/Library/Keychains/login.keychain-db), then retry", OPT_IN]
      : ["run as a user with a login Keychain (a GUI or `security` session)", OPT_IN];
  }
  if (platform === "win32") return ["run with the user's profile loaded so Credential Manager is available", OPT_IN];
  return reason === "keyring-locked"
    ? [
        'unlock the login keyring (log in to the desktop session, or: printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --replace --unlock --components=secrets)',
        OPT_IN,
      ]
    : [
        "install a Secret Service provider: gnome-keyring (sudo apt-get install gnome-keyring), or enable KWallet's or KeePassXC's Secret Service integration",
        "in a session without one (SSH, container, CI) start a D-Bus session with an unlocked keyring: dbus-run-session -- sh -c 'printf %s \"$KEYRING_PASSWORD\" | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec your-command'",
        OPT_IN,
      ];
}
