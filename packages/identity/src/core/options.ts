// The options credentials accept, named and shaped as in @azure/identity (the subset that means
// something for azid).
import type { HttpClient } from "./http/httpClient.js";
import type { TokenCachePersistenceOptions } from "./persistenceOptions.js";

/** Proxy settings, as in @azure/core-rest-pipeline's `ProxySettings`. */
export interface ProxySettings {
  /** The proxy's host name or address (a URL such as `http://proxy.corp:8080` is accepted too). */
  host: string;
  /** The proxy's port. */
  port: number;
  /** User name for proxy authentication (sent as Basic `Proxy-Authorization`). */
  username?: string;
  /** Password for proxy authentication. Never logged. */
  password?: string;
}

/** How azid retries token requests that failed transiently (network errors, 429, 5xx). Managed identity has its own schedule for IMDS's 410 and 404 rules. */
export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  /** Base delay for exponential back-off (default 800 ms). */
  retryDelayInMs?: number;
  /** Upper bound of one back-off delay (default 60 s). */
  maxRetryDelayInMs?: number;
}

/** What a credential may write to the log about the accounts it gets tokens for (see `setLogLevel`). */
export interface LoggingOptions {
  /** Log `appid`, `upn`, `tid` and `oid` of issued tokens at info level. */
  allowLoggingAccountIdentifiers?: boolean;
  /** Log the issuer, audience, permissions, expiry and identity type of issued tokens at verbose level, for a support case. Tokens themselves are never logged. Default `false`. */
  enableUnsafeSupportLogging?: boolean;
}

/** Options every credential accepts (the subset of @azure/identity's that means something here). */
export interface TokenCredentialOptions {
  /** Entra ID host, e.g. `https://login.microsoftonline.com` (default: `AZURE_AUTHORITY_HOST`, then public cloud). */
  authorityHost?: string;
  /** Replace the HTTP transport (tests, custom agents). */
  httpClient?: HttpClient;
  /** Send requests through this proxy. Default: `HTTPS_PROXY` (`HTTP_PROXY` for http URLs), then `ALL_PROXY`, either case, minus the hosts in `NO_PROXY`. */
  proxyOptions?: ProxySettings;
  /** Retries of transient failures (default 3 retries, 800 ms base delay, 60 s cap). */
  retryOptions?: RetryOptions;
  /** What may be logged about accounts (default: nothing). */
  loggingOptions?: LoggingOptions;
  /** Identify your application in the `User-Agent` header azid sends. */
  userAgentOptions?: {
    /** Put before azid's own `azsdk-js-azid-identity/<version> ...` User-Agent. */
    userAgentPrefix?: string;
  };
  /** Extra CA certificates (PEM) trusted for HTTPS, on top of Node's. */
  tlsOptions?: {
    /**
     * PEM text (may hold several certificates) or an array of them, as strings or bytes (`readFileSync`'s
     * Buffer, as @azure/identity accepts), e.g. a corporate proxy's root CA.
     */
    ca?: string | Uint8Array | Array<string | Uint8Array>;
  };
  /** azid has no HTTP pipeline: an empty array is accepted, policies throw UnsupportedOptionError (use httpClient). */
  additionalPolicies?: unknown[];
  /** @azure/core-rest-pipeline's `applicationId`: put before azid's User-Agent (as userAgentOptions.userAgentPrefix, which wins). */
  telemetryOptions?: {
    /** Your application's name, put before azid's User-Agent. */
    applicationId?: string;
    /**
     * @azure/core-rest-pipeline's name for the request-id header. Not supported (UnsupportedOptionError):
     * azid sends each service the request-id header it documents.
     */
    clientRequestIdHeaderName?: string;
  };
  /** Not supported: an http(s).Agent of your own throws UnsupportedOptionError; use proxyOptions, tlsOptions.ca or httpClient. */
  agent?: unknown;
  /** Not supported when `true` (UnsupportedOptionError): azid sends plain http only to loopback addresses, which needs no option. */
  allowInsecureConnection?: boolean;
  /** azid never follows redirects for token requests; `{ handleRedirects: false }` (or `{}`) is accepted, anything else throws. */
  redirectOptions?: {
    /** `false` (or unset) is accepted; `true` throws UnsupportedOptionError. */
    handleRedirects?: boolean;
    /** Any value throws UnsupportedOptionError: there are no redirects to count. */
    maxRetries?: number;
  };
}

/** Options of credentials that can get tokens for more than one tenant. */
export interface MultiTenantTokenCredentialOptions extends TokenCredentialOptions {
  /** Tenants besides the configured one that `getToken({ tenantId })` may ask for; `"*"` allows any. */
  additionallyAllowedTenants?: string[];
}

/** Options of credentials that talk to an Entra ID authority. */
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
  /** Keep this credential's tokens in the persistent cache (default: in memory only); see docs/caching.md. */
  tokenCachePersistenceOptions?: TokenCachePersistenceOptions;
}
