// Signs in silently as an account that a Microsoft developer tool (Visual Studio, older Azure tools)
// left in the shared MSAL token cache (~/.IdentityService/msal.cache): its refresh token is redeemed
// at the authority, the rotated one written back. Never interactive: when the cache holds no usable
// account the credential is unavailable and says which fix applies. As Python's azure-identity
// (JavaScript has no such credential); only the plaintext cache form is readable (msalCacheFile.ts).
import { resolveAuthorityHost } from "../sources/entra/authority.js";
import { sharedCachePath } from "../sources/msalCache/location.js";
import { checkTenantId } from "../core/tenants.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { AuthorityValidationOptions, MultiTenantTokenCredentialOptions } from "../core/options.js";
import { closedError } from "../core/closable.js";
import type { SharedTokenCacheSessions } from "../providers/sharedTokenCache.js";

/** Options of {@link SharedTokenCacheCredential}. */
export interface SharedTokenCacheCredentialOptions extends MultiTenantTokenCredentialOptions, AuthorityValidationOptions {
  /** The account to use when the cache holds several (default: AZURE_USERNAME inside DefaultAzureCredential). */
  username?: string;
  /** The account's tenant, to tell apart accounts of one user in several tenants; also the tenant tokens are requested from. */
  tenantId?: string;
  /** The client that redeems the refresh token. Default: the developer sign-on client (Azure CLI), which may redeem the Microsoft family's tokens. */
  clientId?: string;
  /** `name`: the cache file name under .IdentityService (default `msal.cache`). */
  tokenCachePersistenceOptions?: {
    /** Accepted for compatibility; the shared cache is always read from disk. */
    enabled?: boolean;
    /** The cache file name (default `msal.cache`). */
    name?: string;
    /** Accepted for compatibility; the file is read as it is. */
    unsafeAllowUnencryptedStorage?: boolean;
  };
}

const NAME = "SharedTokenCacheCredential";

/**
 * A user signed in by Visual Studio (or another MSAL app) on this machine: reads the shared MSAL
 * cache (`~/.IdentityService/msal.cache`) and redeems its refresh token. Python's credential of the
 * same name; not in `@azure/identity`'s default chain.
 * {@link CredentialUnavailableError} when there is no cache or no matching account
 * (docs/troubleshooting.md#sharedtokencachecredential).
 *
 * @example
 * ```ts
 * const credential = new SharedTokenCacheCredential({ username: "alice@contoso.com" });
 * ```
 */
export class SharedTokenCacheCredential implements TokenCredential {
  readonly #options: SharedTokenCacheCredentialOptions;
  readonly #path: string;
  readonly #authorityHost: string;
  #sessions: Promise<SharedTokenCacheSessions> | undefined;
  #closed = false;

  constructor(options: SharedTokenCacheCredentialOptions = {}) {
    for (const field of ["username", "tenantId", "clientId"] as const) {
      const value = options[field];
      if (value !== undefined && (typeof value !== "string" || value.trim() === ""))
        throw new TypeError(`${NAME}: ${field} must be a non-empty string when given.`);
    }
    if (options.tenantId !== undefined) checkTenantId(options.tenantId);
    this.#options = options;
    this.#authorityHost = resolveAuthorityHost(options.authorityHost);
    this.#path = sharedCachePath(options.tokenCachePersistenceOptions?.name);
  }

  /** Whether this platform's shared cache can be read here at all: its plaintext form only, so false on Windows and macOS. */
  static supported(): boolean {
    return process.platform !== "win32" && process.platform !== "darwin";
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    if (this.#closed) throw closedError(NAME);
    // The cache reading and the refresh-token session come with the lazy chunk (providers/sharedTokenCache.ts).
    this.#sessions ??= import("../lazy.js").then(
      ({ SharedTokenCacheSessions }) => new SharedTokenCacheSessions(this.#options, this.#path, this.#authorityHost),
    );
    return (await this.#sessions).getToken(scopes, options);
  }

  /** Closes the session's sign-in client, if the cache was read; getToken then rejects with CredentialClosedError. */
  async close(): Promise<void> {
    this.#closed = true;
    await (await this.#sessions)?.close();
  }

  /** `await using credential = new ...` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
