// The browser build's stand-in for lazyPersistence.ts (and so for persistentTokenCache.ts) (scripts/webBuild.mjs picks it): a web
// page has no file system or OS keyring for a persistence plugin, and the MSAL cache file it would
// read and write (sources/msalCache/unifiedCache.ts) is a desktop format, so the browser bundle
// leaves both out. resolvePersistence() only asks for this class when a persistence plugin is
// registered, which can't work in a page; the constructor says so and names the browser's option.
import { NO_PERSISTENCE_IN_BROWSER } from "../core/persistenceOptions.browser.js";
import { resolvePersistence, type PersistenceRequest } from "../core/persistenceOptions.js";
import type { TokenSource } from "../core/tokenSource.js";

/** index.ts hands in the loader of lazy.ts (none in the web builds, persistenceCode.web.ts): a page has no persistence code to load. */
export function providePersistenceCode(_load: () => Promise<unknown>): void {}

export class PersistentTokenCache {
  constructor(_request: PersistenceRequest) {
    throw new TypeError(NO_PERSISTENCE_IN_BROWSER);
  }
}

/** Never reached in a page (see above); the source as it is. */
export function withPersistentAppTokens(source: TokenSource): TokenSource {
  return source;
}

/** A user credential's persistence: none in a page (resolvePersistence, the browser's, throws when it is asked for). */
export function persistentUserTokens(options: unknown, credentialName: string): undefined {
  resolvePersistence(options, credentialName);
  return undefined;
}

/** Why a silent sign-in found no refresh token for `who`: a page keeps it in memory, or in the tab's sessionStorage when asked to. */
export function noRefreshTokenReason(who: string): string {
  return `this page holds no refresh token for ${who} (kept in memory only, unless cacheLocation is "sessionStorage")`;
}
