// An app registration authenticating with a client secret (client credentials grant).
import type { TokenProvider } from "../core/cache/tokenProvider.js";
import { createConfidentialClientProvider, requireString } from "../providers/confidentialClient.js";
import { fingerprintOf } from "../sources/entra/clientAuthentication.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { AuthorityValidationOptions, CredentialPersistenceOptions, MultiTenantTokenCredentialOptions } from "../core/options.js";

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
