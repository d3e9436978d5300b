// One error tree, named as in @azure/identity:
//   CredentialUnavailableError  - not configured here; a chain tries the next credential.
//   AuthenticationError         - configured, but Entra ID (or a host) refused; a chain stops.
//   AggregateAuthenticationError- every credential of a chain failed; `errors` says why, one each.
//   AuthenticationRequiredError - a user must sign in interactively.
// Messages never carry secrets or tokens: callers pass only redacted context.

import { scrubServerText } from "./serverText.js";

export const CredentialUnavailableErrorName = "CredentialUnavailableError";
export const AuthenticationErrorName = "AuthenticationError";
export const AggregateAuthenticationErrorName = "AggregateAuthenticationError";
export const AuthenticationRequiredErrorName = "AuthenticationRequiredError";

/** The parsed body of an OAuth 2.0 / Entra ID error response. */
export interface ErrorResponse {
  error: string;
  errorDescription: string;
  errorCodes?: number[];
  timestamp?: string;
  traceId?: string;
  correlationId?: string;
  /** Entra's `suberror` (e.g. `basic_action`, `consent_required`). */
  suberror?: string;
  /** A claims challenge returned with the error, if any. */
  claims?: string;
}

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

export class AuthenticationError extends Error {
  readonly statusCode: number;
  readonly errorResponse: ErrorResponse;
  /** Set when azid, not a server, classified the failure (statusCode 0); see AuthenticationErrorCode. */
  readonly code?: AuthenticationErrorCode;
  /** How long the server asked callers to wait (its Retry-After), when it throttled (429) or was unavailable (503). */
  retryAfterMs?: number;

  constructor(statusCode: number, errorBody: ErrorResponse | string | object | undefined | null, options?: { cause?: unknown }) {
    const errorResponse = scrubErrorResponse(toErrorResponse(statusCode, errorBody));
    super(`${errorResponse.error} Status code: ${statusCode}\nMore details:\n${errorResponse.errorDescription}`, options);
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

export class AggregateAuthenticationError extends Error {
  readonly errors: any[];
  constructor(errors: any[], errorMessage?: string) {
    const details = errors.map((e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e))).join("\n");
    super(`${errorMessage ?? "ChainedTokenCredential authentication failed."}\n${details}`);
    this.errors = errors;
    this.name = AggregateAuthenticationErrorName;
  }
}

export interface AuthenticationRequiredErrorOptions {
  scopes: string[];
  getTokenOptions?: import("./types.js").GetTokenOptions;
  message?: string;
  cause?: unknown;
}

export class AuthenticationRequiredError extends Error {
  readonly scopes: string[];
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
