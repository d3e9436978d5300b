// One error tree, named as in @azure/identity:
//   CredentialUnavailableError  - not configured here; a chain tries the next credential.
//   AuthenticationError         - configured, but Entra ID (or a host) refused; a chain stops.
//   AggregateAuthenticationError- every credential of a chain failed; `errors` says why, one each.
//   AuthenticationRequiredError - a user must sign in interactively.
// Messages never carry secrets or tokens: callers pass only redacted context.

import { scrubServerText } from "./serverText.js";
import { TROUBLESHOOTING_GUIDE } from "./troubleshoot.js";
// The guide's sections by error and AADSTS code; the browser build links only those a page can meet.
import { AADSTS_ANCHORS, ERROR_ANCHORS } from "./errorAnchors.js";

/** The `name` of a {@link CredentialUnavailableError}; compare `error.name` with it to test across library copies. */
export const CredentialUnavailableErrorName = "CredentialUnavailableError";
/** The `name` of an {@link AuthenticationError}. */
export const AuthenticationErrorName = "AuthenticationError";
/** The `name` of an {@link AggregateAuthenticationError}. */
export const AggregateAuthenticationErrorName = "AggregateAuthenticationError";
/** The `name` of an {@link AuthenticationRequiredError}. */
export const AuthenticationRequiredErrorName = "AuthenticationRequiredError";

export { TROUBLESHOOTING_GUIDE, troubleshoot } from "./troubleshoot.js";

/** The troubleshooting sentence for an error response, if the guide has a section for it and the text does not link one already. */
function troubleshootingFor(response: ErrorResponse): string | undefined {
  if (response.errorDescription.includes(TROUBLESHOOTING_GUIDE)) return undefined;
  const aadsts = response.errorCodes?.[0] ?? Number(/AADSTS(\d+)/.exec(response.errorDescription)?.[1]);
  return AADSTS_ANCHORS[aadsts] ?? ERROR_ANCHORS[response.error];
}

/** The parsed body of an OAuth 2.0 / Entra ID error response. */
export interface ErrorResponse {
  /** The OAuth error (`invalid_client`, `invalid_grant`, ...) or azid's own (`network_error`, `request_timeout`, `invalid_response`, ...). */
  error: string;
  /** The server's explanation, with `AADSTS<code>: ...`, and a final `Hint: ...` line where azid knows the fix. */
  errorDescription: string;
  /** Entra's AADSTS codes (e.g. `[7000215]`); look one up at `https://login.microsoftonline.com/error?code=<code>`. */
  errorCodes?: number[];
  /** When Entra handled the request (give it to Microsoft support with the ids below). */
  timestamp?: string;
  /** Entra's trace id for the request. */
  traceId?: string;
  /** The correlation id of the request. */
  correlationId?: string;
  /** Entra's `suberror` (e.g. `basic_action`, `consent_required`). */
  suberror?: string;
  /** A claims challenge returned with the error, if any. */
  claims?: string;
}

/**
 * This credential is not set up in this environment: no variables, no tool, no managed identity, no
 * signed-in user. {@link DefaultAzureCredential} and {@link ChainedTokenCredential} try their next
 * credential on it. The message says what is missing and how to provide it.
 *
 * @example
 * ```ts
 * try {
 *   await new AzureCliCredential().getToken("https://storage.azure.com/.default");
 * } catch (error) {
 *   if (error instanceof CredentialUnavailableError) console.log("Run `az login` first:", error.message);
 * }
 * ```
 */
export class CredentialUnavailableError extends Error {
  constructor(message?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = CredentialUnavailableErrorName;
  }
}

/**
 * What went wrong when no server answered with an error of its own (statusCode 0), for callers to
 * branch on instead of parsing `errorResponse.error` (as jose's and oauth4webapi's `code`):
 *   ERR_DEADLINE          - no token within the caller's requestOptions.timeout or a sign-in's time limit;
 *   ERR_REQUEST_TIMEOUT   - one HTTP request got no answer in time;
 *   ERR_NETWORK           - no connection (refused, reset, name lookup failed...);
 *   ERR_INSECURE_ENDPOINT - plain http to a non-loopback address, or a pinned certificate that did not match;
 *   ERR_PROXY_REFUSED     - the proxy refused the CONNECT tunnel.
 */
export type AuthenticationErrorCode = "ERR_DEADLINE" | "ERR_REQUEST_TIMEOUT" | "ERR_NETWORK" | "ERR_INSECURE_ENDPOINT" | "ERR_PROXY_REFUSED";

const CODES: Record<string, AuthenticationErrorCode> = {
  timeout: "ERR_DEADLINE",
  request_timeout: "ERR_REQUEST_TIMEOUT",
  network_error: "ERR_NETWORK",
  insecure_endpoint: "ERR_INSECURE_ENDPOINT",
  certificate_pin_mismatch: "ERR_INSECURE_ENDPOINT",
  proxy_refused: "ERR_PROXY_REFUSED",
};

/**
 * The credential is configured, but Entra ID (or a managed identity host, a developer tool, a proxy)
 * refused or failed. A chain stops on it rather than silently trying another identity. The message is
 * `<error> Status code: <status>`, then the server's description, then, where
 * docs/troubleshooting.md has a section for the error or its AADSTS code, a "See azid's
 * docs/troubleshooting.md#..." line. Secrets and tokens are never part of it.
 *
 * @example
 * ```ts
 * try {
 *   await credential.getToken("https://graph.microsoft.com/.default");
 * } catch (error) {
 *   if (error instanceof AuthenticationError && error.aadstsCode === 7000222) rotateSecret();
 *   else if (error instanceof AuthenticationError && error.code === "ERR_NETWORK") retryLater();
 *   else throw error;
 * }
 * ```
 */
export class AuthenticationError extends Error {
  /** The HTTP status of the failed response, or `0` when no server answered (network failure, timeout, a callback that threw). */
  readonly statusCode: number;
  /** What the server (or azid, for status 0) said: the OAuth error, its description, AADSTS codes, trace and correlation ids. */
  readonly errorResponse: ErrorResponse;
  /** Set when azid, not a server, classified the failure (statusCode 0); see AuthenticationErrorCode. */
  readonly code?: AuthenticationErrorCode;
  /** How long the server asked callers to wait (its Retry-After), when it throttled (429) or was unavailable (503). */
  retryAfterMs?: number;

  constructor(statusCode: number, errorBody: ErrorResponse | string | object | undefined | null, options?: { cause?: unknown }) {
    const errorResponse = scrubErrorResponse(toErrorResponse(statusCode, errorBody));
    const see = troubleshootingFor(errorResponse);
    super(`${errorResponse.error} Status code: ${statusCode}\nMore details:\n${errorResponse.errorDescription}${see === undefined ? "" : `\n${see}`}`, options);
    this.statusCode = statusCode;
    this.errorResponse = errorResponse;
    const code = statusCode === 0 ? CODES[errorResponse.error] : undefined;
    if (code !== undefined) this.code = code;
    this.name = AuthenticationErrorName;
  }

  /** The first AADSTS code (e.g. 7000215), when Entra sent one. */
  get aadstsCode(): number | undefined {
    return this.errorResponse.errorCodes?.[0];
  }
}

/**
 * Every credential of a chain ({@link ChainedTokenCredential}, {@link DefaultAzureCredential}) was
 * unavailable. The message lists each credential's error, one a line; see
 * docs/troubleshooting.md#dac-all-unavailable.
 */
export class AggregateAuthenticationError extends Error {
  /** One error per credential of the chain, in the chain's order. */
  readonly errors: any[];
  constructor(errors: any[], errorMessage?: string) {
    const details = errors.map((e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e))).join("\n");
    super(`${errorMessage ?? "ChainedTokenCredential authentication failed."}\n${details}`);
    this.errors = errors;
    this.name = AggregateAuthenticationErrorName;
  }
}

/** The constructor argument of {@link AuthenticationRequiredError}. */
export interface AuthenticationRequiredErrorOptions {
  /** The scopes of the `getToken` call that needs a sign-in. */
  scopes: string[];
  /** The options of that call, to pass on to `authenticate()`. */
  getTokenOptions?: import("./types.js").GetTokenOptions;
  /** Replaces the default message. */
  message?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * A user must sign in interactively, and the credential may not do it by itself: it was created with
 * `disableAutomaticAuthentication: true`, or its cached sign-in can no longer be refreshed. Call the
 * credential's `authenticate(scopes)` (where the user can see it), then retry; see
 * docs/troubleshooting.md#authentication-required.
 *
 * @example
 * ```ts
 * const credential = new InteractiveBrowserCredential({ disableAutomaticAuthentication: true });
 * try {
 *   await credential.getToken(scope);
 * } catch (error) {
 *   if (!(error instanceof AuthenticationRequiredError)) throw error;
 *   await credential.authenticate(error.scopes, error.getTokenOptions);
 * }
 * ```
 */
export class AuthenticationRequiredError extends Error {
  /** The scopes of the `getToken` call that needs a sign-in. */
  readonly scopes: string[];
  /** The options of that call, to pass on to `authenticate()`. */
  readonly getTokenOptions?: import("./types.js").GetTokenOptions;
  constructor(options: AuthenticationRequiredErrorOptions) {
    super(options.message ?? "Interactive authentication is required to get a token. Call 'authenticate()' to begin.", {
      cause: options.cause,
    });
    this.scopes = options.scopes;
    if (options.getTokenOptions !== undefined) this.getTokenOptions = options.getTokenOptions;
    this.name = AuthenticationRequiredErrorName;
  }
}

/**
 * Whether a chain moves on after `error`: "not configured here" (CredentialUnavailableError) and "a
 * user must sign in" (AuthenticationRequiredError) do; anything else stops it, because a configured
 * credential that fails should be fixed, not silently replaced by another identity. Compared by name,
 * so errors from another copy of the library (or re-labelled ones) count too.
 */
export function isChainContinue(error: unknown): boolean {
  return error instanceof Error && (error.name === CredentialUnavailableErrorName || error.name === AuthenticationRequiredErrorName);
}

/** The error every azid operation rejects with when the caller's AbortSignal fires. */
/** An error for a log line or a span's status: `Name: first line of its message`, or the value as text. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : String(error);
}

export function abortError(): Error {
  const error = new Error("The authentication has been aborted by the caller.");
  error.name = "AbortError";
  return error;
}

function isErrorResponse(value: unknown): value is ErrorResponse {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ErrorResponse).error === "string" &&
    typeof (value as ErrorResponse).errorDescription === "string"
  );
}

/** Normalizes an OAuth JSON body (snake_case) or a raw body into an ErrorResponse. */
/** Server text is scrubbed of anything token-shaped before it reaches message, stack or JSON.stringify (core/serverText.ts). */
function scrubErrorResponse(response: ErrorResponse): ErrorResponse {
  return { ...response, error: scrubServerText(response.error).slice(0, 200), errorDescription: scrubServerText(response.errorDescription) };
}

function toErrorResponse(statusCode: number, body: unknown): ErrorResponse {
  if (isErrorResponse(body)) return body;
  if (typeof body === "object" && body !== null && typeof (body as Record<string, unknown>).error === "string") {
    return parseOAuthErrorBody(body as Record<string, unknown>);
  }
  const text = typeof body === "string" ? body : "";
  if (statusCode === 400) {
    return { error: "invalid_request", errorDescription: `The service indicated that the request was invalid.\n\n${text}` };
  }
  return { error: "unknown_error", errorDescription: `An unknown error has occurred. Response body:\n\n${text}` };
}

/** Reads Entra's error fields; unknown or mistyped fields are dropped, never trusted. */
export function parseOAuthErrorBody(body: Record<string, unknown>): ErrorResponse {
  const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  const response: ErrorResponse = {
    error: str(body.error) ?? "unknown_error",
    errorDescription: str(body.error_description) ?? "",
  };
  if (Array.isArray(body.error_codes)) {
    const codes = body.error_codes.filter((c): c is number => typeof c === "number");
    if (codes.length > 0) response.errorCodes = codes;
  }
  const optional: Array<[keyof ErrorResponse, unknown]> = [
    ["timestamp", body.timestamp],
    ["traceId", body.trace_id],
    ["correlationId", body.correlation_id],
    ["suberror", body.suberror],
    ["claims", body.claims],
  ];
  for (const [key, value] of optional) {
    const s = str(value);
    if (s !== undefined) (response as unknown as Record<string, string>)[key] = s;
  }
  return response;
}
