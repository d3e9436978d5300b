// loggingOptions.allowLoggingAccountIdentifiers and enableUnsafeSupportLogging, as @azure/identity has
// them. The first logs who a token was issued to (the same info line as @azure/identity's
// IdentityClient.logIdentifiers); the second adds the support detail MSAL's PII logging adds (the
// token's issuer, audience, permissions and lifetime). Both read the token's payload; neither ever
// logs the token, its signature or any secret.
import { decodeJwtPayload } from "./encoding.js";
import type { CredentialLogger } from "./logger.js";
import type { LoggingOptions } from "./options.js";
import type { AccessToken } from "./types.js";

/**
 * TokenProvider's onToken for a credential's loggingOptions, or undefined when neither flag is set.
 * The browser build has none of this (accountLogging.browser.ts).
 */
export function tokenDetailsLogger(logger: CredentialLogger, options: LoggingOptions | undefined): ((token: AccessToken) => void) | undefined {
  if (options?.allowLoggingAccountIdentifiers !== true && options?.enableUnsafeSupportLogging !== true) return undefined;
  return (token) => logTokenDetails(logger, token, options);
}

export function logTokenDetails(logger: CredentialLogger, token: AccessToken, options: LoggingOptions): void {
  if (options.allowLoggingAccountIdentifiers !== true && options.enableUnsafeSupportLogging !== true) return;
  const payload = decodeJwtPayload(token.token);
  if (payload === undefined) {
    logger.warning("allowLoggingAccountIdentifiers was set, but the access token is not a JWT, so the account information can't be logged.");
    return;
  }
  if (options.allowLoggingAccountIdentifiers === true) {
    const { appid, azp, upn, tid, oid } = payload;
    logger.info(
      `[Authenticated account] Client ID: ${String(appid ?? azp)}. Tenant ID: ${String(tid)}. ` +
        `User Principal Name: ${typeof upn === "string" && upn !== "" ? upn : "No User Principal Name available"}. Object ID (user): ${String(oid)}`,
    );
  }
  if (options.enableUnsafeSupportLogging === true) {
    const permissions = payload.scp ?? payload.roles;
    const expires = typeof payload.exp === "number" ? new Date(payload.exp * 1000).toISOString() : "unknown";
    logger.verbose(
      `[Support] token issuer: ${String(payload.iss)}, audience: ${String(payload.aud)}, permissions: ${Array.isArray(permissions) ? permissions.join(" ") : String(permissions)}, ` +
        `expires: ${expires}, identity type: ${String(payload.idtyp ?? (payload.scp !== undefined ? "user" : "app"))}, token type: ${token.tokenType ?? "Bearer"}.`,
    );
  }
}
