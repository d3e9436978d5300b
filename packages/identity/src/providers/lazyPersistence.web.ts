// The workerd build's stand-in for lazyPersistence.ts (and so for persistentTokenCache.ts) (scripts/webBuild.mjs picks it; the browser
// build has its own, lazyPersistence.browser.ts): a worker has no file system or OS keyring for a
// persistence plugin, and the MSAL cache file format is a desktop one, so the bundle leaves both out.
// resolvePersistence() asks for this class only when persistence is requested, and it says why not.
import { resolvePersistence, type PersistenceRequest } from "../core/persistenceOptions.js";
import type { TokenSource } from "../core/tokenSource.js";

const NO_PERSISTENCE_IN_WORKER =
  "tokenCachePersistenceOptions can't be used in workerd or other fetch-only runtimes (no file system or OS keyring for the persistence plugin). Tokens stay in the isolate's in-memory cache; to share them across isolates, register a distributed cache plugin (useIdentityPlugin).";

/** index.ts hands in the loader of lazy.ts (none in the web builds, persistenceCode.web.ts): a worker has no persistence code to load. */
export function providePersistenceCode(_load: () => Promise<unknown>): void {}

export class PersistentTokenCache {
  constructor(_request: PersistenceRequest) {
    throw new TypeError(NO_PERSISTENCE_IN_WORKER);
  }
}

/** A user credential's persistence: none in a worker; asked for (with a plugin registered), it throws as PersistentTokenCache does. */
export function persistentUserTokens(options: unknown, credentialName: string): undefined {
  if (resolvePersistence(options, credentialName) !== undefined) throw new TypeError(NO_PERSISTENCE_IN_WORKER);
  return undefined;
}

/** Never reached in a worker (see above); the source as it is. */
export function withPersistentAppTokens(source: TokenSource): TokenSource {
  return source;
}

/** Why a silent sign-in found no refresh token for `who`: a worker keeps tokens in its isolate's memory only. */
export function noRefreshTokenReason(who: string): string {
  return `this isolate holds no refresh token for ${who} (azid keeps tokens in memory only here)`;
}
