// DefaultAzureCredential's construction, shared by the class and by diagnoseDefaultAzureCredential:
// check the caller's options and requiredEnvVars, read AZURE_TOKEN_CREDENTIALS, decide which
// credentials are tried, and build them. Everything that can be wrong with the configuration of
// DefaultAzureCredential itself fails here, at construction, not at the first getToken.
import { resolveProcessTimeout } from "../../sources/developerTools/validate.js";
import { checkTenantId } from "../../core/tenants.js";
import { createMember, type ChainMember, type ChainOptions, type MemberSettings } from "./members.js";
import { readTokenCredentialsSetting, selectChain, type ChainCredentialName, type TokenCredentialsSetting } from "../../sources/defaultChain/selection.js";

export interface PlannedCredential {
  name: ChainCredentialName;
  /** Why it is not tried (AZURE_TOKEN_CREDENTIALS, an exclude option, or off by default). */
  excludedBecause: string | undefined;
  /** Built only when tried. */
  member: ChainMember | undefined;
}

export interface ChainPlan {
  setting: TokenCredentialsSetting;
  credentials: PlannedCredential[];
  /** The tried ones, in order. */
  members: ChainMember[];
}

const NAME = "DefaultAzureCredential";

export function planDefaultChain(
  options: Record<string, unknown> & ChainOptions & { requiredEnvVars?: string | string[] },
  settings: Omit<MemberSettings, "probeImds"> = {},
): ChainPlan {
  checkRequiredEnvVars(options.requiredEnvVars);
  checkOptions(options);
  const setting = readTokenCredentialsSetting(process.env.AZURE_TOKEN_CREDENTIALS);
  // Selected alone, managed identity is a deliberate production choice: no probe, full retries (as @azure/identity 4.13).
  const memberSettings: MemberSettings = { ...settings, probeImds: !(setting.kind === "one" && setting.name === "ManagedIdentityCredential") };
  const { requiredEnvVars: _required, ...chainOptions } = options;
  const credentials = selectChain(setting, options).map(({ name, excludedBecause }) => ({
    name,
    excludedBecause,
    member: excludedBecause === undefined ? createMember(name, chainOptions, memberSettings) : undefined,
  }));
  const members = credentials.flatMap((c) => (c.member !== undefined ? [c.member] : []));
  if (members.length === 0) {
    throw new RangeError(
      `${NAME}: every credential of the chain is excluded (${credentials.map((c) => `${c.name}: ${c.excludedBecause}`).join("; ")}). ` +
        "Change AZURE_TOKEN_CREDENTIALS or the exclude options so that at least one remains.",
    );
  }
  return { setting, credentials, members };
}

function checkRequiredEnvVars(required: unknown): void {
  if (required === undefined) return;
  const list = Array.isArray(required) ? required : [required];
  for (const name of list) {
    if (typeof name !== "string" || name === "")
      throw new TypeError(`${NAME}: requiredEnvVars must be environment variable names, received ${JSON.stringify(name)}.`);
  }
  const missing = (list as string[]).filter((name) => (process.env[name] ?? "").trim() === "");
  if (missing.length > 0) {
    // @azure/identity's wording, plus which of them are set.
    throw new Error(
      `Required environment ${missing.length === 1 ? "variable" : "variables"} '${missing.join(", ")}' for ${NAME} ${missing.length === 1 ? "is" : "are"} not set or empty.` +
        ` Set ${missing.length === 1 ? "it" : "them"} before creating the credential, or remove ${missing.length === 1 ? "it" : "them"} from requiredEnvVars.`,
    );
  }
}

function checkOptions(options: ChainOptions): void {
  for (const key of ["tenantId", "managedIdentityClientId", "managedIdentityResourceId", "workloadIdentityClientId"] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== "string" || value.trim() === "")) {
      throw new TypeError(`${NAME}: ${key} must be a non-empty string, received ${value === "" ? "an empty string" : typeof value}.`);
    }
  }
  if (options.managedIdentityClientId !== undefined && options.managedIdentityResourceId !== undefined) {
    throw new TypeError(`${NAME}: pass either managedIdentityClientId or managedIdentityResourceId, not both.`);
  }
  if (options.tenantId !== undefined) checkTenantId(options.tenantId, `${NAME} tenantId`);
  if (options.processTimeoutInMs !== undefined) resolveProcessTimeout(options.processTimeoutInMs, NAME, 0);
}
