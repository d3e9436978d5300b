// The public entry of `azid doctor`'s report (azid extension, not in @azure/identity; the shape may
// grow). It builds the chain exactly as DefaultAzureCredential does (plan.ts) and hands it to the walk
// (detection, probes, remedies), which is loaded on first call: processes that never diagnose never
// compile it, and the walk never imports this layer.
import { ensureScopes } from "../../core/scopes.js";
import type { DefaultAzureCredentialDiagnosis } from "../../sources/defaultChain/diagnose.js";
import type { DefaultAzureCredentialClientIdOptions, DefaultAzureCredentialResourceIdOptions } from "./defaultAzureCredential.js";
import { managedIdentitySelector } from "./members.js";
import { planDefaultChain } from "./plan.js";

/** Options of {@link diagnoseDefaultAzureCredential}: DefaultAzureCredential's, plus the scopes to try. */
export type DiagnoseOptions = (DefaultAzureCredentialClientIdOptions | DefaultAzureCredentialResourceIdOptions) & {
  /** Default: https://management.azure.com/.default */
  scopes?: string | string[];
};

/**
 * Tries every credential of DefaultAzureCredential's chain on this machine and reports each outcome,
 * reason and fix, never opening a browser. Throws what the DefaultAzureCredential constructor would
 * throw (invalid AZURE_TOKEN_CREDENTIALS, requiredEnvVars).
 */
export async function diagnoseDefaultAzureCredential(options: DiagnoseOptions = {}): Promise<DefaultAzureCredentialDiagnosis> {
  const started = Date.now();
  const { scopes: requested, ...credentialOptions } = options;
  const scopes = ensureScopes(requested ?? "https://management.azure.com/.default");
  const plan = planDefaultChain({ ...credentialOptions }, { noInteraction: true });
  const detectOptions = { ...credentialOptions, managedIdentitySelector: managedIdentitySelector(credentialOptions) };
  return (await import("../../lazy.js")).diagnoseChain(plan, scopes, detectOptions, started);
}
