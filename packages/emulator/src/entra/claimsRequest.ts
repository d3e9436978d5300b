// The `claims` request parameter (protocols.md 1.9): clients opt in to Continuous Access
// Evaluation by asking for the `cp1` capability; everything else in it is tolerated and ignored.
import { aadsts } from "./errors.js";

/** True when `claims` asks for access_token.xms_cc containing "cp1" (case-insensitive, like Entra). */
export function requestsCaeCapability(claims: string | undefined): boolean {
  if (claims === undefined || claims === "") return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(claims);
  } catch {
    throw aadsts.invalidClaims();
  }
  if (!isObject(parsed)) throw aadsts.invalidClaims();
  const accessToken = parsed.access_token;
  const capabilities = isObject(accessToken) && isObject(accessToken.xms_cc) ? accessToken.xms_cc.values : undefined;
  return Array.isArray(capabilities) && capabilities.some((value) => typeof value === "string" && value.toLowerCase() === "cp1");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
