// Builds each credential of DefaultAzureCredential's chain from its options, as @azure/identity's
// factories do (which client id goes where, the tenant, the process timeout). A credential whose
// constructor throws becomes a placeholder that reports the reason as "unavailable", so one
// unconfigured source never prevents the others from being tried.
import { AzureCliCredential } from "../azureCliCredential.js";
import { AzureDeveloperCliCredential } from "../azureDeveloperCliCredential.js";
import { AzurePowerShellCredential } from "../azurePowerShellCredential.js";
import { EnvironmentCredential } from "../environmentCredential.js";
import { InteractiveBrowserCredential } from "../interactiveBrowserCredential.js";
import { SharedTokenCacheCredential } from "../sharedTokenCacheCredential.js";
import { VisualStudioCodeCredential } from "../visualStudioCodeCredential.js";
import { WorkloadIdentityCredential } from "../workloadIdentityCredential.js";
import { CredentialUnavailableError, CredentialUnavailableErrorName } from "../../core/errors.js";
import type { AccessToken, TokenCredential } from "../../core/types.js";
import type { AuthorityValidationOptions, MultiTenantTokenCredentialOptions } from "../../core/options.js";
import { ChainManagedIdentityCredential, type ManagedIdentitySelectorOptions } from "./probedManagedIdentity.js";
import type { ChainCredentialName } from "../../sources/defaultChain/selection.js";

/** The DefaultAzureCredential options the members read (the public type lives with the class). */
export interface ChainOptions extends MultiTenantTokenCredentialOptions, AuthorityValidationOptions {
  tenantId?: string;
  managedIdentityClientId?: string;
  managedIdentityResourceId?: string;
  workloadIdentityClientId?: string;
  processTimeoutInMs?: number;
  /** The shared-cache account's username (default AZURE_USERNAME), as Python's shared_cache_username. */
  sharedTokenCacheUsername?: string;
  /** The shared-cache account's tenant (default AZURE_TENANT_ID), as Python's shared_cache_tenant_id. */
  sharedTokenCacheTenantId?: string;
  /** Python's per-member options (DefaultAzureCredentialOptions documents them). */
  managedIdentityObjectId?: string;
  workloadIdentityTenantId?: string;
  interactiveBrowserTenantId?: string;
  interactiveBrowserClientId?: string;
  visualStudioCodeTenantId?: string;
  excludeBrokerCredential?: boolean;
}

export interface ChainMember {
  name: ChainCredentialName;
  /** What the chain calls. */
  credential: TokenCredential;
  /** What issued the token, as reported by getTokenWithSource (differs from `credential` for managed identity). */
  source: TokenCredential;
  /** Set when the credential could not be built; `credential` is then a placeholder. */
  constructionError?: Error;
}

export interface MemberSettings {
  /** Probe IMDS before asking it for a token (off when ManagedIdentityCredential is selected alone). */
  probeImds: boolean;
  /** Never open a browser (azid doctor). */
  noInteraction?: boolean;
}

/** A member that could not be created: every getToken reports why, as "unavailable". */
class UnavailableChainCredential implements TokenCredential {
  readonly #error: CredentialUnavailableError;
  constructor(error: CredentialUnavailableError) {
    this.#error = error;
  }
  getToken(): Promise<AccessToken> {
    return Promise.reject(this.#error);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

export function createMember(name: ChainCredentialName, options: ChainOptions, settings: MemberSettings): ChainMember {
  try {
    const credential = construct(name, options, settings);
    const source = credential instanceof ChainManagedIdentityCredential ? credential.credential : credential;
    return { name, credential, source };
  } catch (error) {
    const cause = error instanceof Error ? error : new Error(String(error));
    const message = cause.name === CredentialUnavailableErrorName ? cause.message : `${name} could not be created: ${cause.name}: ${cause.message}`;
    const placeholder = new UnavailableChainCredential(new CredentialUnavailableError(message, { cause }));
    return { name, credential: placeholder, source: placeholder, constructionError: cause };
  }
}

function construct(name: ChainCredentialName, options: ChainOptions, settings: MemberSettings): TokenCredential {
  const {
    tenantId,
    managedIdentityClientId,
    managedIdentityResourceId,
    workloadIdentityClientId,
    processTimeoutInMs,
    sharedTokenCacheUsername,
    sharedTokenCacheTenantId,
    managedIdentityObjectId,
    workloadIdentityTenantId,
    interactiveBrowserTenantId,
    interactiveBrowserClientId,
    visualStudioCodeTenantId,
    excludeBrokerCredential, // Python's: azid has no broker credential in the chain, so there is nothing to exclude
    ...common
  } = options;
  void managedIdentityObjectId;
  void excludeBrokerCredential;
  const tools = { ...common, ...(tenantId !== undefined ? { tenantId } : {}), ...(processTimeoutInMs !== undefined ? { processTimeoutInMs } : {}) };
  switch (name) {
    case "EnvironmentCredential":
      return new EnvironmentCredential(common);
    case "WorkloadIdentityCredential": {
      const clientId = workloadIdentityClientId ?? managedIdentityClientId;
      const workloadTenant = workloadIdentityTenantId ?? tenantId;
      return new WorkloadIdentityCredential({
        ...common,
        ...(workloadTenant !== undefined ? { tenantId: workloadTenant } : {}),
        ...(clientId !== undefined ? { clientId } : {}),
      });
    }
    case "ManagedIdentityCredential":
      return new ChainManagedIdentityCredential(managedIdentitySelector(options), common, { probe: settings.probeImds });
    case "SharedTokenCacheCredential": {
      const username = sharedTokenCacheUsername ?? nonEmpty(process.env.AZURE_USERNAME);
      const cacheTenant = sharedTokenCacheTenantId ?? nonEmpty(process.env.AZURE_TENANT_ID);
      return new SharedTokenCacheCredential({
        ...common,
        ...(username !== undefined ? { username } : {}),
        ...(cacheTenant !== undefined ? { tenantId: cacheTenant } : {}),
      });
    }
    case "VisualStudioCodeCredential":
      return new VisualStudioCodeCredential({
        ...common,
        ...((visualStudioCodeTenantId ?? tenantId) !== undefined ? { tenantId: visualStudioCodeTenantId ?? tenantId } : {}),
      });
    case "AzureCliCredential":
      return new AzureCliCredential(tools);
    case "AzurePowerShellCredential":
      return new AzurePowerShellCredential(tools);
    case "AzureDeveloperCliCredential":
      return new AzureDeveloperCliCredential(tools);
    case "InteractiveBrowserCredential":
      return new InteractiveBrowserCredential({
        ...common,
        ...((interactiveBrowserTenantId ?? tenantId) !== undefined ? { tenantId: interactiveBrowserTenantId ?? tenantId } : {}),
        ...(interactiveBrowserClientId !== undefined ? { clientId: interactiveBrowserClientId } : {}),
        ...(settings.noInteraction ? { disableAutomaticAuthentication: true } : {}),
      });
  }
}

/**
 * @azure/identity's rule: a resource id wins; with AKS workload identity variables the workload
 * identity client id; else managedIdentityClientId, then AZURE_CLIENT_ID; else system-assigned.
 */
export function managedIdentitySelector(options: ChainOptions): ManagedIdentitySelectorOptions {
  if (options.managedIdentityResourceId !== undefined) return { resourceId: options.managedIdentityResourceId };
  if (options.managedIdentityObjectId !== undefined) return { objectId: options.managedIdentityObjectId };
  const clientId = options.managedIdentityClientId ?? nonEmpty(process.env.AZURE_CLIENT_ID);
  const workloadClientId = options.workloadIdentityClientId ?? clientId;
  if (nonEmpty(process.env.AZURE_FEDERATED_TOKEN_FILE) !== undefined && workloadClientId !== undefined) return { clientId: workloadClientId };
  return clientId !== undefined ? { clientId } : {};
}
