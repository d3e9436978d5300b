// Turning a tool's stderr into text fit for an error message: colour codes removed, anything
// token-shaped redacted (a JWT, or the value of an accessToken / token / Token field: Python's
// `sanitize_output` does the same), and bounded in length.
import { CredentialUnavailableError } from "../../core/errors.js";
import { scrubSecrets } from "../../core/logger.js";
import { expiryProblem } from "../../core/expiry.js";

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
// Only JSON-shaped fields: prose such as "fetching token: AADSTS50076" must survive.
const TOKEN_FIELD = /("(?:accessToken|access_token|token|Token|refresh_token)"\s*:\s*")[^"]*/g;
const MAX_MESSAGE = 2_000;

export function cleanToolText(text: string): string {
  const clean = scrubSecrets(text.replace(ANSI, "").replace(TOKEN_FIELD, "$1****")).replace(/\r\n?/g, "\n").trim();
  return clean.length > MAX_MESSAGE ? `${clean.slice(0, MAX_MESSAGE)}… (${clean.length - MAX_MESSAGE} more characters)` : clean;
}

/** The AADSTS codes mentioned in a tool's output (`AADSTS50076` → 50076), in order. */
export function aadstsCodes(text: string): number[] {
  return [...new Set([...text.matchAll(/AADSTS(\d{4,9})/g)].map((m) => Number(m[1])))];
}

/** The first line of `text` that mentions an AADSTS code, trimmed of a leading "ERROR: ". */
export function aadstsLine(text: string): string | undefined {
  const line = text.split("\n").find((l) => /AADSTS\d+/.test(l));
  return line?.replace(/^\s*ERROR:\s*/, "").trim();
}

/** An access token must be non-empty printable ASCII without spaces: it goes into an Authorization header. */
export function checkAccessToken(token: string, tool: string): string {
  if (!/^[!-~]+$/.test(token)) throw new CredentialUnavailableError(`${tool} returned an empty or malformed access token.`);
  return token;
}

/** The one expiry rule (core/expiry.ts) for a tool's token: a tool that prints an absurd time is not believed. */
export function checkToolExpiry(expiresOnTimestamp: number, tool: string, now = Date.now()): number {
  const problem = expiryProblem(expiresOnTimestamp, now);
  if (problem !== undefined) throw new CredentialUnavailableError(`${tool} returned a token whose expiry can't be used: ${problem}.`);
  return expiresOnTimestamp;
}
