// An app registration authenticating with a client secret (client credentials grant).
import type { TokenProvider } from "../cache/tokenProvider.js";
import { createConfidentialClientProvider, fingerprintOf, requireString } from "../entra/confidentialClient.js";
import type { AccessToken, AuthorityValidationOptions, CredentialPersistenceOptions, GetTokenOptions, MultiTenantTokenCredentialOptions, TokenCredential } from "../types.js";

export interface ClientSecretCredentialOptions extends MultiTenantTokenCredentialOptions, CredentialPersistenceOptions, AuthorityValidationOptions {}

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
      authentication: { kind: "secret", secret: clientSecret },
      fingerprint: fingerprintOf(clientSecret),
      options,
    });
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.#provider.getToken(scopes, options);
  }
}
