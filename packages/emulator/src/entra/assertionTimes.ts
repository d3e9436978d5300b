// Lifetime checks shared by certificate and federated assertions (protocols.md 2.2): `exp`
// required, `nbf` optional, both may be fractional NumericDates (MSAL Python sends floats).
import { numericDate } from "../tokens/jwt.js";
import { aadsts } from "./errors.js";

/** Tolerated clock difference between the client and the emulator. */
const CLOCK_SKEW_SECONDS = 60;

/** Returns `exp`; throws AADSTS700024 when the assertion is outside its valid time range. */
export function checkAssertionLifetime(payload: Record<string, unknown>): number {
  const now = Date.now() / 1000;
  const exp = numericDate(payload.exp);
  if (exp === undefined) throw aadsts.assertionInvalid("The assertion has no numeric 'exp' claim.");
  if (exp <= now) {
    throw aadsts.assertionExpired(`The assertion expired at ${isoSeconds(exp)}; current time is ${isoSeconds(now)}.`);
  }
  if (payload.nbf !== undefined) {
    const nbf = numericDate(payload.nbf);
    if (nbf === undefined) throw aadsts.assertionInvalid("The assertion's 'nbf' claim is not a number.");
    if (nbf > now + CLOCK_SKEW_SECONDS) {
      throw aadsts.assertionExpired(`The assertion is not valid before ${isoSeconds(nbf)}; current time is ${isoSeconds(now)}.`);
    }
  }
  return exp;
}

function isoSeconds(epochSeconds: number): string {
  return new Date(Math.floor(epochSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
