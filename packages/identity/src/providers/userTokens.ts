// The machinery every credential that signs a user in shares (DeviceCode, InteractiveBrowser,
// AuthorizationCode, UsernamePassword): silent first, interaction only when nothing else works.
//
//   1. a cached access token for the account (the one TokenProvider cache, partition = authority +
//      client + account; so credentials of the same app and account share tokens);
//   2. the account's refresh token (tokenCache.refreshTokens) with the refresh_token grant; the
//      rotated token is stored, a rejected one (invalid_grant, interaction_required) is dropped;
//   3. with disableAutomaticAuthentication: AuthenticationRequiredError carrying the scopes;
//   4. the credential's own sign-in (browser, device code, password, code redemption), once at a
//      time per credential; its access token is handed to the cache, its refresh token stored.
// A claims challenge bypasses the cached access token (TokenProvider), tries the refresh token with
// the claims, and interacts if Entra insists.
import { TokenProvider } from "../core/cache/tokenProvider.js";
import { RefreshTokenStore, tokenCache } from "../core/cache/tokenCache.js";
import { abortError, AuthenticationError, AuthenticationRequiredError } from "../core/errors.js";
import { closedError } from "../core/closable.js";
import type { CredentialLogger } from "../core/logger.js";
import { ensureScopes } from "../core/scopes.js";
import { createHttpContext } from "../core/http/context.js";
import { credentialLogger } from "../core/logger.js";
import { checkTenantId, processMultiTenantRequest, resolveAdditionallyAllowedTenants } from "../core/tenants.js";
import type { AbortSignalLike, AccessToken, GetTokenOptions } from "../core/types.js";
import type { AuthorityValidationOptions, MultiTenantTokenCredentialOptions, TokenCredentialOptions } from "../core/options.js";
import { resolveAuthorityHost } from "../sources/entra/authority.js";
import { recordFor, validate as validateRecord, type AuthenticationRecord } from "../sources/entra/authenticationRecord.js";
import { buildClaims } from "../sources/entra/claims.js";
import type { ClientAuthentication } from "../sources/entra/clientAuthentication.js";
import { accountFromResponse, type UserAccount } from "../sources/entra/idToken.js";
import type { TokenEndpointResponse } from "../sources/entra/tokenRequest.js";
import { type InteractionResult, toAccessToken, UserGrantClient } from "../sources/entra/userGrant.js";
import { tokenDetailsLogger } from "../core/accountLogging.js";
import type { CredentialPersistenceOptions } from "../core/options.js";
import { noRefreshTokenReason, persistentUserTokens, type PersistentUserTokens } from "./lazyPersistence.js";

/** What a credential's sign-in step is asked for. */
export interface InteractionRequest {
  scopes: string[];
  tenantId: string;
  /** Merged claims (challenge + CAE capability), if any. */
  claims: string | undefined;
  /** The account expected to sign in (from an earlier sign-in or an AuthenticationRecord). */
  loginHint: string | undefined;
  abortSignal: AbortSignalLike | undefined;
  /** The caller's requestOptions.timeout, if any. */
  timeoutMs: number | undefined;
}

export type Interaction = (request: InteractionRequest) => Promise<InteractionResult>;

export interface UserTokenSettings {
  credentialName: string;
  authorityHost: string;
  tenantId: string;
  additionallyAllowedTenants: readonly string[];
  grants: UserGrantClient;
  logger: CredentialLogger;
  interact: Interaction;
  disableAutomaticAuthentication: boolean;
  /** Extra partition component for confidential clients (a fingerprint of their credential). */
  fingerprint?: string;
  /** An account to sign in silently (the `authenticationRecord` option). */
  authenticationRecord?: AuthenticationRecord | undefined;
  /** Told when Entra rotated an account's refresh token (SharedTokenCacheCredential writes it back to its file). */
  onRefreshTokenRotated?: ((account: UserAccount, refreshToken: string) => Promise<void>) | undefined;
  /** tokenCachePersistenceOptions: tokens and refresh tokens also live in the plugin's store, across processes. */
  persistence?: PersistentUserTokens | undefined;
  /** Told each token a caller gets (loggingOptions: accountLogging.ts's tokenDetailsLogger). */
  onToken?: ((token: AccessToken) => void) | undefined;
  /** Releases the sign-in transport's keep-alive connections (and the persistent store) on close(). */
  onClose?: () => void | Promise<void>;
}

/** Entra errors after which a refresh token is useless and a person must sign in again (protocols.md 1.4.2). */
const INTERACTION_ERRORS = new Set(["invalid_grant", "interaction_required", "consent_required", "login_required", "bad_token"]);
const INTERACTION_SUBERRORS = new Set(["basic_action", "additional_action", "message_only", "user_password_expired", "consent_required", "bad_token"]);

export function needsInteraction(error: unknown): error is AuthenticationError {
  if (!(error instanceof AuthenticationError)) return false;
  const { error: code, suberror } = error.errorResponse;
  return INTERACTION_ERRORS.has(code) || (suberror !== undefined && INTERACTION_SUBERRORS.has(suberror));
}

/** Marks an AuthenticationRequiredError raised by the silent path (so only those trigger interaction). */
const SILENT_FAILURE = Symbol("silentFailure");

export class UserTokenClient {
  readonly #settings: UserTokenSettings;
  readonly #host: string;
  readonly #providers = new Map<string, TokenProvider>();
  /** Access tokens a sign-in produced, waiting to be stored by the account's TokenProvider. */
  readonly #handoff = new Map<string, AccessToken>();
  #account: UserAccount | undefined;
  #signIn: Promise<UserAccount> | undefined;
  /** Aborted by close(): a sign-in in progress (browser loopback server, device-code polling) stops. */
  readonly #closing = new AbortController();
  /** What the first close() returned, for every later close() to await too. */
  #closed: void | Promise<void> = undefined;

  constructor(settings: UserTokenSettings) {
    this.#settings = settings;
    this.#host = new URL(settings.authorityHost).host;
    const record = settings.authenticationRecord;
    if (record !== undefined) {
      this.#account = { homeAccountId: record.homeAccountId, tenantId: record.tenantId, username: record.username };
      if (record.clientId.toLowerCase() !== settings.grants.clientId.toLowerCase() || record.authority.toLowerCase() !== this.#host.toLowerCase()) {
        settings.logger.warning(
          `the authenticationRecord was made for client ${record.clientId} at ${record.authority}, but this credential uses ${settings.grants.clientId} at ${this.#host}: its refresh token cannot be reused, so the user signs in again.`,
        );
      }
    }
  }

  /** The signed-in account, if any. */
  get account(): UserAccount | undefined {
    return this.#account;
  }

  /** Stops sign-ins in progress and closes every account's provider; later calls reject with CredentialClosedError. */
  close(): void | Promise<void> {
    if (this.#closing.signal.aborted) return this.#closed;
    this.#closing.abort(closedError(this.#settings.credentialName));
    for (const provider of this.#providers.values()) void provider.close();
    return (this.#closed = this.#settings.onClose?.());
  }

  async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    if (this.#closing.signal.aborted) throw closedError(this.#settings.credentialName);
    const account = this.#account;
    let silentFailure: AuthenticationRequiredError | undefined;
    if (account !== undefined) {
      try {
        return await this.#provider(account).getToken(scopes, options);
      } catch (error) {
        if (!(error instanceof AuthenticationRequiredError) || !(SILENT_FAILURE in error)) throw error;
        silentFailure = error;
      }
    }
    const list = ensureScopes(scopes);
    const tenantId = this.#resolveTenant(options);
    if (this.#settings.disableAutomaticAuthentication) {
      throw new AuthenticationRequiredError({
        scopes: list,
        getTokenOptions: options,
        message: `${this.#settings.credentialName}: automatic authentication is disabled and ${silentFailure?.message ?? "no account has signed in yet"}. Call authenticate() to sign in.`,
        ...(silentFailure?.cause !== undefined ? { cause: silentFailure.cause } : {}),
      });
    }
    // Concurrent callers share one sign-in (one browser window, one device code), then each gets its
    // own scopes silently with the new refresh token.
    this.#signIn ??= this.#interact(list, tenantId, options, false).finally(() => (this.#signIn = undefined));
    const signedIn = await this.#signIn;
    return this.#provider(signedIn).getToken(list, options);
  }

  /** Always signs in (never silent) and returns the account, which later getToken calls use. */
  async authenticate(scopes: string | string[], options: GetTokenOptions = {}): Promise<AuthenticationRecord> {
    if (this.#closing.signal.aborted) throw closedError(this.#settings.credentialName);
    const list = ensureScopes(scopes);
    const tenantId = this.#resolveTenant(options);
    const account = await this.#interact(list, tenantId, options, true);
    await this.#provider(account).getToken(list, options); // stores the access token the sign-in produced
    return recordFor(account, this.#settings.authorityHost, this.#settings.grants.clientId);
  }

  #resolveTenant(options: GetTokenOptions): string {
    return processMultiTenantRequest(this.#settings.tenantId, options.tenantId, this.#settings.additionallyAllowedTenants) ?? this.#settings.tenantId;
  }

  async #interact(scopes: string[], tenantId: string, options: GetTokenOptions, switchAccount: boolean): Promise<UserAccount> {
    const { logger, grants, authenticationRecord } = this.#settings;
    if (options.abortSignal?.aborted) throw abortError();
    const enableCae = options.enableCae === true;
    logger.info(`signing in interactively. Scopes: ${scopes.join(", ")}.`);
    const signal = linkedSignal(this.#closing.signal, options.abortSignal);
    let interaction: Awaited<ReturnType<Interaction>>;
    try {
      interaction = await this.#settings.interact({
        scopes,
        tenantId,
        claims: buildClaims(options.claims, enableCae),
        loginHint: this.#account?.username || undefined,
        abortSignal: signal.signal,
        timeoutMs: options.requestOptions?.timeout,
      });
    } catch (error) {
      throw this.#closing.signal.aborted ? closedError(this.#settings.credentialName) : error;
    } finally {
      signal.dispose();
    }
    const { response, nonce } = interaction;
    const account = accountFromResponse(response, { clientId: grants.clientId, ...(nonce !== undefined ? { nonce } : {}), fallbackTenantId: tenantId });
    if (!switchAccount && authenticationRecord !== undefined && account.homeAccountId !== authenticationRecord.homeAccountId) {
      throw new AuthenticationError(0, {
        error: "account_mismatch",
        errorDescription: `${this.#settings.credentialName}: ${account.username || "another account"} signed in, but this credential is bound to ${authenticationRecord.username || authenticationRecord.homeAccountId} by its authenticationRecord. Sign in with that account, or call authenticate() to switch accounts.`,
      });
    }
    if (this.#account !== undefined && this.#account.homeAccountId !== account.homeAccountId) {
      logger.info(`the signed-in account changed; later tokens are for the new account.`);
    }
    if (response.refreshToken !== undefined) tokenCache.refreshTokens.set(this.#refreshKey(account), response.refreshToken);
    this.#account = account;
    const key = handoffKey(account, tenantId, enableCae, scopes);
    this.#handoff.set(key, toAccessToken(response));
    // Written before authenticate() returns, so a process started with the record finds the account.
    await this.#settings.persistence?.save(account, enableCae, response, toAccessToken(response), scopes, tenantId);
    // Unclaimed (the cache already held a token for these scopes): drop it soon, never keep it around.
    setTimeout(() => this.#handoff.delete(key), 5_000).unref?.();
    logger.info(`signed in${account.username ? ` as ${account.username}` : ""}.`);
    return account;
  }

  #refreshKey(account: UserAccount): string {
    return RefreshTokenStore.key(this.#host, this.#settings.grants.clientId, account.homeAccountId);
  }

  #provider(account: UserAccount): TokenProvider {
    let provider = this.#providers.get(account.homeAccountId);
    if (provider === undefined) {
      const { authorityHost, grants, tenantId, additionallyAllowedTenants, logger, fingerprint } = this.#settings;
      provider = new TokenProvider({
        partition: `user\u0000${authorityHost}\u0000${grants.clientId.toLowerCase()}\u0000${account.homeAccountId}${fingerprint === undefined ? "" : `\u0000${fingerprint}`}`,
        tenantId,
        additionallyAllowedTenants,
        source: (request) => this.#silent(account, request),
        logger,
        buildClaims,
        onToken: this.#settings.onToken,
      });
      this.#providers.set(account.homeAccountId, provider);
    }
    return provider;
  }

  /** The token source of an account's cache partition: a handed-off token, else the refresh token grant. */
  async #silent(
    account: UserAccount,
    request: { scopes: string[]; tenantId: string | undefined; claims: string | undefined; enableCae: boolean; deadline: number },
  ): Promise<AccessToken> {
    const tenantId = request.tenantId ?? this.#settings.tenantId;
    const key = handoffKey(account, tenantId, request.enableCae, request.scopes);
    const handedOff = this.#handoff.get(key);
    if (handedOff !== undefined) {
      this.#handoff.delete(key);
      return handedOff;
    }
    const storeKey = this.#refreshKey(account);
    const { persistence } = this.#settings;
    // Another process (or an earlier run) may hold what this one lacks: a valid access token, a refresh token.
    const persisted = await persistence?.lookUp(account, request, tenantId);
    if (persisted?.fresh === true) return persisted.token;
    const refreshToken = tokenCache.refreshTokens.get(storeKey);
    const who = account.username || account.homeAccountId;
    if (refreshToken === undefined) throw silentFailure(request.scopes, noRefreshTokenReason(who, persistence !== undefined));
    const [uid, utid] = account.homeAccountId.split(".");
    let response: TokenEndpointResponse;
    try {
      response = await this.#settings.grants.redeem(
        { grant_type: "refresh_token", refresh_token: refreshToken },
        {
          tenantId,
          scopes: request.scopes,
          claims: request.claims,
          deadline: request.deadline,
          ...(uid && utid ? { headers: { "x-anchormailbox": `Oid:${uid}@${utid}` } } : {}),
        },
      );
    } catch (error) {
      // As MSAL: a refresh that failed for a transient reason leaves the persisted, still valid token in use.
      if (!needsInteraction(error)) {
        if (persisted !== undefined && persisted.token.expiresOnTimestamp > Date.now() + 60_000) return persisted.token;
        throw error;
      }
      tokenCache.refreshTokens.delete(storeKey, refreshToken);
      await persistence?.forget(account, request.enableCae, refreshToken);
      this.#settings.logger.info(`the refresh token for ${who} was rejected (${error.errorResponse.error}); a new sign-in is needed.`);
      throw silentFailure(
        request.scopes,
        `Entra ID rejected the refresh token for ${who} (${error.errorResponse.error}${error.aadstsCode !== undefined ? `, AADSTS${error.aadstsCode}` : ""})`,
        error,
      );
    }
    // Entra rotates refresh tokens: keep the newest, unless a concurrent sign-in already replaced it.
    if (response.refreshToken !== undefined && tokenCache.refreshTokens.get(storeKey) === refreshToken) {
      tokenCache.refreshTokens.set(storeKey, response.refreshToken);
      await this.#settings.onRefreshTokenRotated?.(account, response.refreshToken);
    }
    const token = toAccessToken(response);
    await persistence?.save(account, request.enableCae, response, token, request.scopes, tenantId);
    return token;
  }
}

function handoffKey(account: UserAccount, tenantId: string, enableCae: boolean, scopes: readonly string[]): string {
  return `${account.homeAccountId}\u0000${tenantId}\u0000${enableCae ? "cae" : ""}\u0000${scopes.join(" ")}`;
}

function silentFailure(scopes: string[], reason: string, cause?: unknown): AuthenticationRequiredError {
  const error = new AuthenticationRequiredError({ scopes, message: reason, ...(cause !== undefined ? { cause } : {}) });
  Object.defineProperty(error, SILENT_FAILURE, { value: true });
  return error;
}

/** Options of the credentials that sign a user in interactively, as in @azure/identity. */
/** A signal that fires when either fires; dispose() detaches it from the caller's signal. */
function linkedSignal(closing: AbortSignal, caller: AbortSignalLike | undefined): { signal: AbortSignal; dispose(): void } {
  if (caller === undefined) return { signal: closing, dispose: () => undefined };
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  if (caller.aborted) controller.abort();
  caller.addEventListener("abort", onAbort);
  closing.addEventListener("abort", onAbort);
  return {
    signal: controller.signal,
    dispose: () => {
      caller.removeEventListener("abort", onAbort);
      closing.removeEventListener("abort", onAbort);
    },
  };
}

export interface InteractiveCredentialOptions extends MultiTenantTokenCredentialOptions, AuthorityValidationOptions {
  /** An account signed in earlier (from authenticate()): its tokens are acquired silently while this process holds its refresh token. */
  authenticationRecord?: AuthenticationRecord;
  /** Never open a browser or show a device code from getToken(): throw AuthenticationRequiredError instead, so the app calls authenticate() when it suits it. */
  disableAutomaticAuthentication?: boolean;
}

export interface UserCredentialSetup {
  credentialName: string;
  clientId: string;
  tenantId: string;
  options: (InteractiveCredentialOptions & TokenCredentialOptions & CredentialPersistenceOptions) | undefined;
  interact: (request: InteractionRequest, grants: UserGrantClient) => Promise<InteractionResult>;
  clientAuthentication?: ClientAuthentication;
  fingerprint?: string;
  onRefreshTokenRotated?: UserTokenSettings["onRefreshTokenRotated"];
}

/** Validates the common options and wires a credential's sign-in step to the shared machinery. */
export function createUserTokenClient(setup: UserCredentialSetup): UserTokenClient {
  const { credentialName, clientId, tenantId, options } = setup;
  checkTenantId(tenantId);
  const record =
    options?.authenticationRecord === undefined ? undefined : validateRecord(options.authenticationRecord, `${credentialName}: authenticationRecord`);
  const authorityHost = resolveAuthorityHost(options?.authorityHost);
  const persistence = persistentUserTokens(options, credentialName, credentialLogger(credentialName), new URL(authorityHost).host, clientId);
  const http = createHttpContext(options);
  const grants = new UserGrantClient({
    authorityHost,
    clientId,
    disableInstanceDiscovery: options?.disableInstanceDiscovery === true,
    http,
    ...(setup.clientAuthentication ? { clientAuthentication: setup.clientAuthentication } : {}),
  });
  return new UserTokenClient({
    credentialName,
    authorityHost,
    tenantId,
    additionallyAllowedTenants: resolveAdditionallyAllowedTenants(options?.additionallyAllowedTenants),
    grants,
    logger: credentialLogger(credentialName),
    interact: (request) => setup.interact(request, grants),
    disableAutomaticAuthentication: options?.disableAutomaticAuthentication === true,
    ...(setup.fingerprint !== undefined ? { fingerprint: setup.fingerprint } : {}),
    authenticationRecord: record,
    onRefreshTokenRotated: setup.onRefreshTokenRotated,
    persistence,
    onToken: tokenDetailsLogger(credentialLogger(credentialName), options?.loggingOptions),
    onClose: () => {
      http.release();
      return persistence?.close();
    },
  });
}
