// Text we don't control (a server's error_description, a redirect's error text) goes into error
// messages, stacks and JSON.stringify(error). A hostile or buggy server may echo what we sent (the
// client secret, an assertion) or put a token in it, so it is scrubbed before it is stored: the
// credential's own secrets by value, anything token-shaped (JWTs, `secret=` fields, long base64
// runs), control characters, and the length.
import { scrubSecrets } from "./logger.js";

const MAX_SERVER_TEXT = 4_000;
/** Runs long enough to be a key, a token or an opaque secret; paths and prose are told apart in isOpaque. */
const LONG_RUN = /[A-Za-z0-9+/_-]{40,}={0,2}/g;
// Keeps \n and \t (Entra's descriptions are multi-line); drops the rest of C0/C1 and bidi overrides.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const MIN_SECRET_LENGTH = 4;

export const REDACTED_SECRET = "[REDACTED]";

/** `text` with `secrets` (by value) and every token-shaped run removed, bounded to a few KB. */
export function scrubServerText(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.length > MAX_SERVER_TEXT * 2 ? text.slice(0, MAX_SERVER_TEXT * 2) : text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join(REDACTED_SECRET);
    // A server may echo a form value URL-encoded.
    const encoded = secret === undefined ? undefined : encodeURIComponent(secret);
    if (encoded !== undefined && encoded !== secret && encoded.length >= MIN_SECRET_LENGTH) out = out.split(encoded).join(REDACTED_SECRET);
  }
  out = scrubSecrets(out)
    .replace(LONG_RUN, (run) => (isOpaque(run) ? "[REDACTED-TOKEN]" : run))
    .replace(CONTROL, "");
  return out.length > MAX_SERVER_TEXT ? `${out.slice(0, MAX_SERVER_TEXT)}… (truncated)` : out;
}

/** Random base64 mixes cases and digits and has few slashes; a file path or a word run does not. */
function isOpaque(run: string): boolean {
  if (!/[0-9]/.test(run) || !/[A-Z]/.test(run) || !/[a-z]/.test(run)) return false;
  const slashes = run.split("/").length - 1;
  return slashes * 16 <= run.length;
}

/** The values of form fields that are secrets, for scrubServerText. */
export function formSecrets(form: Readonly<Record<string, string | undefined>>): string[] {
  const names = ["client_secret", "client_assertion", "assertion", "password", "refresh_token", "code", "code_verifier", "device_code"];
  return names.map((name) => form[name]).filter((value): value is string => typeof value === "string" && value.length > 0);
}
