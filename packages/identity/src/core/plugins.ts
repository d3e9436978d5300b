// useIdentityPlugin: optional packages plug in here at run time, so the core keeps zero dependencies
// (docs/design/plugins.md). A plugin is a function that receives the context and calls its setters.
// The registry is process-wide, like the one token cache it extends.
import type { AccessToken } from "./types.js";

/** A fleet-wide (L2) cache for app-only tokens, e.g. @azid/cache-redis. */
export interface DistributedTokenCache {
  /** Returns the token stored under `key`, or calls `fetch` (at most once across the fleet, ideally) and stores its result. */
  getOrFetch(key: string, fetch: () => Promise<AccessToken>, info: DistributedFetchInfo): Promise<AccessToken>;
}

/** Why azid asks the fleet cache, and by when it needs an answer. */
export interface DistributedFetchInfo {
  /** "miss": the process cache had nothing; "refresh": it still serves `current` but a refresh is due. */
  reason: "miss" | "refresh";
  /** The token the process cache still holds, if any. */
  current: AccessToken | undefined;
  /** Epoch ms by which the caller wants an answer. */
  deadline: number;
}

/** Persistent storage for `tokenCachePersistenceOptions`, e.g. @azid/cache-persistence. */
export interface PersistenceProvider {
  /** Opens (creating if needed) the store for one cache name; `cae` selects the CAE variant of the cache. */
  open(options: { name: string; cae: boolean; allowUnencryptedStorage: boolean }): Promise<PersistentStore>;
  /**
   * Optional: start fetching what open() and the store's first read() need (called when a credential
   * with persistence is constructed). Must not prompt the user and must not throw.
   */
  warm?(options: { name: string; cae: boolean; allowUnencryptedStorage: boolean }): void;
  /** The cache Microsoft's tools keep for `name` (their keyring items on Linux); used by SharedTokenCacheCredential, which writes rotated refresh tokens back. */
  openMicrosoftSharedCache?(options: { name: string; cae: boolean }): Promise<MicrosoftSharedCache>;
}

/** A cache another tool left, read without a lock. */
export interface MicrosoftSharedCache {
  /** Where the cache lives (a keyring item's attributes or a file path), for messages. */
  readonly location: string;
  /** undefined when no tool left a cache; rejects when the keyring holding it is locked or unreachable. */
  read(): Promise<
    | {
        /** The cache's JSON text (MSAL's unified cache format). */
        text: string;
        /** Which tool's layout it was found in, for messages. */
        origin: string;
      }
    | undefined
  >;
  /**
   * Optional: rewrites the cache where the last read() found it (under the tools' lock), with
   * `update(current text)`; undefined from `update` writes nothing. Resolves whether it wrote.
   */
  modify?(update: (text: string) => string | undefined): Promise<boolean>;
}

/** One opened persistent cache: a text blob (MSAL's JSON cache format) read and updated under a cross-process lock. */
export interface PersistentStore {
  /** Where the cache lives (a file path or a keyring entry), for messages. */
  readonly location: string;
  /** Whether the content is encrypted at rest. */
  readonly encrypted: boolean;
  /** The current content, or `undefined` when nothing was stored yet. */
  read(): Promise<string | undefined>;
  /** Replaces the content with `update(current)`, atomically with respect to other processes. */
  modify(update: (current: string | undefined) => string): Promise<void>;
  /**
   * Releases the store's resources; called when the last credential using the store closes. Ends pending
   * waits too (a modify() waiting for another process's lock rejects), so the process can exit.
   */
  close(): Promise<void>;
}

/** What `useIdentityPlugin` passes to an azid plugin. */
export interface AzidPluginContext {
  /** Identifies an azid host (as opposed to @azure/identity's) and the version of this contract. */
  readonly azid: {
    /** `1`; bumped on incompatible changes. */
    readonly contractVersion: 1;
  };
  /** Installs (or, with `undefined`, removes) the fleet-wide token cache. */
  setDistributedTokenCache(cache: DistributedTokenCache | undefined): void;
  /** Installs (or removes) the storage behind `tokenCachePersistenceOptions`. */
  setPersistence(provider: PersistenceProvider | undefined): void;
}

/** A plugin, as accepted by `useIdentityPlugin` (the same shape as @azure/identity's `IdentityPlugin`). */
export type IdentityPlugin = (context: unknown) => void;

interface Registry {
  distributedCache: DistributedTokenCache | undefined;
  persistence: PersistenceProvider | undefined;
}

/** What plugins have registered. Read on each cache miss, so a plugin registered late still applies. */
export const pluginRegistry: Registry = { distributedCache: undefined, persistence: undefined };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

const MICROSOFT_PLUGIN =
  "useIdentityPlugin: this is one of Microsoft's @azure/identity plugins; it drives @azure/identity's internals and cannot work with azid.";

/** Microsoft's plugins reach for these fields of @azure/identity's context; each gets azid's answer. */
function refuseMicrosoftPlugin(alternative: string): () => never {
  return () => {
    throw new TypeError(`${MICROSOFT_PLUGIN} ${alternative}`);
  };
}

let context: AzidPluginContext | undefined;

/** Built on first use, so a bundle that never calls useIdentityPlugin (a page that only signs in) drops it and its texts. */
function pluginContext(): AzidPluginContext {
  return (context ??= Object.freeze(
    Object.defineProperties(
      {
        azid: Object.freeze({ contractVersion: 1 as const }),
        setDistributedTokenCache(cache: DistributedTokenCache | undefined): void {
          if (cache !== undefined && (!isObject(cache) || typeof cache.getOrFetch !== "function")) {
            throw new TypeError("useIdentityPlugin: setDistributedTokenCache expects an object with a getOrFetch(key, fetch, info) method.");
          }
          pluginRegistry.distributedCache = cache;
        },
        setPersistence(provider: PersistenceProvider | undefined): void {
          if (provider !== undefined && (!isObject(provider) || typeof provider.open !== "function")) {
            throw new TypeError("useIdentityPlugin: setPersistence expects an object with an open(options) method.");
          }
          pluginRegistry.persistence = provider;
        },
      } satisfies AzidPluginContext,
      {
        cachePluginControl: {
          get: refuseMicrosoftPlugin("For a persistent token cache use @azid/cache-persistence: useIdentityPlugin(cachePersistencePlugin)."),
        },
        vsCodeCredentialControl: {
          get: refuseMicrosoftPlugin(
            "VisualStudioCodeCredential needs no plugin in azid: it names the signed-in account and why the broker's tokens can't be used; use AzureCliCredential for local development.",
          ),
        },
        nativeBrokerPluginControl: {
          get: refuseMicrosoftPlugin(
            "The WAM broker (@azure/identity-broker) is not supported by azid: use InteractiveBrowserCredential or DeviceCodeCredential.",
          ),
        },
      },
    ),
  ));
}

/**
 * Extends azid with an optional package: `useIdentityPlugin(cachePersistencePlugin)` from
 * `@azid/cache-persistence`, or `useIdentityPlugin(redisCachePlugin({ client }))` from `@azid/cache-redis`.
 * Microsoft's plugins (`@azure/identity-cache-persistence`, `-vscode`, `-broker`) are recognised and
 * refused with a TypeError naming azid's alternative.
 */
export function useIdentityPlugin(plugin: IdentityPlugin): void {
  if (typeof plugin !== "function") {
    throw new TypeError(`useIdentityPlugin: expected a plugin function (received ${plugin === null ? "null" : typeof plugin}).`);
  }
  plugin(pluginContext());
}
