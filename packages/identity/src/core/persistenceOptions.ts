// `tokenCachePersistenceOptions`, read once at construction: what the caller asked for, checked, and
// refused loudly when no plugin can honour it (@azure/identity throws too; silently keeping tokens in
// memory would prompt the user again on every start). The storage itself is the plugin's
// (docs/design/plugins.md#persistence).
import { pluginRegistry } from "./plugins.js";

/** As @azure/identity's `TokenCachePersistenceOptions`, plus Python's `allowUnencryptedStorage` spelling. */
export interface TokenCachePersistenceOptions {
  /** Persist tokens across processes (default false). */
  enabled: boolean;
  /** The cache's name: the file `~/.IdentityService/<name>.nocae` (or `.cae`). Default `msal.cache`. */
  name?: string;
  /** Without an OS keyring, store the cache as a plaintext 0600 file instead of failing. */
  unsafeAllowUnencryptedStorage?: boolean;
  /** Python's name (`allow_unencrypted_storage`) for `unsafeAllowUnencryptedStorage`. */
  allowUnencryptedStorage?: boolean;
}

/** What the core hands the plugin's `open()`. */
export interface PersistenceRequest {
  name: string;
  allowUnencryptedStorage: boolean;
}

export const DEFAULT_CACHE_NAME = "msal.cache";
const INSTALL = "npm install @azid/cache-persistence";
const REGISTER =
  'import { useIdentityPlugin } from "@azid/identity"; import { cachePersistencePlugin } from "@azid/cache-persistence"; useIdentityPlugin(cachePersistencePlugin);';

/**
 * `tokenCachePersistenceOptions.enabled` was set, but no persistence plugin is registered. Thrown by
 * the credential's constructor (never later, never ignored), naming the package and the line to add.
 */
export class PersistenceNotConfiguredError extends Error {
  constructor(credentialName: string) {
    super(
      `${credentialName}: tokenCachePersistenceOptions.enabled is true, but no persistence plugin is registered, so tokens could only live in memory. ` +
        `Install the plugin (${INSTALL}) and register it once before creating credentials: ${REGISTER} ` +
        "Or remove tokenCachePersistenceOptions to keep tokens for this process only.",
    );
    this.name = "PersistenceNotConfiguredError";
  }
}

/** The persistence a credential was asked for, or undefined; throws on a bad value or a missing plugin. */
export function resolvePersistence(options: unknown, credentialName: string): PersistenceRequest | undefined {
  if (typeof options !== "object" || options === null) return undefined;
  const value = (options as { tokenCachePersistenceOptions?: unknown }).tokenCachePersistenceOptions;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object")
    throw new TypeError(`${credentialName}: tokenCachePersistenceOptions must be an object like { enabled: true, name: "my-app" }.`);
  const persistence = value as Partial<TokenCachePersistenceOptions>;
  if (persistence.enabled !== true) return undefined;
  const name = persistence.name ?? DEFAULT_CACHE_NAME;
  if (typeof name !== "string" || !/^[\w.-]{1,100}$/.test(name) || name.startsWith(".")) {
    throw new RangeError(
      `${credentialName}: tokenCachePersistenceOptions.name must be a plain file name of letters, digits, '_', '-' and '.' (received ${JSON.stringify(String(name).slice(0, 100))}).`,
    );
  }
  if (pluginRegistry.persistence === undefined) throw new PersistenceNotConfiguredError(credentialName);
  return { name, allowUnencryptedStorage: persistence.unsafeAllowUnencryptedStorage === true || persistence.allowUnencryptedStorage === true };
}
