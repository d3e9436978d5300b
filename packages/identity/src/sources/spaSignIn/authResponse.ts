// The answer /authorize sends back to a single-page app: `#code=…&state=…` (response_mode=fragment,
// so the app's web server never sees the code) or `#error=…&error_description=…&state=…`. It is
// checked against the sign-in this page started (`state`, RFC 6749 10.12) before the code is used,
// and always removed from the address bar once read, whatever the outcome.
import { AuthenticationError } from "../../core/errors.js";

/** A URL's fragment or query as fields, when they are an authorization response (state, and a code or an error). */
function responseFields(part: string): URLSearchParams | undefined {
  const fields = new URLSearchParams(part.slice(1));
  return fields.has("state") && (fields.has("code") || fields.has("error")) ? fields : undefined;
}

/** The OAuth fields of a redirect URL (fragment first, then query), when it carries an authorization response. */
export function readAuthResponse(url: string): URLSearchParams | undefined {
  const parsed = new URL(url);
  return responseFields(parsed.hash) ?? responseFields(parsed.search);
}

/** The same URL without the authorization response (code, state, session data, errors). */
export function withoutAuthResponse(url: string): string {
  const parsed = new URL(url);
  for (const key of ["hash", "search"] as const) {
    const fields = responseFields(parsed[key]);
    if (fields === undefined) continue;
    for (const name of ["code", "state", "session_state", "client_info", "error", "error_description", "error_uri", "error_codes", "suberror"]) {
      fields.delete(name);
    }
    const rest = fields.toString();
    parsed[key] = rest === "" ? "" : `${key === "hash" ? "#" : "?"}${rest}`;
  }
  return parsed.href;
}

/** The code, once `state` proved the response belongs to the sign-in this page started; else a typed error saying what to do. */
export function codeFromAuthResponse(fields: URLSearchParams, expectedState: string | undefined): string {
  const state = fields.get("state");
  if (expectedState === undefined || state !== expectedState) {
    throw new AuthenticationError(0, {
      error: "state_mismatch",
      errorDescription:
        "InteractiveBrowserCredential: discarded a sign-in response whose state matches no sign-in this tab started (another attempt, a link or bookmark, or cleared sessionStorage). Sign in again, from one tab at a time.",
    });
  }
  const error = fields.get("error");
  if (error !== null) {
    const description = fields.get("error_description") ?? "";
    const codes = fields.get("error_codes");
    const hint =
      error === "access_denied"
        ? "The user cancelled the sign-in or declined consent; call getToken() or authenticate() again to retry."
        : "Check the app registration (client id, spa redirect URI, tenant) named in the description, then sign in again.";
    throw new AuthenticationError(400, {
      error,
      errorDescription: `${description}${description === "" ? "" : "\n"}Hint: ${hint}`,
      ...(codes === null ? {} : { errorCodes: codes.split(",").map(Number) }),
    });
  }
  const code = fields.get("code");
  if (code === null || code === "") {
    throw new AuthenticationError(0, { error: "invalid_response", errorDescription: "InteractiveBrowserCredential: the sign-in response carried no code." });
  }
  return code;
}
