// Azure Pipelines with workload identity federation: a service connection's OIDC token, fetched with
// the job's System.AccessToken from SYSTEM_OIDCREQUESTURI, exchanged for an Entra token.
import type { TokenProvider } from "../core/cache/tokenProvider.js";
import { createConfidentialClientProvider, requireString } from "../providers/confidentialClient.js";
import { CredentialUnavailableError, troubleshoot } from "../core/errors.js";
import { requestPipelinesOidcToken } from "../sources/federation/azurePipelinesOidc.js";
import { createHttpContext } from "../core/http/context.js";
import { assertSecureUrl } from "../core/http/httpClient.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { AuthorityValidationOptions, CredentialPersistenceOptions, MultiTenantTokenCredentialOptions } from "../core/options.js";
import { closeParts } from "../core/closable.js";
import { assertionAuthentication } from "../sources/entra/clientAuthentication.js";

/** Options of {@link AzurePipelinesCredential}. */
export interface AzurePipelinesCredentialOptions extends MultiTenantTokenCredentialOptions, CredentialPersistenceOptions, AuthorityValidationOptions {}

const NAME = "AzurePipelinesCredential";

/**
 * An Azure Pipelines job authenticating as the app behind a workload identity service connection:
 * asks the pipeline's OIDC endpoint (`SYSTEM_OIDCREQUESTURI`) for a token and exchanges it with Entra.
 * The constructor throws {@link CredentialUnavailableError} outside a pipeline job
 * (docs/troubleshooting.md#azurepipelinescredential).
 *
 * @example
 * ```ts
 * const credential = new AzurePipelinesCredential(tenantId, clientId, serviceConnectionId, process.env.SYSTEM_ACCESSTOKEN!);
 * ```
 */
export class AzurePipelinesCredential implements TokenCredential {
  readonly #provider: TokenProvider;

  constructor(tenantId: string, clientId: string, serviceConnectionId: string, systemAccessToken: string, options?: AzurePipelinesCredentialOptions) {
    requireString(tenantId, NAME, "tenantId");
    requireString(clientId, NAME, "clientId");
    requireString(serviceConnectionId, NAME, "serviceConnectionId");
    requireString(systemAccessToken, NAME, "systemAccessToken");
    const oidcRequestUri = process.env.SYSTEM_OIDCREQUESTURI?.trim();
    if (!oidcRequestUri) {
      throw new CredentialUnavailableError(
        `${NAME} is unavailable: SYSTEM_OIDCREQUESTURI is not set. It is only set inside an Azure Pipelines job (AzureCLI@2 or a task using a workload identity service connection). ${troubleshoot("pipelines-unavailable")}`,
      );
    }
    let url: URL;
    try {
      url = new URL(oidcRequestUri);
    } catch {
      throw new RangeError(`${NAME}: SYSTEM_OIDCREQUESTURI is not a valid URL.`);
    }
    assertSecureUrl(url, "SYSTEM_OIDCREQUESTURI");
    const http = createHttpContext(options);
    this.#provider = createConfidentialClientProvider({
      credentialName: NAME,
      tenantId,
      clientId,
      authentication: assertionAuthentication(() =>
        requestPipelinesOidcToken({ oidcRequestUri, serviceConnectionId, systemAccessToken, http, deadline: Date.now() + 30_000 }),
      ),
      fingerprint: `pipelines:${serviceConnectionId}`,
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
