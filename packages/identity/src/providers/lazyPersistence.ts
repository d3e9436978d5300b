// What stays eager of tokenCachePersistenceOptions: stand-ins with the names and shapes of
// persistentTokenCache.ts, whose code (and the MSAL cache format under it) comes through lazy.ts on
// the first credential that asks for persistence. A process that never asks compiles none of it.
//
// Constructing a credential with persistence starts, at once and side by side, loading that code and
// the plugin's warm-up (provider.warm: the key from the OS store where no unlock prompt is needed,
// and the cache file), so the first getToken finds them ready or under way instead of starting them.
// The loader is handed in from above lazy.ts (index.ts), as the layering allows only that.
import type { CredentialLogger } from "../core/logger.js";
import { pluginRegistry } from "../core/plugins.js";
import type { PersistenceRequest } from "../core/persistenceOptions.js";
import type { TokenSource } from "../core/tokenSource.js";
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
