// What to do about each credential's failure, in one line, and the chain's aggregated error: one
// line per credential with its outcome, reason and fix, so "DefaultAzureCredential failed" is never
// the end of the story (user-pain-points.md §1.3).
import { AggregateAuthenticationError, CredentialUnavailableError, isChainContinue, troubleshoot } from "../../core/errors.js";
import { oneLine } from "../../core/logger.js";
import type { ChainCredentialName } from "./selection.js";

/** The fix for `name` failing with `error` (read from the failure's own message where it says more). */
export function remedyFor(name: ChainCredentialName, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const timedOut = /timed out/.test(message);
  const timeoutFix = "raise processTimeoutInMs (the tool is slow to start), or run the command once by hand to see what it waits for";
  switch (name) {
    case "EnvironmentCredential":
      return isChainContinue(error)
        ? "set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH) to use a service principal"
        : environmentFix(message);
    case "WorkloadIdentityCredential":
      return "set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE (on AKS: enable workload identity for the pod's service account)";
    case "ManagedIdentityCredential":
      if (/unreachable|could not connect|no answer in time|not answering/.test(message)) {
        return "run on an Azure resource with a managed identity; for local development set AZURE_TOKEN_CREDENTIALS=dev to skip it";
      }
      return "enable a managed identity on this resource, or set AZURE_CLIENT_ID (managedIdentityClientId) to a user-assigned identity attached to it";
    case "SharedTokenCacheCredential":
      if (/writable by other users|belongs to another user/.test(message))
        return "fix the cache file's ownership and mode as the reason says, or set excludeSharedTokenCacheCredential";
      if (/multiple accounts|no account matching/.test(message)) return "set AZURE_USERNAME (and AZURE_TENANT_ID) to the account to use";
      return "nothing, unless you rely on a Visual Studio sign-in: it only serves accounts that Microsoft developer tools left in ~/.IdentityService/msal.cache";
    case "VisualStudioCodeCredential":
      return "sign in with the Azure CLI instead (`az login`)";
    case "AzureCliCredential":
      if (/could not be found|not installed/i.test(message)) return "install the Azure CLI (https://aka.ms/azure-cli), then run `az login`";
      if (timedOut) return timeoutFix;
      if (/az account set/.test(message) && !/'az login'/.test(message)) return "run `az account set --subscription <id>`";
      return /az logout/.test(message) ? "run `az logout` then `az login`, as Azure CLI asks" : "run `az login`";
    case "AzurePowerShellCredential":
      if (/Unable to execute PowerShell|could not be found/i.test(message))
        return "install PowerShell 7 (https://aka.ms/install-powershell) and Az.Accounts, then run `Connect-AzAccount`";
      if (/Az\.Accounts|module/i.test(message) && /install/i.test(message)) return "run `Install-Module Az.Accounts` in PowerShell, then `Connect-AzAccount`";
      if (timedOut) return timeoutFix;
      return "run `Connect-AzAccount` in PowerShell";
    case "AzureDeveloperCliCredential":
      if (/couldn't be found|could not be found/i.test(message)) return "install the Azure Developer CLI (https://aka.ms/azd), then run `azd auth login`";
      if (timedOut) return timeoutFix;
      return "run `azd auth login`";
    case "InteractiveBrowserCredential":
      return "complete the sign-in in the browser; where no browser can open use DeviceCodeCredential";
  }
}

/** EnvironmentCredential is configured (the variables are set) but Entra refused them: say which value to correct. */
function environmentFix(message: string): string {
  if (/AADSTS7000222/.test(message))
    return "the variables are set, but the client secret in AZURE_CLIENT_SECRET has expired; create a new one in the app registration and put its Value there";
  if (/AADSTS7000215/.test(message))
    return "the variables are set, but Microsoft Entra ID rejected the secret in AZURE_CLIENT_SECRET; put the secret's Value (not its Secret ID) from the app registration's Certificates & secrets page there";
  if (/AADSTS700016/.test(message))
    return "the variables are set, but no application has the id in AZURE_CLIENT_ID in tenant AZURE_TENANT_ID: correct one of them";
  if (/AADSTS90002|AADSTS900023/.test(message)) return "the variables are set, but the tenant in AZURE_TENANT_ID was not found: correct it";
  if (/AADSTS(700027|50012)|certificate/i.test(message))
    return "the variables are set, but the certificate in AZURE_CLIENT_CERTIFICATE_PATH was refused or unreadable: check the file, its password and that the app registration has it";
  if (/AADSTS50126/.test(message)) return "the variables are set, but the user in AZURE_USERNAME / AZURE_PASSWORD was refused: correct them";
  return "the variables are set, but the sign-in they configure fails (see the reason): correct the value it names, or unset them so the chain moves on";
}

export interface ChainAttempt {
  name: ChainCredentialName;
  error: unknown;
}

/**
 * Every credential was unavailable. `errors` keeps one CredentialUnavailableError per credential
 * ("<Name>: <reason>", the original as `cause`); the message is a readable list with the fixes.
 */
export function chainFailure(attempts: readonly ChainAttempt[], excluded: readonly string[]): AggregateAuthenticationError {
  const width = Math.max(...attempts.map((a) => a.name.length));
  const errors = attempts.map(({ name, error }) => {
    const reason = oneLine(error instanceof Error ? error.message : String(error));
    const labelled = new CredentialUnavailableError(reason.startsWith(name) ? reason : `${name}: ${reason}`, { cause: error });
    if (error instanceof Error) labelled.name = error.name;
    return labelled;
  });
  const lines = attempts.map(({ name, error }) => {
    const reason = oneLine(error instanceof Error ? error.message : String(error)).replace(
      new RegExp(`^${name}(:| is unavailable[.:]| authentication unavailable[.:])?\\s*`),
      "",
    );
    return `  ${name.padEnd(width)}  unavailable: ${reason} Fix: ${remedyFor(name, error)}.`;
  });
  const aggregate = new AggregateAuthenticationError(errors, "DefaultAzureCredential authentication failed.");
  aggregate.message =
    "DefaultAzureCredential authentication failed: no credential in the chain could get a token. Tried, in order:\n" +
    lines.join("\n") +
    (excluded.length > 0 ? `\nNot tried: ${excluded.join("; ")}.` : "") +
    `\nRun 'npx azid doctor' to see what this machine provides. ${troubleshoot("dac-all-unavailable")}`;
  return aggregate;
}
