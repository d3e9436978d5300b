// The persistent side of the token cache (tokenCachePersistenceOptions): the plugin's store
// (docs/design/plugins.md#persistence) holding the MSAL unified cache (sources/msalCache/unifiedCache.ts).
// The in-memory cache stays in front: the file is read only on a miss there, and written after every
// token the network gave, by read-modify-write under the plugin's cross-process lock, so what other
// processes (and other MSAL apps) wrote is kept.
//
// A store that cannot be opened (no keyring and no opt-in to plaintext) fails the call: the caller
// asked for persistence and must learn why it is not happening. A store that opened but cannot be read
// or written (a hostile file, a lock held too long) is a cache miss, logged, never a failure.
import { describeError } from "../core/errors.js";
import type { CredentialLogger } from "../core/logger.js";
import { sha256Text } from "../core/hash.js";
import { pluginRegistry, type PersistentStore } from "../core/plugins.js";
import type { PersistenceRequest } from "../core/persistenceOptions.js";
import type { TokenRequest, TokenSource } from "../core/tokenSource.js";
import type { AccessToken } from "../core/types.js";
import {
  findAccessToken,
  findRefreshToken,
  parseUnifiedCache,
  realmFor,
  removeRefreshToken,
  serializeUnifiedCache,
  writeAccessToken,
  writeUserEntries,
  type UnifiedCache,
} from "../sources/msalCache/unifiedCache.js";
import { decodeJwtPayload, type UserAccount } from "../sources/entra/idToken.js";
import type { TokenEndpointResponse } from "../sources/entra/tokenRequest.js";

/**
 * One store per name, CAE flag and encryption choice in a process (opening reads the key from the OS
 * store once), shared by the credentials using it: `users` counts the caches holding it, and the last
 * to close() closes the store (its key is wiped, its lock waits end).
 */
const stores = new Map<string, { store: Promise<PersistentStore>; users: number }>();

export class PersistentTokenCache {
  readonly #request: PersistenceRequest;
  readonly #logger: CredentialLogger;
  /** The last text read per store and its parse, so an unchanged file is not parsed again. */
  readonly #parsed = new Map<PersistentStore, { text: string | undefined; cache: UnifiedCache }>();
  /** The stores this cache counts itself a user of (keys of `stores`). */
  readonly #held = new Map<string, { store: Promise<PersistentStore>; users: number }>();
  #closed = false;

  constructor(request: PersistenceRequest, logger: CredentialLogger) {
    this.#request = request;
    this.#logger = logger;
  }

  #open(cae: boolean): Promise<PersistentStore> {
    if (this.#closed) return Promise.reject(new Error("the credential was closed."));
    const { name, allowUnencryptedStorage } = this.#request;
    const key = `${name}\u0000${cae}\u0000${allowUnencryptedStorage}`;
    const mine = this.#held.get(key);
    if (mine !== undefined && stores.get(key) === mine) return mine.store;
    let entry = stores.get(key);
    if (entry === undefined) {
      const provider = pluginRegistry.persistence;
      if (provider === undefined) return Promise.reject(new Error("the persistence plugin was unregistered after this credential was created."));
      const opened = provider.open({ name, cae, allowUnencryptedStorage });
      const created = { store: opened, users: 0 };
      opened.catch(() => stores.get(key) === created && stores.delete(key)); // the next call tries again (a keyring unlocked meanwhile)
      stores.set(key, created);
      entry = created;
    }
    entry.users++;
    this.#held.set(key, entry);
    return entry.store;
  }

  /**
   * The credential closed: this cache stops using its stores, and a store no other credential uses is
   * closed (the plugin wipes its key and ends its lock waits). Later reads and writes reject.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const last: Array<Promise<PersistentStore>> = [];
    for (const [key, entry] of this.#held) {
      if (--entry.users > 0) continue;
      if (stores.get(key) === entry) stores.delete(key);
      last.push(entry.store);
    }
    this.#held.clear();
    this.#parsed.clear();
    await Promise.all(last.map((store) => store.then((s) => s.close()).catch(() => undefined)));
  }

  /** The cache as last written by any process; empty when missing or unreadable (logged). */
  async read(cae: boolean): Promise<UnifiedCache> {
    const store = await this.#open(cae);
    let text: string | undefined;
    try {
      text = await store.read();
    } catch (error) {
      this.#logger.warning(`the persistent token cache ${store.location} could not be read; continuing without it. ${describeError(error)}`);
      return {};
    }
    const last = this.#parsed.get(store);
    if (last !== undefined && last.text === text) return last.cache;
    const cache = parseUnifiedCache(text);
    this.#parsed.set(store, { text, cache });
    return cache;
  }

  /** Applies `change` to the current cache under the cross-process lock; a failure is logged, not thrown. */
  async update(cae: boolean, change: (cache: UnifiedCache) => void): Promise<void> {
    const store = await this.#open(cae);
    try {
      await store.modify((current) => {
        const cache = parseUnifiedCache(current);
        change(cache);
        return serializeUnifiedCache(cache);
      });
    } catch (error) {
      if (this.#closed) return; // close() ended the write (a lock wait, say): nothing to report
      this.#logger.warning(
        `the persistent token cache ${store.location} could not be written; tokens stay in memory for this process. ${describeError(error)}`,
      );
    }
  }

  // ---- user tokens (DeviceCode, InteractiveBrowser, UsernamePassword, AuthorizationCode) ----

  async findUserAccessToken(q: UserQuery, scopes: readonly string[], tenantId: string): Promise<{ token: AccessToken; fresh: boolean } | undefined> {
    const cache = await this.read(q.cae);
    return findAccessToken(cache, {
      environment: q.environment,
      clientId: q.clientId,
      homeAccountId: q.account.homeAccountId,
      realm: realmFor(tenantId, q.account.tenantId),
      scopes,
      now: Date.now(),
    });
  }

  async findRefreshToken(q: UserQuery): Promise<string | undefined> {
    const query = { environment: q.environment, clientId: q.clientId, homeAccountId: q.account.homeAccountId };
    return findRefreshToken(await this.read(q.cae), query) ?? findRefreshToken(await this.read(!q.cae), query);
  }

  /** Everything a user flow's response holds: access, refresh and id tokens, the Account and AppMetadata entries. */
  saveUserResponse(q: UserQuery, response: TokenEndpointResponse, token: AccessToken, scopes: readonly string[], tenantId: string): Promise<void> {
    const claims = response.idToken !== undefined ? (decodeJwtPayload(response.idToken) ?? {}) : {};
    const now = Date.now();
    return this.update(q.cae, (cache) => {
      writeUserEntries(cache, {
        environment: q.environment,
        clientId: q.clientId,
        homeAccountId: q.account.homeAccountId,
        realm: q.account.tenantId,
        username: q.account.username,
        refreshToken: response.refreshToken,
        idToken: response.idToken,
        clientInfo: response.clientInfo,
        localAccountId: text(claims.oid) ?? text(claims.sub) ?? q.account.homeAccountId.split(".")[0] ?? "",
        displayName: text(claims.name),
      });
      writeAccessToken(cache, {
        environment: q.environment,
        clientId: q.clientId,
        homeAccountId: q.account.homeAccountId,
        realm: realmFor(tenantId, q.account.tenantId),
        scopes: targetOf(scopes, response.scope),
        token,
        now,
      });
    });
  }

  forgetRefreshToken(q: UserQuery, secret: string): Promise<void> {
    return this.update(q.cae, (cache) => removeRefreshToken(cache, { environment: q.environment, homeAccountId: q.account.homeAccountId, secret }));
  }
}

export interface UserQuery {
  environment: string;
  clientId: string;
  account: UserAccount;
  cae: boolean;
}

export interface AppTokenPersistence {
  cache: PersistentTokenCache;
  environment: string;
  clientId: string;
  tenantId: string;
  /** The claims a request carries when nothing was challenged (the CAE capability): such requests may use the file. */
  unchallengedClaims: (enableCae: boolean) => string | undefined;
  /** On-behalf-of: the SHA-256 of the user assertion, so each user's tokens stay apart. */
  userAssertion?: string;
}

/**
 * Puts the persistent cache in front of an app-only token source (client credentials, on-behalf-of):
 * a valid token another process stored answers without a request; a fetched one is stored.
 */
export function withPersistentAppTokens(source: TokenSource, persistence: AppTokenPersistence): TokenSource {
  const userAssertionHash = persistence.userAssertion === undefined ? undefined : assertionHash(persistence.userAssertion);
  return async (request: TokenRequest) => {
    const realm = request.tenantId ?? persistence.tenantId;
    const query = {
      environment: persistence.environment,
      clientId: persistence.clientId,
      homeAccountId: "",
      realm,
      scopes: request.scopes,
      ...(userAssertionHash !== undefined ? { userAssertionHash } : {}),
    };
    const { cache } = persistence;
    if (request.claims === persistence.unchallengedClaims(request.enableCae)) {
      const found = findAccessToken(await cache.read(request.enableCae), { ...query, now: Date.now() });
      if (found?.fresh === true) return found.token;
    }
    const token = await source(request);
    await cache.update(request.enableCae, (document) => writeAccessToken(document, { ...query, token, now: Date.now() }));
    return token;
  };
}

/** msal-node's `userAssertionHash`: base64url SHA-256 of the assertion. */
function assertionHash(assertion: string): string {
  return sha256Text(assertion, "base64url");
}

/** What the token was issued for: the scopes asked for plus those Entra reported (so `.default` requests find it again). */
function targetOf(scopes: readonly string[], granted: string | undefined): string[] {
  const all = [...scopes];
  for (const scope of (granted ?? "").split(/\s+/)) if (scope !== "" && !all.some((s) => s.toLowerCase() === scope.toLowerCase())) all.push(scope);
  return all;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
