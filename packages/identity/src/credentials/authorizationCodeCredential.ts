// Redeems an authorization code the application obtained itself (a web app's redirect handler),
// once; afterwards tokens come from the cache and the refresh token. Public client, or
// confidential with a client secret.
import { AuthenticationRequiredError } from "../core/errors.js";
import { redeemAuthorizationCode } from "../sources/entra/authorizationCodeFlow.js";
import { requireString } from "../providers/confidentialClient.js";
import { fingerprintOf, secretAuthentication } from "../sources/entra/clientAuthentication.js";
import { DeferredUserTokenClient } from "./userTokenClientLoader.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { AuthorityValidationOptions, CredentialPersistenceOptions, MultiTenantTokenCredentialOptions } from "../core/options.js";
import { closeParts } from "../core/closable.js";

/** Options of {@link AuthorizationCodeCredential}. */
export interface AuthorizationCodeCredentialOptions extends MultiTenantTokenCredentialOptions, AuthorityValidationOptions, CredentialPersistenceOptions {}

const REDEEM_TIMEOUT_MS = 60_000;

/**
 * A user who signed in to your web app: redeems the authorization code your redirect handler
 * received (once), then refreshes silently. For web apps that run the authorization code flow
 * themselves; a code is single-use, so after its refresh token is gone `getToken` rejects with
 * {@link AuthenticationRequiredError} (docs/troubleshooting.md#auth-code-redeemed).
 *
 * @example
 * ```ts
 * const credential = new AuthorizationCodeCredential(tenantId, clientId, clientSecret, codeFromQuery, "https://app.example.com/callback");
 * ```
 */
export class AuthorizationCodeCredential implements TokenCredential {
  readonly #client: DeferredUserTokenClient;

  /** A confidential web app: the code is redeemed with the app's client secret. */
  constructor(
    tenantId: string | "common",
    clientId: string,
    clientSecret: string,
    authorizationCode: string,
    redirectUri: string,
    options?: AuthorizationCodeCredentialOptions,
  );
  /** A public client: the code is redeemed without a client credential. */
  constructor(tenantId: string | "common", clientId: string, authorizationCode: string, redirectUri: string, options?: AuthorizationCodeCredentialOptions);
  constructor(
    tenantId: string | "common",
    clientId: string,
    clientSecretOrAuthorizationCode: string,
    authorizationCodeOrRedirectUri: string,
    redirectUriOrOptions?: string | AuthorizationCodeCredentialOptions,
    maybeOptions?: AuthorizationCodeCredentialOptions,
  ) {
    const name = "AuthorizationCodeCredential";
    requireString(tenantId, name, "tenantId");
    requireString(clientId, name, "clientId");
    const confidential = typeof redirectUriOrOptions === "string";
    const clientSecret = confidential ? requireString(clientSecretOrAuthorizationCode, name, "clientSecret") : undefined;
    const code = requireString(confidential ? authorizationCodeOrRedirectUri : clientSecretOrAuthorizationCode, name, "authorizationCode");
    const redirectUri = requireString(confidential ? redirectUriOrOptions : authorizationCodeOrRedirectUri, name, "redirectUri");
    const options = confidential ? maybeOptions : (redirectUriOrOptions as AuthorizationCodeCredentialOptions | undefined);
    let redeemed = false;
    this.#client = new DeferredUserTokenClient({
      credentialName: name,
      clientId,
      tenantId,
      options,
      ...(clientSecret !== undefined ? { clientAuthentication: secretAuthentication(clientSecret), fingerprint: fingerprintOf(clientSecret) } : {}),
      interact: async (request, grants) => {
        // A code is single-use (AADSTS54005 on a second redemption): once spent, only the refresh token is left.
        if (redeemed) {
          throw new AuthenticationRequiredError({
            scopes: request.scopes,
            message: `${name}: the authorization code was already redeemed and no usable refresh token is left for these scopes. Obtain a new authorization code and create a new AuthorizationCodeCredential.`,
          });
        }
        redeemed = true;
        const response = await redeemAuthorizationCode(
          grants,
          { code, redirectUri },
          {
            tenantId: request.tenantId,
            scopes: request.scopes,
            claims: request.claims,
            deadline: Date.now() + Math.min(REDEEM_TIMEOUT_MS, request.timeoutMs ?? REDEEM_TIMEOUT_MS),
            abortSignal: request.abortSignal,
          },
        );
        return { response };
      },
    });
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.#client.getToken(scopes, options);
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
