// An app registration authenticating with a client secret (client credentials grant).
import type { TokenProvider } from "../core/cache/tokenProvider.js";
import { createConfidentialClientProvider, requireString } from "../providers/confidentialClient.js";
import { fingerprintOf, secretAuthentication } from "../sources/entra/clientAuthentication.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { AuthorityValidationOptions, CredentialPersistenceOptions, MultiTenantTokenCredentialOptions } from "../core/options.js";
import { closeParts } from "../core/closable.js";
import type { RegionalAuthorityOptions } from "../sources/entra/regionalAuthority.js";

/** Options of {@link ClientSecretCredential}. */
export interface ClientSecretCredentialOptions
  extends MultiTenantTokenCredentialOptions, CredentialPersistenceOptions, AuthorityValidationOptions, RegionalAuthorityOptions {}

/**
 * An app registration (service principal) signing in with a client secret: the OAuth 2.0 client
 * credentials grant against Microsoft Entra ID. Tokens are cached in memory and refreshed ahead of
 * expiry; concurrent `getToken` calls for the same scopes share one request.
 *
 * Throws `TypeError` for an empty argument; `getToken` rejects with {@link AuthenticationError}
 * when Entra refuses (a wrong or expired secret: docs/troubleshooting.md#clientsecretcredential).
 *
 * @example
 * ```ts
 * import { ClientSecretCredential } from "@azid/identity";
 * const credential = new ClientSecretCredential(process.env.AZURE_TENANT_ID!, process.env.AZURE_CLIENT_ID!, process.env.AZURE_CLIENT_SECRET!);
 * const { token } = await credential.getToken("https://graph.microsoft.com/.default");
 * ```
 */
export class ClientSecretCredential implements TokenCredential {
  readonly #provider: TokenProvider;

  constructor(tenantId: string, clientId: string, clientSecret: string, options?: ClientSecretCredentialOptions) {
    const name = "ClientSecretCredential";
    requireString(tenantId, name, "tenantId");
    requireString(clientId, name, "clientId");
    requireString(clientSecret, name, "clientSecret");
    this.#provider = createConfidentialClientProvider({
      credentialName: name,
      tenantId,
      clientId,
      authentication: secretAuthentication(clientSecret),
      fingerprint: fingerprintOf(clientSecret),
      options,
    });
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.#provider.getToken(scopes, options);
  }

  /** Stops this credential and releases what it holds (azid extension); getToken then rejects with CredentialClosedError. */
  close(): Promise<void> {
    return closeParts(this.#provider);
  }

  /** `await using credential = new ...` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
