// AKS workload identity through ManagedIdentityCredential ("token exchange"): when the webhook's
// variables are present, @azure/identity's ManagedIdentityCredential delegates to
// WorkloadIdentityCredential with instance discovery disabled, and so does azid. The delegate uses the
// shared cache through its own partition (authority + client id + token file), so nothing is cached twice.
import { WorkloadIdentityCredential } from "../credentials/workloadIdentityCredential.js";
import type { TokenCredentialOptions } from "../types.js";

export interface TokenExchangeSettings {
  tenantId: string;
  clientId: string;
  tokenFilePath: string;
}

export function tokenExchangeCredential(settings: TokenExchangeSettings, options: TokenCredentialOptions | undefined): WorkloadIdentityCredential {
  return new WorkloadIdentityCredential({ ...options, ...settings, disableInstanceDiscovery: true });
}
