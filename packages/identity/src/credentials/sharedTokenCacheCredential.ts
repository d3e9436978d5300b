// Signs in silently as an account that a Microsoft developer tool (Visual Studio, older Azure tools)
// left in the shared MSAL token cache (~/.IdentityService/msal.cache): its refresh token is redeemed
// at the authority, the rotated one written back. Never interactive: when the cache holds no usable
// account the credential is unavailable and says which fix applies. As Python's azure-identity
// (JavaScript has no such credential); only the plaintext cache form is readable (msalCacheFile.ts).
import { RefreshTokenStore, tokenCache } from "../core/cache/tokenCache.js";
import { resolveAuthorityHost } from "../sources/entra/authority.js";
import { DeferredUserTokenClient } from "./userTokenClientLoader.js";
import { AuthenticationRequiredError, CredentialUnavailableError } from "../core/errors.js";
import { credentialLogger } from "../core/logger.js";
import { sharedCachePath } from "../sources/msalCache/location.js";
import type { SharedCacheAccount, SharedCacheRefreshToken } from "../sources/msalCache/msalCacheFile.js";
import { checkTenantId, DeveloperSignOnClientId } from "../core/tenants.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { AuthorityValidationOptions, MultiTenantTokenCredentialOptions } from "../core/options.js";
import { closedError } from "../core/closable.js";

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

/** Hosts one cache entry may be recorded under for the public cloud (MSAL's aliases). */
const PUBLIC_CLOUD_ALIASES = ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"];
const NAME = "SharedTokenCacheCredential";
const FIX = "sign in again with the developer tool that shares this cache (e.g. Visual Studio), or use `az login` and AzureCliCredential";

interface Session {
  account: SharedCacheAccount;
  refreshToken: SharedCacheRefreshToken;
  client: DeferredUserTokenClient;
}

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
  readonly #logger = credentialLogger(NAME);
  #session: Promise<Session> | undefined;
  #closed = false;
  /** The refresh token the file holds for the session's entry (what a rotation must replace). */
  #inFile: string | undefined;

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
    const session = await (this.#session ??= this.#open());
    try {
      return await session.client.getToken(scopes, options);
    } catch (error) {
      if (!(error instanceof AuthenticationRequiredError)) throw error;
      // The refresh token was rejected: another tool may have signed in again since; read the file once more.
      this.#session = undefined;
      const fresh = await (this.#session ??= this.#open()).catch(() => undefined);
      if (fresh !== undefined && fresh.refreshToken.secret !== session.refreshToken.secret) return fresh.client.getToken(scopes, options);
      this.#session = undefined;
      const who = session.account.username || session.account.homeAccountId;
      throw new CredentialUnavailableError(`${NAME} authentication unavailable: token acquisition failed for ${who}: ${error.message}. To fix, ${FIX}.`, {
        cause: error,
      });
    }
  }

  async #open(): Promise<Session> {
    try {
      // The plaintext file, else (an empty marker) the keyring items of Microsoft's tools, through the persistence plugin if registered.
      const contents = await (
        await import("../lazy.js")
      ).readSharedCacheOrKeyring(this.#path, this.#options.tokenCachePersistenceOptions?.name ?? "msal.cache");
      if (contents === undefined) throw unavailable(`there is no shared token cache at ${this.#path}. To use it, ${FIX}.`);
      const host = new URL(this.#authorityHost).host.toLowerCase();
      const environments = PUBLIC_CLOUD_ALIASES.includes(host) ? PUBLIC_CLOUD_ALIASES : [host];
      const inCloud = (entry: { environment: string }) => environments.includes(entry.environment.toLowerCase());
      const account = this.#pickAccount(contents.accounts.filter(inCloud), contents.accounts.length);
      const refreshToken = this.#pickRefreshToken(
        contents.refreshTokens.filter((t) => inCloud(t) && t.homeAccountId === account.homeAccountId),
        account,
      );
      return this.#startSession(account, refreshToken, host);
    } catch (error) {
      this.#session = undefined;
      throw error;
    }
  }

  #pickAccount(accounts: SharedCacheAccount[], total: number): SharedCacheAccount {
    const { username, tenantId } = this.#options;
    if (accounts.length === 0) {
      const elsewhere = total > 0 ? ` (${total} account(s) belong to other clouds than ${new URL(this.#authorityHost).host})` : "";
      throw unavailable(`no accounts were found in the cache at ${this.#path}${elsewhere}. ${emptyHint()}To use it, ${FIX}.`);
    }
    const matches = accounts.filter(
      (a) =>
        (username === undefined || a.username.toLowerCase() === username.toLowerCase()) &&
        (tenantId === undefined || a.realm === tenantId || a.homeAccountId.endsWith(`.${tenantId}`)),
    );
    if (matches.length === 1) return matches[0]!;
    const wanted = [username !== undefined ? `username ${username}` : "", tenantId !== undefined ? `tenant ${tenantId}` : ""].filter(Boolean).join(" and ");
    const present = [...new Set(accounts.map((a) => `${a.username || a.homeAccountId} (tenant ${a.realm})`))].join(", ");
    if (matches.length === 0) throw unavailable(`no account matching ${wanted} was found in the cache; it holds ${present}.`);
    throw unavailable(`multiple accounts were found in the cache (${present}). Set username (AZURE_USERNAME) and/or tenantId (AZURE_TENANT_ID) to choose one.`);
  }

  /** The account's own-client token first, then a family token (any family app redeems it), then any. */
  #pickRefreshToken(tokens: SharedCacheRefreshToken[], account: SharedCacheAccount): SharedCacheRefreshToken {
    const clientId = (this.#options.clientId ?? DeveloperSignOnClientId).toLowerCase();
    const choice =
      tokens.find((t) => t.clientId.toLowerCase() === clientId) ??
      tokens.find((t) => t.familyId === "1") ??
      (this.#options.clientId === undefined ? tokens[0] : undefined);
    if (choice === undefined)
      throw unavailable(
        `the cache holds no refresh token for ${account.username || account.homeAccountId}${this.#options.clientId !== undefined ? ` that client ${this.#options.clientId} may redeem` : ""}. To fix, ${FIX}.`,
      );
    return choice;
  }

  #startSession(account: SharedCacheAccount, refreshToken: SharedCacheRefreshToken, host: string): Session {
    // A family token is redeemed by our client; any other only by the client it was issued to.
    const clientId = refreshToken.familyId === "1" ? (this.#options.clientId ?? DeveloperSignOnClientId) : refreshToken.clientId;
    const tenantId = this.#options.tenantId ?? account.realm;
    tokenCache.refreshTokens.set(RefreshTokenStore.key(host, clientId, account.homeAccountId), refreshToken.secret);
    this.#inFile = refreshToken.secret;
    const { username: _username, clientId: _clientId, tenantId: _tenantId, tokenCachePersistenceOptions: _persistence, ...common } = this.#options;
    const client = new DeferredUserTokenClient({
      credentialName: NAME,
      clientId,
      tenantId,
      options: {
        ...common,
        disableAutomaticAuthentication: true,
        authenticationRecord: { authority: host, homeAccountId: account.homeAccountId, clientId, tenantId: account.realm, username: account.username },
      },
      interact: () => Promise.reject(new CredentialUnavailableError(`${NAME} never signs in interactively.`)),
      onRefreshTokenRotated: (_account, next) => this.#persist(refreshToken.key, next),
    });
    this.#logger.info(`using ${account.username || account.homeAccountId} from ${this.#path}.`);
    return { account, refreshToken, client };
  }

  async #persist(entryKey: string, next: string): Promise<void> {
    const previous = this.#inFile;
    if (previous === undefined) return;
    const { writeRotatedRefreshToken } = await import("../lazy.js");
    if (await writeRotatedRefreshToken(this.#path, entryKey, previous, next)) this.#inFile = next;
    else
      this.#logger.info(
        `the rotated refresh token was not written back to ${this.#path} (locked or changed by another tool); the previous one stays valid there.`,
      );
  }

  /** Closes the session's sign-in client, if the cache was read; getToken then rejects with CredentialClosedError. */
  async close(): Promise<void> {
    this.#closed = true;
    const session = await this.#session?.catch(() => undefined);
    session?.client.close();
  }

  /** `await using credential = new ...` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function unavailable(reason: string): CredentialUnavailableError {
  return new CredentialUnavailableError(`${NAME} authentication unavailable: ${reason}`);
}

function emptyHint(): string {
  if (process.platform === "win32") return "";
  return `Tools that reach the OS keyring (${process.platform === "darwin" ? "Keychain" : "libsecret"}) keep the cache there and leave only an empty marker file; azid reads the plaintext form only. `;
}
