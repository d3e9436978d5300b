// The browser build's persistenceOptions.ts (scripts/webBuild.mjs picks it): a web page can't persist
// tokens through a plugin (no file system or OS keyring), so asking for it fails at construction,
// naming the browser's own option, and the plugin checks stay out of the page's bundle.
import type { PersistenceRequest } from "./persistenceOptions.js";

/** Why a page can't persist tokens, and what it has instead (also providers/lazyPersistence.browser.ts's). */
export const NO_PERSISTENCE_IN_BROWSER =
  "tokenCachePersistenceOptions can't be used in a browser (no file system or OS keyring). InteractiveBrowserCredential keeps a tab's sign-in with cacheLocation: \"sessionStorage\".";

export function resolvePersistence(options: unknown, credentialName: string): PersistenceRequest | undefined {
  const value = (options as { tokenCachePersistenceOptions?: { enabled?: unknown } } | undefined)?.tokenCachePersistenceOptions;
  if (value?.enabled !== true) return undefined;
  throw new TypeError(`${credentialName}: ${NO_PERSISTENCE_IN_BROWSER}`);
}

export { DEFAULT_CACHE_NAME, PersistenceNotConfiguredError, type PersistenceRequest, type TokenCachePersistenceOptions } from "./persistenceOptions.js";
