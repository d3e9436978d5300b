// Resource owner password credentials (ROPC): a user's name and password sent to Entra ID.
// Deprecated upstream because it cannot do multi-factor authentication; kept for compatibility
// and for EnvironmentCredential's AZURE_USERNAME/AZURE_PASSWORD mode. The password grant is this
// credential's "sign-in" step of the shared user machinery, so later tokens (another scope, an
// expired one) come from the refresh token without sending the password again.
import type { AuthenticationRecord } from "../sources/entra/authenticationRecord.js";
import { requireString } from "../providers/confidentialClient.js";
import { DeferredUserTokenClient } from "./userTokenClientLoader.js";
import { AuthenticationError } from "../core/errors.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { AuthorityValidationOptions, CredentialPersistenceOptions, MultiTenantTokenCredentialOptions } from "../core/options.js";
import { closeParts } from "../core/closable.js";

/** Options of {@link UsernamePasswordCredential}. */
export interface UsernamePasswordCredentialOptions extends MultiTenantTokenCredentialOptions, CredentialPersistenceOptions, AuthorityValidationOptions {}

const GRANT_TIMEOUT_MS = 60_000;
const MFA_CODES = new Set([50076, 50079, 50158]);

/**
 * A user signing in with a username and password (the resource owner password credentials grant).
 * It fails for accounts that must use multi-factor authentication (AADSTS50076).
 *
 * @deprecated The username/password flow cannot satisfy multi-factor authentication. Use
 * InteractiveBrowserCredential or DeviceCodeCredential for users, or a service principal.
 */
export class UsernamePasswordCredential implements TokenCredential {
  readonly #client: DeferredUserTokenClient;

  constructor(tenantId: string, clientId: string, username: string, password: string, options?: UsernamePasswordCredentialOptions) {
    const name = "UsernamePasswordCredential";
    requireString(tenantId, name, "tenantId");
    requireString(clientId, name, "clientId");
    requireString(username, name, "username");
    requireString(password, name, "password");
    this.#client = new DeferredUserTokenClient({
      credentialName: name,
      clientId,
      tenantId,
      options,
      interact: async (request, grants) => {
        try {
          const response = await grants.redeem(
            { grant_type: "password", username, password },
            {
              tenantId: request.tenantId,
              scopes: request.scopes,
              claims: request.claims,
              deadline: Date.now() + Math.min(GRANT_TIMEOUT_MS, request.timeoutMs ?? GRANT_TIMEOUT_MS),
              abortSignal: request.abortSignal,
              headers: { "x-anchormailbox": `UPN:${username}` },
            },
          );
          return { response };
        } catch (error) {
          throw explainMfa(error);
        }
      },
    });
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.#client.getToken(scopes, options);
  }

  /** Runs the password grant (never silent) and returns the signed-in account. */
  authenticate(scopes: string | string[], options?: GetTokenOptions): Promise<AuthenticationRecord | undefined> {
    return this.#client.authenticate(scopes, options);
  }

  /** Stops this credential and releases what it holds (azid extension); getToken then rejects with CredentialClosedError. */
  close(): Promise<void> {
    return closeParts(this.#client);
  }

  /** `await using credential = new ...` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** AADSTS50076/50079: the account needs MFA, which ROPC cannot do. The hint says what to use instead. */
function explainMfa(error: unknown): unknown {
  if (!(error instanceof AuthenticationError) || !error.errorResponse.errorCodes?.some((code) => MFA_CODES.has(code))) return error;
  if (/DeviceCodeCredential/.test(error.errorResponse.errorDescription)) return error; // the shared hint already says it
  return new AuthenticationError(
    error.statusCode,
    {
      ...error.errorResponse,
      errorDescription: `${error.errorResponse.errorDescription}\nHint: this account must complete multi-factor authentication, which the username/password flow cannot do. Use InteractiveBrowserCredential or DeviceCodeCredential for users, or a service principal for unattended apps.`,
    },
    { cause: error },
  );
}
