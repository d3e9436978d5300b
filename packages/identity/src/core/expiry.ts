// The one reading of a token's expiry, for every source: Entra's token endpoint, every managed
// identity host, the developer tools and the MSAL cache file. Servers and tools send expiry in many
// forms (seconds as numbers or strings, epoch seconds, ISO dates; managed identity adds App Service's
// US dates, sources/managedIdentity/appServiceDate.ts); a value
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
 * epoch seconds (number or digits) or an ISO 8601 date with a zone; other date forms only through
 * `parseOtherDate` (managed identity passes App Service 2017's US dates, appServiceDate.ts, so the
 * token endpoint's path, and a browser page, carry no date parser they never need).
 */
export function parseExpiresOn(value: unknown, parseOtherDate?: (text: string) => number | null): number | null {
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? value * 1000 : null;
  if (typeof value !== "string" || value.length > 64) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  // ISO 8601 with an explicit zone: "2030-11-21T10:00:00Z", "2030-11-21T10:00:00.000+01:00".
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text)) {
    const ms = Date.parse(text.replace(" ", "T"));
    return Number.isNaN(ms) ? null : ms;
  }
  return parseOtherDate?.(text) ?? null;
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
export function tokenExpiry(
  fields: { expiresOn?: unknown; expiresIn?: unknown; refreshIn?: unknown },
  sentAt: number,
  parseOtherDate?: (text: string) => number | null,
): Expiry {
  const expiresOn = fields.expiresOn === undefined || fields.expiresOn === null ? undefined : parseExpiresOn(fields.expiresOn, parseOtherDate);
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
