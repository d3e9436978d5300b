// Public types, structurally compatible with @azure/core-auth so every Azure SDK client accepts
// our credentials. Kept free of imports so `import type` of this file costs nothing at run time.

/** Anything that looks like an AbortSignal (the DOM one, Node's, or @azure/abort-controller's). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: (this: AbortSignalLike, ev: any) => any, options?: any): void;
  removeEventListener(type: "abort", listener: (this: AbortSignalLike, ev: any) => any, options?: any): void;
}

/** An access token, as in @azure/core-auth. Timestamps are milliseconds since the epoch. */
export interface AccessToken {
  token: string;
  expiresOnTimestamp: number;
  /** When the token should be refreshed (the server's `refresh_in`, or half-life for long tokens). */
  refreshAfterTimestamp?: number;
  tokenType?: "Bearer" | "pop";
}

/** Per-call options, as in @azure/core-auth. */
export interface GetTokenOptions {
  abortSignal?: AbortSignalLike;
  requestOptions?: { timeout?: number };
  tracingOptions?: { tracingContext?: unknown };
  /** A claims challenge (JSON) from a resource; bypasses the cache. */
  claims?: string;
  /** Ask for a CAE-capable token (client capability `cp1`). */
  enableCae?: boolean;
  tenantId?: string;
  proofOfPossessionOptions?: { nonce: string; resourceRequestMethod: string; resourceRequestUrl: string };
}

/** The interface every credential implements; identical in shape to @azure/core-auth's. */
export interface TokenCredential {
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null>;
}

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
  httpClient?: import("./http/transport.js").HttpClient;
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

/** Accepted for @azure/identity compatibility. Tokens always live in azid's in-memory cache. */
export interface CredentialPersistenceOptions {
  tokenCachePersistenceOptions?: { enabled: boolean; name?: string; unsafeAllowUnencryptedStorage?: boolean };
}
