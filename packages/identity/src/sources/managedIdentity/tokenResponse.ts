// Parsing what managed identity hosts answer. Success bodies differ by host and API version:
//   expires_on: epoch seconds as a number (Service Fabric) or a string (IMDS, App Service), an ISO-8601
//               date, or the App Service 2017 form "11/21/2030 10:00:00 +00:00" (also "... 9:27:38 PM +00:00");
//   expires_in: seconds, number or string (IMDS, Arc, Cloud Shell);
//   refresh_in: seconds, when the host suggests an earlier refresh.
// One expiry rule for every source: core/expiry.ts.
// Half-life refresh for long-lived tokens is the cache's job (cache/tokenCache.ts refreshSchedule).
// Error bodies: {"error","error_description"} (IMDS, Arc), {"error":{"code","message","correlationId"}}
// (Service Fabric), {"statusCode","message","correlationId"} (App Service).
// A 2xx body is never echoed: it may hold a token.
import { AuthenticationError } from "../../core/errors.js";
import { redactValues } from "../../core/redact.js";
import { tokenExpiry } from "../../core/expiry.js";
import { parseAppServiceDate } from "./appServiceDate.js";
import type { AccessToken } from "../../core/types.js";

/** Validates a 2xx body field by field. `context` names the host, endpoint, identity and resource. */
export function parseManagedIdentityToken(bodyText: string, sentAt: number, context: string): AccessToken {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    body = undefined;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalid(context, `the body is not a JSON object (${bodyText.length === 0 ? "empty" : `${bodyText.length} bytes`})`);
  }
  const fields = body as Record<string, unknown>;
  const accessToken = fields.access_token;
  if (typeof accessToken !== "string" || accessToken.length === 0) throw invalid(context, "'access_token' must be a non-empty string");
  const tokenType = fields.token_type;
  if (tokenType !== undefined && (typeof tokenType !== "string" || tokenType.toLowerCase() !== "bearer")) {
    throw invalid(context, `'token_type' must be "Bearer"`);
  }
  const expiry = tokenExpiry({ expiresOn: fields.expires_on, expiresIn: fields.expires_in, refreshIn: fields.refresh_in }, sentAt, parseAppServiceDate);
  if ("problem" in expiry) throw invalid(context, expiry.problem);
  const token: AccessToken = { token: accessToken, expiresOnTimestamp: expiry.expiresOnTimestamp, tokenType: "Bearer" };
  if (expiry.refreshAfterTimestamp !== undefined) token.refreshAfterTimestamp = expiry.refreshAfterTimestamp;
  return token;
}

function invalid(context: string, problem: string): AuthenticationError {
  return new AuthenticationError(200, {
    error: "invalid_response",
    errorDescription: `ManagedIdentityCredential: the token response from ${context} is malformed: ${problem}. This is a problem with the host, not your code; retrying later may help.`,
  });
}

export interface HostErrorBody {
  code: string | undefined;
  message: string;
  correlationId: string | undefined;
}

/** Reads any of the hosts' error shapes; falls back to a short, scrubbed excerpt of the raw text. */
export function parseHostErrorBody(bodyText: string, secrets: readonly string[]): HostErrorBody {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    body = undefined;
  }
  const str = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v : undefined);
  let code: string | undefined;
  let message: string | undefined;
  let correlationId: string | undefined;
  if (typeof body === "object" && body !== null && !Array.isArray(body)) {
    const fields = body as Record<string, unknown>;
    const nested = typeof fields.error === "object" && fields.error !== null ? (fields.error as Record<string, unknown>) : undefined;
    code = str(fields.error) ?? str(nested?.code) ?? str(fields.code);
    message = str(fields.error_description) ?? str(nested?.message) ?? str(fields.message) ?? str(fields.Message);
    correlationId = str(fields.correlation_id) ?? str(fields.correlationId) ?? str(nested?.correlationId);
  }
  if (message === undefined && code === undefined) message = bodyText.slice(0, 300);
  return {
    code: code === undefined ? undefined : redact(code, secrets).slice(0, 100),
    message: redact(message ?? "", secrets)
      .replace(/\s+/g, " ")
      .slice(0, 500),
    correlationId: correlationId?.slice(0, 100),
  };
}

/** Removes the host's secrets and anything shaped like a token from text that goes into a message. */
export function redact(text: string, secrets: readonly string[]): string {
  return redactValues(text, secrets);
}
