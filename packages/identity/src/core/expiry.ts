// The one reading of a token's expiry, for every source: Entra's token endpoint, every managed
// identity host, the developer tools and the MSAL cache file. Servers and tools send expiry in many
// forms (seconds as numbers or strings, epoch seconds, ISO dates, App Service's US dates); a value
// that is not finite, not in the future, or absurdly far away (1e308, milliseconds sent as seconds)
// is rejected the same way everywhere, so no path can cache a token forever.

/** Longer than any token Entra or a managed identity host issues (24 h at most today). */
export const MAX_TOKEN_LIFETIME_MS = 400 * 24 * 3600_000;

/** A count of seconds: a finite number, or decimal digits. null when present but not that. */
export function parseSeconds(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.length <= 32 && /^\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim());
  return null;
}

/**
 * An absolute expiry in milliseconds since the epoch, or null when `value` is not a supported form:
 * epoch seconds (number or digits), an ISO 8601 date with a zone, or App Service 2017's
 * "11/21/2030 10:00:00 +00:00" / "6/20/2019 9:27:38 PM +00:00" (month first).
 */
export function parseExpiresOn(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? value * 1000 : null;
  if (typeof value !== "string" || value.length > 64) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  // ISO 8601 with an explicit zone: "2030-11-21T10:00:00Z", "2030-11-21T10:00:00.000+01:00".
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text)) {
    const ms = Date.parse(text.replace(" ", "T"));
    return Number.isNaN(ms) ? null : ms;
  }
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

/** Why `expiresOnTimestamp` can't be used for a token received at `now`, or undefined when it can. */
export function expiryProblem(expiresOnTimestamp: number, now: number): string | undefined {
  if (!Number.isFinite(expiresOnTimestamp)) return "the expiry is not a finite time";
  if (expiresOnTimestamp <= now) return `the token is already expired (at ${new Date(expiresOnTimestamp).toISOString()}; is the clock right?)`;
  if (expiresOnTimestamp - now > MAX_TOKEN_LIFETIME_MS) return "the expiry is implausibly far away (more than 400 days: milliseconds sent as seconds?)";
  return undefined;
}

export type Expiry = { expiresOnTimestamp: number; refreshAfterTimestamp?: number } | { problem: string };

/**
 * Reads `expires_on` / `expires_in` / `refresh_in` as any source sends them. `expires_on` wins when it
 * lies in the future (what MSAL uses); `expires_in` rescues a skewed clock. Returns a problem (for the
 * caller's own typed error) when neither gives a usable time.
 */
export function tokenExpiry(fields: { expiresOn?: unknown; expiresIn?: unknown; refreshIn?: unknown }, sentAt: number): Expiry {
  const expiresOn = fields.expiresOn === undefined || fields.expiresOn === null ? undefined : parseExpiresOn(fields.expiresOn);
  const expiresIn = fields.expiresIn === undefined || fields.expiresIn === null ? undefined : parseSeconds(fields.expiresIn);
  if (expiresOn === null) return { problem: "'expires_on' must be epoch seconds (number or digits) or a date with a time zone" };
  if (expiresIn === null) return { problem: "'expires_in' must be a number of seconds" };
  let expiresOnTimestamp: number;
  if (expiresOn !== undefined && expiresOn > sentAt) expiresOnTimestamp = expiresOn;
  else if (expiresIn !== undefined && expiresIn > 0) expiresOnTimestamp = sentAt + expiresIn * 1000;
  else if (expiresOn !== undefined) expiresOnTimestamp = expiresOn;
  else if (expiresIn !== undefined) return { problem: `'expires_in' must be a positive number of seconds (got ${expiresIn})` };
  else return { problem: "neither 'expires_on' nor 'expires_in' is present" };
  const problem = expiryProblem(expiresOnTimestamp, sentAt);
  if (problem !== undefined) return { problem };
  const refreshIn = fields.refreshIn === undefined || fields.refreshIn === null ? undefined : parseSeconds(fields.refreshIn);
  if (refreshIn === null) return { problem: "'refresh_in' must be a number of seconds" };
  if (refreshIn !== undefined && refreshIn > 0 && sentAt + refreshIn * 1000 < expiresOnTimestamp) {
    return { expiresOnTimestamp, refreshAfterTimestamp: sentAt + refreshIn * 1000 };
  }
  return { expiresOnTimestamp };
}
