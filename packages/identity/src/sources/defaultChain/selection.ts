// Which credentials DefaultAzureCredential tries, in which order, and why the others are left out:
// the documented chain, narrowed by AZURE_TOKEN_CREDENTIALS (`dev`, `prod`, or one class name) and
// then by the exclude* options. Decided once, at construction; a bad value fails there.

/**
 * Every credential the chain knows, in the order they are tried. The default chain is
 * @azure/identity 4.13's: the same members in the same order. Python's two extra members are off
 * by default: SharedTokenCacheCredential (in Python's place, after managed identity) and
 * InteractiveBrowserCredential; `exclude…: false` or AZURE_TOKEN_CREDENTIALS naming one turns it on.
 * (@azure/identity's last member, BrokerCredential, only works with @azure/identity-broker's native
 * WAM plugin; azid has no broker, so the chain ends without it.)
 */
export const DEFAULT_CHAIN = [
  "EnvironmentCredential",
  "WorkloadIdentityCredential",
  "ManagedIdentityCredential",
  "SharedTokenCacheCredential",
  "VisualStudioCodeCredential",
  "AzureCliCredential",
  "AzurePowerShellCredential",
  "AzureDeveloperCliCredential",
  "InteractiveBrowserCredential",
] as const;

/** Python's members that @azure/identity does not have: tried only when asked for. */
const OPT_IN: Partial<Record<ChainCredentialName, string>> = {
  SharedTokenCacheCredential:
    "off by default, as in @azure/identity (Python's member: Visual Studio's shared token cache); pass excludeSharedTokenCacheCredential: false or set AZURE_TOKEN_CREDENTIALS=SharedTokenCacheCredential to try it",
  InteractiveBrowserCredential: "off by default (it opens a browser); pass excludeInteractiveBrowserCredential: false to try it",
};

/** Whether a credential is left out only because it is an opt-in member nobody asked for. */
export function isOffByDefault(excludedBecause: string | undefined): boolean {
  return excludedBecause !== undefined && excludedBecause.startsWith("off by default");
}

export type ChainCredentialName = (typeof DEFAULT_CHAIN)[number];

/** The exclude option for each credential (Python's exclude_* options, with JavaScript names). */
export const EXCLUDE_OPTION: Record<ChainCredentialName, string> = {
  EnvironmentCredential: "excludeEnvironmentCredential",
  WorkloadIdentityCredential: "excludeWorkloadIdentityCredential",
  ManagedIdentityCredential: "excludeManagedIdentityCredential",
  SharedTokenCacheCredential: "excludeSharedTokenCacheCredential",
  VisualStudioCodeCredential: "excludeVisualStudioCodeCredential",
  AzureCliCredential: "excludeAzureCliCredential",
  AzurePowerShellCredential: "excludeAzurePowerShellCredential",
  AzureDeveloperCliCredential: "excludeAzureDeveloperCliCredential",
  InteractiveBrowserCredential: "excludeInteractiveBrowserCredential",
};

const DEV: readonly ChainCredentialName[] = [
  "SharedTokenCacheCredential",
  "VisualStudioCodeCredential",
  "AzureCliCredential",
  "AzurePowerShellCredential",
  "AzureDeveloperCliCredential",
  "InteractiveBrowserCredential",
];
const PROD: readonly ChainCredentialName[] = ["EnvironmentCredential", "WorkloadIdentityCredential", "ManagedIdentityCredential"];

export type TokenCredentialsSetting = { kind: "all" } | { kind: "dev" | "prod"; raw: string } | { kind: "one"; raw: string; name: ChainCredentialName };

/** Reads AZURE_TOKEN_CREDENTIALS (trimmed, case-insensitive). Throws RangeError listing the valid values. */
export function readTokenCredentialsSetting(raw: string | undefined): TokenCredentialsSetting {
  const value = raw?.trim().toLowerCase() ?? "";
  if (value === "") return { kind: "all" };
  if (value === "dev" || value === "prod") return { kind: value, raw: raw! };
  const name = DEFAULT_CHAIN.find((n) => n.toLowerCase() === value);
  if (name !== undefined) return { kind: "one", raw: raw!, name };
  const shown = JSON.stringify(raw!.length > 100 ? `${raw!.slice(0, 100)}…` : raw);
  throw new RangeError(
    `Invalid value for AZURE_TOKEN_CREDENTIALS: ${shown}. Valid values are 'dev' (developer tools only), 'prod' (EnvironmentCredential, ` +
      `WorkloadIdentityCredential, ManagedIdentityCredential), or one credential's name: ${DEFAULT_CHAIN.join(", ")} (case-insensitive). Unset it to try the whole chain.`,
  );
}

export interface ChainSelection {
  name: ChainCredentialName;
  /** Why the credential is not tried; undefined when it is. */
  excludedBecause: string | undefined;
}

export type ExcludeOptions = Partial<Record<string, unknown>>;

/** Every credential of the chain, each either included or excluded with the reason. */
export function selectChain(setting: TokenCredentialsSetting, options: ExcludeOptions): ChainSelection[] {
  return DEFAULT_CHAIN.map((name) => ({ name, excludedBecause: exclusionReason(name, setting, options) }));
}

/**
 * The order Python azure-identity's DefaultAzureCredential would try with the same
 * AZURE_TOKEN_CREDENTIALS and exclude options: SharedTokenCacheCredential is one of its defaults.
 */
export function pythonOrder(selection: readonly ChainSelection[]): ChainCredentialName[] {
  return selection
    .filter((c) => c.excludedBecause === undefined || (c.name === "SharedTokenCacheCredential" && c.excludedBecause === OPT_IN.SharedTokenCacheCredential))
    .map((c) => c.name);
}

function exclusionReason(name: ChainCredentialName, setting: TokenCredentialsSetting, options: ExcludeOptions): string | undefined {
  const option = EXCLUDE_OPTION[name];
  const excluded = options[option];
  if (excluded !== undefined && typeof excluded !== "boolean") {
    throw new TypeError(`DefaultAzureCredential: ${option} must be a boolean, received ${typeof excluded}.`);
  }
  if (setting.kind === "one" && setting.name !== name) return `AZURE_TOKEN_CREDENTIALS=${setting.raw.trim()} selects only ${setting.name}`;
  if (setting.kind === "dev" && !DEV.includes(name)) return `AZURE_TOKEN_CREDENTIALS=${setting.raw.trim()} selects developer tools only`;
  if (setting.kind === "prod" && !PROD.includes(name))
    return `AZURE_TOKEN_CREDENTIALS=${setting.raw.trim()} selects EnvironmentCredential, WorkloadIdentityCredential and ManagedIdentityCredential only`;
  if (excluded === true) return `${option}: true`;
  // Python's extra members: naming one in AZURE_TOKEN_CREDENTIALS, or its exclude option false, turns it on.
  const offByDefault = OPT_IN[name];
  if (offByDefault !== undefined && excluded === undefined && setting.kind !== "one") return offByDefault;
  return undefined;
}
