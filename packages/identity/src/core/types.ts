// Public types, structurally compatible with @azure/core-auth so every Azure SDK client accepts
// our credentials. Imports nothing: every other file may use it. Credential options are options.ts.

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
