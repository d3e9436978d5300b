// Workload identity (AKS and any Kubernetes with a federated service-account issuer): exchanges the
// projected service-account token in AZURE_FEDERATED_TOKEN_FILE for an Entra token of the app whose
// federated credential trusts it. The file is re-read for every exchange, so rotation just works.
import type { TokenProvider } from "../core/cache/tokenProvider.js";
import { createConfidentialClientProvider } from "../providers/confidentialClient.js";
import { CredentialUnavailableError, troubleshoot } from "../core/errors.js";
import { checkTokenFilesReadable, readFederatedTokenFile } from "../sources/federation/tokenFile.js";
import { callGetAssertion } from "./clientAssertionCredential.js";
import { credentialLogger } from "../core/logger.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { AuthorityValidationOptions, MultiTenantTokenCredentialOptions } from "../core/options.js";
import { closeParts } from "../core/closable.js";
import { assertionAuthentication } from "../sources/entra/clientAuthentication.js";

/** Options of {@link WorkloadIdentityCredential}; each defaults to the variable the AKS workload identity webhook sets. */
export interface WorkloadIdentityCredentialOptions extends MultiTenantTokenCredentialOptions, AuthorityValidationOptions {
  /** Default: AZURE_TENANT_ID. */
  tenantId?: string;
  /** Default: AZURE_CLIENT_ID. */
  clientId?: string;
  /** Default: AZURE_FEDERATED_TOKEN_FILE. */
  tokenFilePath?: string;
  /**
   * azid extension: returns the federated token (e.g. an OIDC token your platform issues) instead of
   * reading `tokenFilePath`; called for every exchange. Where there are no files (browsers, workerd)
   * this is how workload identity federation works.
   */
  getAssertion?: () => Promise<string> | string;
}

let callbacks = 0;

const NAME = "WorkloadIdentityCredential";

/**
 * Kubernetes workload identity (AKS, or any cluster with federated credentials): exchanges the
 * service account token in `AZURE_FEDERATED_TOKEN_FILE` for an Entra token of the app in
 * `AZURE_CLIENT_ID` / `AZURE_TENANT_ID`. The file is re-read for every exchange, so rotated tokens
 * are picked up. Missing variables: `getToken` rejects with {@link CredentialUnavailableError}
 * (docs/troubleshooting.md#workloadidentitycredential).
 *
 * @example
 * ```ts
 * const credential = new WorkloadIdentityCredential(); // in a pod labelled azure.workload.identity/use: "true"
 * ```
 */
export class WorkloadIdentityCredential implements TokenCredential {
  readonly #provider: TokenProvider;

  constructor(options?: WorkloadIdentityCredentialOptions) {
    const tenantId = options?.tenantId ?? nonEmpty(process.env.AZURE_TENANT_ID);
    const clientId = options?.clientId ?? nonEmpty(process.env.AZURE_CLIENT_ID);
    const getAssertion = options?.getAssertion;
    if (getAssertion !== undefined && typeof getAssertion !== "function")
      throw new TypeError(`${NAME}: getAssertion must be a function returning the federated token.`);
    const tokenFilePath = getAssertion !== undefined ? undefined : (options?.tokenFilePath ?? nonEmpty(process.env.AZURE_FEDERATED_TOKEN_FILE));
    const missing = [
      tenantId ? undefined : "tenantId (or AZURE_TENANT_ID)",
      clientId ? undefined : "clientId (or AZURE_CLIENT_ID)",
      tokenFilePath || getAssertion ? undefined : "tokenFilePath (or AZURE_FEDERATED_TOKEN_FILE) or getAssertion",
    ].filter((m) => m !== undefined);
    if (missing.length > 0) {
      throw new CredentialUnavailableError(
        `${NAME} is unavailable. Missing: ${missing.join(", ")}. On AKS these are injected by the workload identity webhook. ${troubleshoot("workload-identity-unavailable")}`,
      );
    }
    if (tokenFilePath !== undefined) checkTokenFilesReadable(NAME);
    credentialLogger(NAME).info(
      `Using tenant ${tenantId}, client ${clientId} and ${getAssertion ? "the getAssertion callback" : "the token file [REDACTED path]"}.`,
    );
    this.#provider = createConfidentialClientProvider({
      credentialName: NAME,
      tenantId: tenantId!,
      clientId: clientId!,
      authentication: assertionAuthentication(
        getAssertion ? () => callGetAssertion(getAssertion, NAME) : async () => readFederatedTokenFile(tokenFilePath!, NAME),
      ),
      // A callback is opaque (as in ClientAssertionCredential): its tokens are never shared with another instance or process.
      fingerprint: getAssertion ? `workload-callback-${++callbacks}` : `workload:${tokenFilePath}`,
      ...(getAssertion ? { fleetShareable: false } : {}),
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

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
