// Public types, structurally compatible with @azure/core-auth so every Azure SDK client accepts
// our credentials. Imports nothing: every other file may use it. Credential options are options.ts.

/** Anything that looks like an AbortSignal (the DOM one, Node's, or @azure/abort-controller's). */
export interface AbortSignalLike {
  /** Whether the signal has fired. */
  readonly aborted: boolean;
  /** Why it fired, if given. */
  readonly reason?: unknown;
  /** Registers a listener for the `abort` event. */
  addEventListener(type: "abort", listener: (this: AbortSignalLike, ev: any) => any, options?: any): void;
  /** Removes a listener registered with `addEventListener`. */
  removeEventListener(type: "abort", listener: (this: AbortSignalLike, ev: any) => any, options?: any): void;
}

/** An access token, as in @azure/core-auth. Timestamps are milliseconds since the epoch. */
export interface AccessToken {
  /** The access token, to send as `Authorization: Bearer <token>`. Never log it. */
  token: string;
  /** When the token expires, in milliseconds since the epoch. */
  expiresOnTimestamp: number;
  /** When the token should be refreshed (the server's `refresh_in`, or half-life for long tokens). */
  refreshAfterTimestamp?: number;
  /** `"Bearer"`, or `"pop"` for a proof-of-possession token. */
  tokenType?: "Bearer" | "pop";
}

/** Per-call options, as in @azure/core-auth. */
export interface GetTokenOptions {
  /** Cancels the call: it rejects with an `AbortError` (a token fetch other callers share goes on). */
  abortSignal?: AbortSignalLike;
  /** Limits for this call. */
  requestOptions?: {
    /** Milliseconds this call may wait for a token, retries included; past it, an `AuthenticationError` with code `ERR_DEADLINE`. */
    timeout?: number;
  };
  /** Accepted for @azure/core-auth compatibility; azid does not trace. */
  tracingOptions?: {
    /** Ignored. */
    tracingContext?: unknown;
  };
  /** A claims challenge (JSON) from a resource; bypasses the cache. */
  claims?: string;
  /** Ask for a CAE-capable token (client capability `cp1`). */
  enableCae?: boolean;
  /** Get the token from this tenant instead of the credential's own; it must be allowed by `additionallyAllowedTenants`. */
  tenantId?: string;
  /** Ask for a proof-of-possession token bound to one resource request (as in @azure/core-auth). */
  proofOfPossessionOptions?: {
    /** The nonce from the resource's `WWW-Authenticate` challenge. */
    nonce: string;
    /** The HTTP method of the resource request. */
    resourceRequestMethod: string;
    /** The URL of the resource request. */
    resourceRequestUrl: string;
  };
}

/** The interface every credential implements; identical in shape to @azure/core-auth's. */
export interface TokenCredential {
  /**
   * Gets an access token for `scopes` (e.g. `"https://storage.azure.com/.default"`), from the cache
   * when it holds a fresh one.
   * @throws {@link CredentialUnavailableError} when the credential is not set up here,
   *   {@link AuthenticationError} when Entra ID or the host refused.
   */
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null>;
}
