// POST to the token endpoint and validate what comes back, in a fixed order: transport, status,
// JSON, OAuth error body, then each field's type. Any grant (client credentials, password,
// refresh token, ...) goes through here; the callers only build the form.
import { abortError, AuthenticationError, parseOAuthErrorBody } from "../../core/errors.js";
import { tokenExpiry } from "../../core/expiry.js";
import { formSecrets, scrubServerText } from "../../core/serverText.js";
import type { HttpContext } from "../../core/http/context.js";
import { sendWithRetry, withRetryAfter } from "../../core/http/retry.js";
import { PROXY_HINT } from "../../core/http/defaultTransport.js";
import { TransportError } from "../../core/http/httpClient.js";
import type { AbortSignalLike } from "../../core/types.js";
import { hintFor } from "./errorHints.js";

export interface TokenEndpointResponse {
  accessToken: string;
  expiresOnTimestamp: number;
  refreshAfterTimestamp?: number;
  tokenType: "Bearer" | "pop";
  refreshToken?: string;
  idToken?: string;
  clientInfo?: string;
  scope?: string;
}

export interface TokenEndpointRequest {
  tokenEndpoint: string;
  form: Record<string, string>;
  headers?: Record<string, string>;
  http: HttpContext;
  deadline: number;
  abortSignal?: AbortSignalLike;
}

export async function requestToken(request: TokenEndpointRequest): Promise<TokenEndpointResponse> {
  const { http } = request;
  const correlationId = crypto.randomUUID();
  const url = `${request.tokenEndpoint}?client-request-id=${correlationId}`;
  const sentAt = Date.now();
  let response;
  try {
    ({ response } = await sendWithRetry(
      http.client,
      {
        method: "POST",
        url,
        headers: {
          "content-type": "application/x-www-form-urlencoded;charset=utf-8",
          accept: "application/json",
          "user-agent": http.userAgent,
          "client-request-id": correlationId,
          "return-client-request-id": "true",
          "x-client-sku": "azid.identity",
          "x-client-ver": "0.1.0",
          ...request.headers,
        },
        body: new URLSearchParams(request.form).toString(),
      },
      http.retry,
      { deadline: request.deadline, attemptTimeoutMs: http.attemptTimeoutMs, ...(request.abortSignal ? { abortSignal: request.abortSignal } : {}) },
    ));
  } catch (error) {
    throw transportFailure(error, request.tokenEndpoint);
  }
  try {
    return parseTokenResponse(response.status, response.bodyText, sentAt, request.tokenEndpoint, request.form);
  } catch (error) {
    throw withRetryAfter(error, response);
  }
}

/** A transport failure as the AuthenticationError a caller can act on (an abort stays an AbortError). */
export function transportFailure(error: unknown, endpoint: string, request = "Token request"): Error {
  if (!(error instanceof TransportError)) return error as Error;
  if (error.code === "ABORTED") return abortError();
  const what =
    error.code === "TIMEOUT"
      ? "request_timeout"
      : error.code === "INSECURE"
        ? "insecure_endpoint"
        : error.code === "PROXY_REFUSED"
          ? "proxy_refused"
          : "network_error";
  return new AuthenticationError(
    0,
    {
      error: what,
      errorDescription: `${request} to ${new URL(endpoint).origin} failed: ${error.message} Check network access to the authority host${PROXY_HINT}.`,
    },
    { cause: error },
  );
}

/**
 * Validates a token endpoint response. Never echoes a 2xx body: it may hold (part of) a token. `form`
 * is the request as sent: its scope for the hint of an invalid-scope error, its secrets (formSecrets)
 * to remove from an error body, where a server may echo what we sent.
 */
export function parseTokenResponse(
  status: number,
  bodyText: string,
  sentAt: number,
  endpoint: string,
  form: Readonly<Record<string, string>> = {},
): TokenEndpointResponse {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    body = undefined;
  }
  const origin = new URL(endpoint).origin;
  if (status < 200 || status >= 300) {
    if (typeof body === "object" && body !== null && typeof (body as Record<string, unknown>).error === "string") {
      const parsed = parseOAuthErrorBody(body as Record<string, unknown>);
      // Scrubbed before azid's hint is appended: a secret that happens to be one of its words ("wrong") can't mangle it.
      parsed.error = scrubServerText(parsed.error, formSecrets(form));
      parsed.errorDescription = scrubServerText(parsed.errorDescription, formSecrets(form));
      const hint = hintFor(parsed.errorCodes, form.scope);
      if (hint !== undefined) parsed.errorDescription = `${parsed.errorDescription}\nHint: ${hint}`;
      return throwError(status, parsed);
    }
    const excerpt = scrubServerText(bodyText, formSecrets(form)).slice(0, 200).replace(/\s+/g, " ");
    throw new AuthenticationError(
      status,
      status === 400
        ? excerpt
        : {
            error: "unexpected_response",
            errorDescription: `${origin} answered HTTP ${status} with a non-OAuth body${excerpt ? ` (starts: "${excerpt}")` : ""}. Is authorityHost pointing at Microsoft Entra ID?`,
          },
    );
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new AuthenticationError(status, {
      error: "invalid_response",
      errorDescription: `${origin} answered HTTP ${status} but the body is not a JSON object (${bodyText.length === 0 ? "empty" : `${bodyText.length} bytes, not valid JSON: truncated or not a token endpoint`}).`,
    });
  }
  const fields = body as Record<string, unknown>;
  const accessToken = fields.access_token;
  if (typeof accessToken !== "string" || accessToken.length === 0) {
    throw invalidField(status, origin, "access_token", "a non-empty string");
  }
  const expiry = tokenExpiry({ expiresOn: fields.expires_on, expiresIn: fields.expires_in, refreshIn: fields.refresh_in }, sentAt);
  if ("problem" in expiry) {
    throw new AuthenticationError(status, {
      error: "invalid_response",
      errorDescription: `The token response from ${origin} is malformed: ${expiry.problem}.`,
    });
  }
  const result: TokenEndpointResponse = {
    accessToken,
    expiresOnTimestamp: expiry.expiresOnTimestamp,
    tokenType: String(fields.token_type ?? "Bearer").toLowerCase() === "pop" ? "pop" : "Bearer",
  };
  if (expiry.refreshAfterTimestamp !== undefined) result.refreshAfterTimestamp = expiry.refreshAfterTimestamp;
  for (const [field, key] of [
    ["refresh_token", "refreshToken"],
    ["id_token", "idToken"],
    ["client_info", "clientInfo"],
    ["scope", "scope"],
  ] as const) {
    const value = fields[field];
    if (value === undefined) continue;
    if (typeof value !== "string") throw invalidField(status, origin, field, "a string");
    result[key] = value;
  }
  return result;
}

function throwError(status: number, parsed: ReturnType<typeof parseOAuthErrorBody>): never {
  throw new AuthenticationError(status, parsed);
}

function invalidField(status: number, origin: string, field: string, expected: string): AuthenticationError {
  return new AuthenticationError(status, {
    error: "invalid_response",
    errorDescription: `The token response from ${origin} is malformed: '${field}' must be ${expected}.`,
  });
}
