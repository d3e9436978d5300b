// The browser build's accountLogging.ts (scripts/webBuild.mjs picks it). A page holds its tokens and
// can read their claims itself, and @azure/identity's browser InteractiveBrowserCredential ignores
// allowLoggingAccountIdentifiers, so the browser bundle leaves the claim-logging code out. A
// credential given either flag says so in the log, where the lines would have appeared.
import type { CredentialLogger } from "./logger.js";
import type { LoggingOptions } from "./options.js";
import type { AccessToken } from "./types.js";

export function tokenDetailsLogger(logger: CredentialLogger, options: LoggingOptions | undefined): ((token: AccessToken) => void) | undefined {
  if (options?.allowLoggingAccountIdentifiers === true || options?.enableUnsafeSupportLogging === true) {
    logger.warning("loggingOptions: the browser build logs no account identifiers or token details; read the token's claims in the page instead.");
  }
  return undefined;
}
