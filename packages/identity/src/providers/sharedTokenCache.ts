// SharedTokenCacheCredential's work after construction, loaded with the lazy chunk on its first
// getToken: read the shared MSAL cache (plaintext file, else the keyring through the persistence
// plugin), pick the account and its refresh token, redeem it through the user sign-in machinery, and
// write a rotated refresh token back. The credential (credentials/sharedTokenCacheCredential.ts) keeps
// the option checks that fail at construction.
import { RefreshTokenStore, tokenCache } from "../core/cache/tokenCache.js";
import { createUserTokenClient, type UserTokenClient } from "./userTokens.js";
import { AuthenticationRequiredError, CredentialUnavailableError } from "../core/errors.js";
import { credentialLogger } from "../core/logger.js";
import { readSharedCacheOrKeyring } from "../sources/msalCache/keyringSharedCache.js";
import { writeRotatedRefreshToken, type SharedCacheAccount, type SharedCacheRefreshToken } from "../sources/msalCache/msalCacheFile.js";
import { DeveloperSignOnClientId } from "../core/tenants.js";
import type { AccessToken, GetTokenOptions } from "../core/types.js";
import type { AuthorityValidationOptions, MultiTenantTokenCredentialOptions } from "../core/options.js";

/** The credential's options this module reads (SharedTokenCacheCredentialOptions has these). */
export interface SharedTokenCacheOptions extends MultiTenantTokenCredentialOptions, AuthorityValidationOptions {
  username?: string;
  tenantId?: string;
  clientId?: string;
  tokenCachePersistenceOptions?: { enabled?: boolean; name?: string; unsafeAllowUnencryptedStorage?: boolean };
}

/** Hosts one cache entry may be recorded under for the public cloud (MSAL's aliases). */
const PUBLIC_CLOUD_ALIASES = ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"];
const NAME = "SharedTokenCacheCredential";
const FIX = "sign in again with the developer tool that shares this cache (e.g. Visual Studio), or use `az login` and AzureCliCredential";

interface Session {
  account: SharedCacheAccount;
  refreshToken: SharedCacheRefreshToken;
  client: UserTokenClient;
}

/** One credential's sessions on the shared cache: the account in use, re-read when its refresh token is rejected. */
export class SharedTokenCacheSessions {
  readonly #options: SharedTokenCacheOptions;
  readonly #path: string;
  readonly #authorityHost: string;
  readonly #logger = credentialLogger(NAME);
  #session: Promise<Session> | undefined;
  /** The refresh token the file holds for the session's entry (what a rotation must replace). */
  #inFile: string | undefined;

  constructor(options: SharedTokenCacheOptions, path: string, authorityHost: string) {
    this.#options = options;
    this.#path = path;
    this.#authorityHost = authorityHost;
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
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
      const contents = await readSharedCacheOrKeyring(this.#path, this.#options.tokenCachePersistenceOptions?.name ?? "msal.cache");
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
    const client = createUserTokenClient({
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
    if (await writeRotatedRefreshToken(this.#path, entryKey, previous, next)) this.#inFile = next;
    else
      this.#logger.info(
        `the rotated refresh token was not written back to ${this.#path} (locked or changed by another tool); the previous one stays valid there.`,
      );
  }

  /** Closes the session's sign-in client, if the cache was read. */
  async close(): Promise<void> {
    const session = await this.#session?.catch(() => undefined);
    await session?.client.close();
  }
}

function unavailable(reason: string): CredentialUnavailableError {
  return new CredentialUnavailableError(`${NAME} authentication unavailable: ${reason}`);
}

function emptyHint(): string {
  if (process.platform === "win32") return "";
  return `Tools that reach the OS keyring (${process.platform === "darwin" ? "Keychain" : "libsecret"}) keep the cache there and leave only an empty marker file; azid reads the plaintext form only. `;
}
