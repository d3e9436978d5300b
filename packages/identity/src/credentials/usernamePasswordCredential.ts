// Resource owner password credentials (ROPC): a user's name and password sent to Entra ID.
// Deprecated upstream because it cannot do multi-factor authentication; kept for compatibility
// and for EnvironmentCredential's AZURE_USERNAME/AZURE_PASSWORD mode.
import { TokenProvider } from "../cache/tokenProvider.js";
import { resolveAuthorityHost } from "../entra/authority.js";
import { buildClaims } from "../entra/claims.js";
import { fingerprintOf, requireString } from "../entra/confidentialClient.js";
import { createGrantSource } from "../entra/grantSource.js";
import { createHttpContext } from "../http/context.js";
import { credentialLogger } from "../logger.js";
import { checkTenantId, resolveAdditionallyAllowedTenants } from "../tenants.js";
import type { AccessToken, AuthorityValidationOptions, CredentialPersistenceOptions, GetTokenOptions, MultiTenantTokenCredentialOptions, TokenCredential } from "../types.js";

export interface UsernamePasswordCredentialOptions extends MultiTenantTokenCredentialOptions, CredentialPersistenceOptions, AuthorityValidationOptions {}

const OIDC_SCOPES = ["openid", "profile", "offline_access"];

/**
 * @deprecated The username/password flow cannot satisfy multi-factor authentication. Use
 * InteractiveBrowserCredential or DeviceCodeCredential for users, or a service principal.
 */
export class UsernamePasswordCredential implements TokenCredential {
  readonly #provider: TokenProvider;

  constructor(tenantId: string, clientId: string, username: string, password: string, options?: UsernamePasswordCredentialOptions) {
    const name = "UsernamePasswordCredential";
    requireString(tenantId, name, "tenantId");
    requireString(clientId, name, "clientId");
    requireString(username, name, "username");
    requireString(password, name, "password");
    checkTenantId(tenantId);
    const authorityHost = resolveAuthorityHost(options?.authorityHost);
    const source = createGrantSource({
      authorityHost,
      disableInstanceDiscovery: options?.disableInstanceDiscovery === true,
      http: createHttpContext(options),
      buildForm: (request) => ({
        client_id: clientId,
        username,
        password,
        scope: [...request.scopes, ...OIDC_SCOPES.filter((s) => !request.scopes.includes(s))].join(" "),
        grant_type: "password",
        client_info: "1",
      }),
      headers: () => ({ "x-anchormailbox": `UPN:${username}` }),
    });
    this.#provider = new TokenProvider({
      partition: `ropc\u0000${authorityHost}\u0000${clientId}\u0000${username.toLowerCase()}\u0000${fingerprintOf(password)}`,
      tenantId,
      additionallyAllowedTenants: resolveAdditionallyAllowedTenants(options?.additionallyAllowedTenants),
      source,
      logger: credentialLogger(name),
      buildClaims,
    });
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.#provider.getToken(scopes, options);
  }
}
