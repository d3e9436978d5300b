// The client-credentials grant shared by ClientSecretCredential, ClientCertificateCredential and
// ClientAssertionCredential (and later workload identity and Azure Pipelines): one TokenProvider
// whose cache partition is the authority, the client id and a fingerprint of the client credential.
import { TokenProvider } from "../core/cache/tokenProvider.js";
import { fleetCache } from "../core/cache/fleetCache.js";
import { tokenDetailsLogger } from "../core/accountLogging.js";
import { createHttpContext } from "../core/http/context.js";
import { credentialLogger } from "../core/logger.js";
import { checkTenantId, resolveAdditionallyAllowedTenants } from "../core/tenants.js";
import type { AuthorityValidationOptions, MultiTenantTokenCredentialOptions } from "../core/options.js";
import { resolveAuthorityHost } from "../sources/entra/authority.js";
import { buildClaims } from "../sources/entra/claims.js";
import type { ClientAuthentication } from "../sources/entra/clientAuthentication.js";
import { createGrantSource } from "../sources/entra/grantSource.js";
import { regionalEndpointRewriter, resolveRegionalAuthority } from "../sources/entra/regionalAuthority.js";
import { resolvePersistence } from "../core/persistenceOptions.js";
import { PersistentTokenCache, withPersistentAppTokens } from "./lazyPersistence.js";

export interface ConfidentialClientSettings {
  credentialName: string;
  tenantId: string;
  clientId: string;
  authentication: ClientAuthentication;
  /** Distinguishes credentials with the same client id (hash of the secret, certificate thumbprint...). */
  fingerprint: string;
  options: (MultiTenantTokenCredentialOptions & AuthorityValidationOptions & { regionalAuthority?: string }) | undefined;
  /**
   * Share tokens through a plugin's fleet cache (default true). Only when `fingerprint` is the same for
   * the same credential in every process: a process-local fingerprint would let one process's tokens
   * answer for another's unproven credential.
   */
  fleetShareable?: boolean;
}

export function requireString(value: unknown, credentialName: string, parameter: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new TypeError(
      `${credentialName}: ${parameter} is a required parameter and must be a non-empty string (received ${value === "" ? "an empty string" : typeof value}).`,
    );
  }
  return value;
}

export function createConfidentialClientProvider(settings: ConfidentialClientSettings): TokenProvider {
  const { credentialName, tenantId, clientId, authentication, options } = settings;
  checkTenantId(tenantId);
  const authorityHost = resolveAuthorityHost(options?.authorityHost);
  const http = createHttpContext(options);
  const region = resolveRegionalAuthority(credentialName, options?.regionalAuthority);
  const grantSource = createGrantSource({
    ...(region !== undefined ? { regionalEndpoint: regionalEndpointRewriter(region, http, credentialLogger(credentialName)) } : {}),
    authorityHost,
    disableInstanceDiscovery: options?.disableInstanceDiscovery === true,
    http,
    async buildForm(request, tokenEndpoint) {
      const form: Record<string, string> = { client_id: clientId, scope: request.scopes.join(" "), grant_type: "client_credentials" };
      await authentication(form, tokenEndpoint);
      return form;
    },
  });
  // tokenCachePersistenceOptions: the app's tokens outlive the process (and are shared with other processes of the app).
  const persistence = resolvePersistence(options, credentialName);
  const persistentCache = persistence === undefined ? undefined : new PersistentTokenCache(persistence, credentialLogger(credentialName));
  const source =
    persistentCache === undefined
      ? grantSource
      : withPersistentAppTokens(grantSource, {
          cache: persistentCache,
          environment: new URL(authorityHost).host,
          clientId,
          tenantId,
          unchallengedClaims: (enableCae) => buildClaims(undefined, enableCae),
        });
  return new TokenProvider({
    partition: `cc\u0000${authorityHost}\u0000${clientId}\u0000${settings.fingerprint}`,
    tenantId,
    additionallyAllowedTenants: resolveAdditionallyAllowedTenants(options?.additionallyAllowedTenants),
    source,
    logger: credentialLogger(credentialName),
    buildClaims,
    onClose: () => {
      http.release();
      return persistentCache?.close();
    },
    ...(settings.fleetShareable !== false ? { fleet: fleetCache() } : {}),
    onToken: tokenDetailsLogger(credentialLogger(credentialName), options?.loggingOptions),
  });
}
