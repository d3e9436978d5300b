// What stays eager of tokenCachePersistenceOptions: stand-ins with the names and shapes of
// persistentTokenCache.ts, whose code (and the MSAL cache format under it) comes through lazy.ts on
// the first credential that asks for persistence. A process that never asks compiles none of it.
//
// Constructing a credential with persistence starts, at once and side by side, loading that code and
// the plugin's warm-up (provider.warm: the key from the OS store where no unlock prompt is needed,
// and the cache file), so the first getToken finds them ready or under way instead of starting them.
// The loader is handed in from above lazy.ts (index.ts), as the layering allows only that.
import { RefreshTokenStore, tokenCache } from "../core/cache/tokenCache.js";
import type { CredentialLogger } from "../core/logger.js";
import { pluginRegistry } from "../core/plugins.js";
import { resolvePersistence, type PersistenceRequest } from "../core/persistenceOptions.js";
import type { TokenSource } from "../core/tokenSource.js";
import type { AccessToken } from "../core/types.js";
import { buildClaims } from "../sources/entra/claims.js";
import type { UserAccount } from "../sources/entra/idToken.js";
import type { TokenEndpointResponse } from "../sources/entra/tokenRequest.js";
import type * as Glue from "./persistentTokenCache.js";

type Loaded = { glue: typeof Glue; cache: Glue.PersistentTokenCache };
let loadGlue: (() => Promise<typeof Glue>) | undefined;
let glue: Promise<typeof Glue> | undefined;

/** index.ts hands in `() => import("./lazy.js")`. */
export function providePersistenceCode(load: () => Promise<typeof Glue>): void {
  loadGlue = load;
}

function persistenceCode(): Promise<typeof Glue> {
  if (loadGlue === undefined) return Promise.reject(new Error("azid's persistent token cache code was not provided (import credentials from @azid/identity)."));
  if (glue === undefined) {
    glue = loadGlue();
    glue.catch(() => (glue = undefined)); // a failed load (e.g. a file removed by an upgrade) is tried again next time
  }
  return glue;
}

/** The persistent cache of one credential; see persistentTokenCache.ts for what each method does. */
export class PersistentTokenCache {
  readonly #loaded: Promise<Loaded>;

  constructor(request: PersistenceRequest, logger: CredentialLogger) {
    pluginRegistry.persistence?.warm?.({ name: request.name, cae: false, allowUnencryptedStorage: request.allowUnencryptedStorage });
    this.#loaded = persistenceCode().then((code) => ({ glue: code, cache: new code.PersistentTokenCache(request, logger) }));
    this.#loaded.catch(() => undefined); // reported by the call that needs it
  }

  loaded(): Promise<Loaded> {
    return this.#loaded;
  }

  async findUserAccessToken(...args: Parameters<Glue.PersistentTokenCache["findUserAccessToken"]>) {
    return (await this.#loaded).cache.findUserAccessToken(...args);
  }
  async findRefreshToken(...args: Parameters<Glue.PersistentTokenCache["findRefreshToken"]>) {
    return (await this.#loaded).cache.findRefreshToken(...args);
  }
  async saveUserResponse(...args: Parameters<Glue.PersistentTokenCache["saveUserResponse"]>) {
    return (await this.#loaded).cache.saveUserResponse(...args);
  }
  async forgetRefreshToken(...args: Parameters<Glue.PersistentTokenCache["forgetRefreshToken"]>) {
    return (await this.#loaded).cache.forgetRefreshToken(...args);
  }
  /** The credential closed: releases its stores (the last user closes a store). */
  async close(): Promise<void> {
    const loaded = await this.#loaded.catch(() => undefined);
    await loaded?.cache.close();
  }
}

export type AppTokenPersistence = Omit<Glue.AppTokenPersistence, "cache"> & { cache: PersistentTokenCache };

/** persistentTokenCache.ts's withPersistentAppTokens, once its code is loaded. */
export function withPersistentAppTokens(source: TokenSource, persistence: AppTokenPersistence): TokenSource {
  let wrapped: Promise<TokenSource> | undefined;
  const wrap = () =>
    persistence.cache
      .loaded()
      .then(({ glue: code, cache }) => code.withPersistentAppTokens(source, { ...persistence, cache }))
      .catch((error: unknown) => {
        wrapped = undefined;
        throw error;
      });
  return async (request) => (await (wrapped ??= wrap()))(request);
}

/**
 * tokenCachePersistenceOptions of a credential that signs a user in (providers/userTokens.ts): its
 * accounts' tokens and refresh tokens also live in the plugin's store, for other processes and later
 * runs. Undefined when the options ask for none; throws as resolvePersistence() does. The web builds'
 * stand-ins return undefined (or throw), so a page's bundle carries none of this.
 */
export function persistentUserTokens(
  options: unknown,
  credentialName: string,
  logger: CredentialLogger,
  environment: string,
  clientId: string,
): PersistentUserTokens | undefined {
  const request = resolvePersistence(options, credentialName);
  return request === undefined ? undefined : new PersistentUserTokens(new PersistentTokenCache(request, logger), environment, clientId);
}

/** One user credential's persistent cache: what its silent step reads and writes there. */
export class PersistentUserTokens {
  readonly #cache: PersistentTokenCache;
  readonly #environment: string;
  readonly #clientId: string;

  constructor(cache: PersistentTokenCache, environment: string, clientId: string) {
    this.#cache = cache;
    this.#environment = environment;
    this.#clientId = clientId;
  }

  #query(account: UserAccount, cae: boolean): Glue.UserQuery {
    return { environment: this.#environment, clientId: this.#clientId, account, cae };
  }

  /**
   * Before a refresh: the persisted access token for an unchallenged request (`fresh`: serve it; else a
   * fallback while it is valid), and the persisted refresh token, put in tokenCache.refreshTokens
   * when this process holds none for the account.
   */
  async lookUp(
    account: UserAccount,
    request: { scopes: string[]; claims: string | undefined; enableCae: boolean },
    tenantId: string,
  ): Promise<{ token: AccessToken; fresh: boolean } | undefined> {
    const query = this.#query(account, request.enableCae);
    let found: { token: AccessToken; fresh: boolean } | undefined;
    if (request.claims === buildClaims(undefined, request.enableCae)) {
      found = await this.#cache.findUserAccessToken(query, request.scopes, tenantId);
      if (found?.fresh === true) return found;
    }
    const storeKey = RefreshTokenStore.key(this.#environment, this.#clientId, account.homeAccountId);
    if (tokenCache.refreshTokens.get(storeKey) === undefined) {
      const refreshToken = await this.#cache.findRefreshToken(query);
      if (refreshToken !== undefined) tokenCache.refreshTokens.set(storeKey, refreshToken);
    }
    return found;
  }

  /** A sign-in's or a refresh's response, written through (access, refresh and id tokens, the account). */
  save(account: UserAccount, cae: boolean, response: TokenEndpointResponse, token: AccessToken, scopes: string[], tenantId: string): Promise<void> {
    return this.#cache.saveUserResponse(this.#query(account, cae), response, token, scopes, tenantId);
  }

  /** Entra rejected the refresh token: no process should try it again. */
  forget(account: UserAccount, cae: boolean, refreshToken: string): Promise<void> {
    return this.#cache.forgetRefreshToken(this.#query(account, cae), refreshToken);
  }

  close(): Promise<void> {
    return this.#cache.close();
  }
}

/** Why a silent sign-in found no refresh token for `who`: where azid looked, and where tokens can be kept. */
export function noRefreshTokenReason(who: string, persistent: boolean): string {
  return persistent
    ? `neither this process nor the persistent token cache holds a refresh token for ${who}`
    : `this process holds no refresh token for ${who} (azid keeps tokens in memory only; tokenCachePersistenceOptions keeps them across processes)`;
}
