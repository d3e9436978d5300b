// The public entry of `azid doctor`'s report. The walk itself (detection, probes, remedies) is loaded
// on first call, so processes that never diagnose never compile it.
import type { DefaultAzureCredentialDiagnosis, DiagnoseOptions } from "./diagnose.js";

/** Tries every credential of DefaultAzureCredential's chain and reports each outcome, reason and fix (azid extension). */
export async function diagnoseDefaultAzureCredential(options: DiagnoseOptions = {}): Promise<DefaultAzureCredentialDiagnosis> {
  return (await import("../lazy.js")).diagnoseDefaultAzureCredential(options);
}
