// The options credentials accept, named and shaped as in @azure/identity (the subset that means
// something for azid).
import type { HttpClient } from "./http/httpClient.js";
import type { TokenCachePersistenceOptions } from "./persistenceOptions.js";

/** Proxy settings, as in @azure/core-rest-pipeline's `ProxySettings`. */
export interface ProxySettings {
  host: string;
  port: number;
  username?: string;
  password?: string;
}

export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  /** Base delay for exponential back-off (default 800 ms). */
  retryDelayInMs?: number;
  /** Upper bound of one back-off delay (default 60 s). */
  maxRetryDelayInMs?: number;
}

export interface LoggingOptions {
  /** Log `appid`, `upn`, `tid` and `oid` of issued tokens at info level. */
  allowLoggingAccountIdentifiers?: boolean;
  enableUnsafeSupportLogging?: boolean;
}

/** Options every credential accepts (the subset of @azure/identity's that means something here). */
export interface TokenCredentialOptions {
  /** Entra ID host, e.g. `https://login.microsoftonline.com` (default: `AZURE_AUTHORITY_HOST`, then public cloud). */
  authorityHost?: string;
  /** Replace the HTTP transport (tests, custom agents). */
  httpClient?: HttpClient;
  proxyOptions?: ProxySettings;
  retryOptions?: RetryOptions;
  loggingOptions?: LoggingOptions;
  userAgentOptions?: { userAgentPrefix?: string };
  /** Extra CA certificates (PEM) trusted for HTTPS, on top of Node's. */
  tlsOptions?: { ca?: string | string[] };
  /** Accepted for compatibility; azid has no pipeline policies. */
  additionalPolicies?: unknown[];
}

export interface MultiTenantTokenCredentialOptions extends TokenCredentialOptions {
  /** Tenants besides the configured one that `getToken({ tenantId })` may ask for; `"*"` allows any. */
  additionallyAllowedTenants?: string[];
}

export interface AuthorityValidationOptions {
  /** Skip instance discovery and trust `authorityHost` as given (required for private clouds, Azure Stack, emulators). */
  disableInstanceDiscovery?: boolean;
}

/**
 * A persistent, encrypted token cache shared across processes (as @azure/identity and Python's
 * azure-identity). Needs a plugin: `useIdentityPlugin(cachePersistencePlugin)` from @azid/cache-persistence;
 * without one, a credential given `enabled: true` throws PersistenceNotConfiguredError.
 */
export interface CredentialPersistenceOptions {
  tokenCachePersistenceOptions?: TokenCachePersistenceOptions;
}
