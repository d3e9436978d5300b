// Workload identity (AKS and any Kubernetes with a federated service-account issuer): exchanges the
// projected service-account token in AZURE_FEDERATED_TOKEN_FILE for an Entra token of the app whose
// federated credential trusts it. The file is re-read for every exchange, so rotation just works.
import type { TokenProvider } from "../core/cache/tokenProvider.js";
import { createConfidentialClientProvider } from "../providers/confidentialClient.js";
import { CredentialUnavailableError } from "../core/errors.js";
import { readFederatedTokenFile } from "../sources/federation/tokenFile.js";
import { credentialLogger } from "../core/logger.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { AuthorityValidationOptions, MultiTenantTokenCredentialOptions } from "../core/options.js";

export interface WorkloadIdentityCredentialOptions extends MultiTenantTokenCredentialOptions, AuthorityValidationOptions {
  /** Default: AZURE_TENANT_ID. */
  tenantId?: string;
  /** Default: AZURE_CLIENT_ID. */
  clientId?: string;
  /** Default: AZURE_FEDERATED_TOKEN_FILE. */
  tokenFilePath?: string;
}

const NAME = "WorkloadIdentityCredential";

export class WorkloadIdentityCredential implements TokenCredential {
  readonly #provider: TokenProvider;

  constructor(options?: WorkloadIdentityCredentialOptions) {
    const tenantId = options?.tenantId ?? nonEmpty(process.env.AZURE_TENANT_ID);
    const clientId = options?.clientId ?? nonEmpty(process.env.AZURE_CLIENT_ID);
    const tokenFilePath = options?.tokenFilePath ?? nonEmpty(process.env.AZURE_FEDERATED_TOKEN_FILE);
    const missing = [
      tenantId ? undefined : "tenantId (or AZURE_TENANT_ID)",
      clientId ? undefined : "clientId (or AZURE_CLIENT_ID)",
      tokenFilePath ? undefined : "tokenFilePath (or AZURE_FEDERATED_TOKEN_FILE)",
    ].filter((m) => m !== undefined);
    if (missing.length > 0) {
      throw new CredentialUnavailableError(
        `${NAME} is unavailable. Missing: ${missing.join(", ")}. On AKS these are injected by the workload identity webhook. See https://aka.ms/azsdk/js/identity/workloadidentitycredential/troubleshoot.`,
      );
    }
    credentialLogger(NAME).info(`Using tenant ${tenantId}, client ${clientId} and the token file [REDACTED path].`);
    this.#provider = createConfidentialClientProvider({
      credentialName: NAME,
      tenantId: tenantId!,
      clientId: clientId!,
      authentication: { kind: "assertion", getAssertion: async () => readFederatedTokenFile(tokenFilePath!, NAME) },
      fingerprint: `workload:${tokenFilePath}`,
      options,
    });
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.#provider.getToken(scopes, options);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
