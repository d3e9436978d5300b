// Parsing what managed identity hosts answer. Success bodies differ by host and API version:
//   expires_on: epoch seconds as a number (Service Fabric) or a string (IMDS, App Service), an ISO-8601
//               date, or the App Service 2017 form "11/21/2030 10:00:00 +00:00" (also "... 9:27:38 PM +00:00");
//   expires_in: seconds, number or string (IMDS, Arc, Cloud Shell);
//   refresh_in: seconds, when the host suggests an earlier refresh.
// expires_on wins when it lies in the future (it is what msal uses); expires_in rescues a skewed clock.
// Half-life refresh for long-lived tokens is the cache's job (cache/tokenCache.ts refreshSchedule).
// Error bodies: {"error","error_description"} (IMDS, Arc), {"error":{"code","message","correlationId"}}
// (Service Fabric), {"statusCode","message","correlationId"} (App Service).
// A 2xx body is never echoed: it may hold a token.
import { AuthenticationError } from "../../core/errors.js";
import { scrubSecrets } from "../../core/logger.js";
import type { AccessToken } from "../../core/types.js";

const MAX_LIFETIME_MS = 400 * 24 * 3600_000;

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
  const expiresOn = fields.expires_on === undefined ? undefined : parseExpiresOn(fields.expires_on);
  if (expiresOn === null) throw invalid(context, "'expires_on' must be epoch seconds (number or digits) or a date with a time zone");
  const expiresIn = optionalSeconds(fields, "expires_in", context);
  const refreshIn = optionalSeconds(fields, "refresh_in", context);

  let expiresOnTimestamp: number;
  if (expiresOn !== undefined && expiresOn > sentAt) expiresOnTimestamp = expiresOn;
  else if (expiresIn !== undefined && expiresIn > 0) expiresOnTimestamp = sentAt + expiresIn * 1000;
  else if (expiresOn !== undefined)
    throw invalid(context, `the token is already expired ('expires_on' is ${new Date(expiresOn).toISOString()}; is the clock right?)`);
  else throw invalid(context, "neither 'expires_on' nor 'expires_in' is present");
  if (expiresOnTimestamp - sentAt > MAX_LIFETIME_MS) throw invalid(context, "the expiry is implausibly far away (milliseconds sent as seconds?)");

  const token: AccessToken = { token: accessToken, expiresOnTimestamp, tokenType: "Bearer" };
  if (refreshIn !== undefined && refreshIn > 0) token.refreshAfterTimestamp = sentAt + refreshIn * 1000;
  return token;
}

/** Milliseconds since the epoch; undefined never; null when the value is not a supported form. */
export function parseExpiresOn(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? value * 1000 : null;
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  // ISO 8601 with an explicit zone: "2030-11-21T10:00:00Z", "2030-11-21T10:00:00.000+01:00".
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text)) {
    const ms = Date.parse(text.replace(" ", "T"));
    return Number.isNaN(ms) ? null : ms;
  }
  // App Service 2017-09-01: "11/21/2030 10:00:00 +00:00" or "6/20/2019 9:27:38 PM +00:00" (month first).
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?: ?([AP]M))? ([+-])(\d{2}):?(\d{2})$/i.exec(text);
  if (us === null) return null;
  const [, month, day, year, hour, minute, second, meridiem, sign, offsetHours, offsetMinutes] = us;
  let h = Number(hour);
  if (meridiem !== undefined) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (meridiem.toUpperCase() === "PM" ? 12 : 0);
  }
  const [mo, d, mi, s] = [Number(month), Number(day), Number(minute), Number(second)];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const offset = (sign === "-" ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  return Date.UTC(Number(year), mo - 1, d, h, mi, s) - offset;
}

function optionalSeconds(fields: Record<string, unknown>, name: string, context: string): number | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  throw invalid(context, `'${name}' must be a number of seconds`);
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
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("[REDACTED]");
  return scrubSecrets(out);
}
