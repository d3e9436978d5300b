// The Azure PowerShell protocol (protocols.md §6.4): `pwsh -NoProfile -NonInteractive -Command
// <script>` (then `powershell` on Windows), where the script imports Az.Accounts >= 2.2.0 and prints
// Get-AzAccessToken's token and expiry as JSON.
//
// The script is a constant. The resource and tenant reach it as data, through environment
// variables, never spliced into its text: there is nothing to quote and nothing to inject, even
// before validation. It contains no double quotes, which Windows PowerShell's command line
// parsing mangles.
import { CredentialUnavailableError, troubleshoot } from "../../core/errors.js";
import type { CredentialLogger } from "../../core/logger.js";
import { scopeToResource } from "../../core/scopes.js";
import type { AccessToken } from "../../core/types.js";
import { runTool, type ToolResult } from "./runTool.js";
import { checkAccessToken, checkToolExpiry, cleanToolText } from "./toolOutput.js";
import { checkToolScope, checkToolTenant } from "./validate.js";

export const azurePowerShellMessages = {
  notInstalled: "Unable to execute PowerShell. Ensure that it is installed in your system (https://aka.ms/install-powershell).",
  login: "Please run 'Connect-AzAccount' from PowerShell to authenticate before using this credential.",
  moduleMissing:
    "The 'Az.Account' module >= 2.2.0 is not installed. Install the Azure Az PowerShell module with: \"Install-Module -Name Az -Scope CurrentUser -Repository PSGallery -Force\".",
  executionPolicy:
    "PowerShell's execution policy prevented loading the Az.Accounts module. Allow signed modules for your user with: " +
    '"Set-ExecutionPolicy -ExecutionPolicy RemoteSigned -Scope CurrentUser", then try again.',
} as const;

/** Environment variables that carry the request into the script. */
export const POWERSHELL_RESOURCE_VARIABLE = "AZID_POWERSHELL_RESOURCE";
export const POWERSHELL_TENANT_VARIABLE = "AZID_POWERSHELL_TENANT_ID";

// -AsSecureString only where it exists and plain text is still the default (2.17 <= v < 5.0; from
// 5.0 the token is always a SecureString). NetworkCredential unwraps a SecureString on both
// Windows PowerShell 5.1 and PowerShell 7. The expiry is printed as epoch seconds: ConvertTo-Json
// renders a DateTimeOffset differently on 5.1 and 7.
export const POWERSHELL_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "$ProgressPreference = 'SilentlyContinue'",
  "$m = Import-Module Az.Accounts -MinimumVersion 2.2.0 -PassThru | Select-Object -First 1",
  `$params = @{ ResourceUrl = $env:${POWERSHELL_RESOURCE_VARIABLE} }`,
  `if ($env:${POWERSHELL_TENANT_VARIABLE}) { $params['TenantId'] = $env:${POWERSHELL_TENANT_VARIABLE} }`,
  "if ($m.Version -ge [version]'2.17.0' -and $m.Version -lt [version]'5.0.0') { $params['AsSecureString'] = $true }",
  "$t = Get-AzAccessToken @params",
  "$token = $t.Token",
  "if ($token -is [System.Security.SecureString]) { $token = [System.Net.NetworkCredential]::new('', $token).Password }",
  "[ordered]@{ Token = $token; ExpiresOn = $t.ExpiresOn.ToUnixTimeSeconds() } | ConvertTo-Json -Compress",
].join("\n");

export interface AzurePowerShellTokenRequest {
  scope: string;
  tenantId: string | undefined;
}

export function azurePowerShellArguments(): string[] {
  return ["-NoProfile", "-NonInteractive", "-Command", POWERSHELL_SCRIPT];
}

/** The data the script reads; validated although it never becomes code. */
export function azurePowerShellEnvironment(request: AzurePowerShellTokenRequest): Record<string, string> {
  checkToolScope(request.scope);
  const resource = scopeToResource(request.scope);
  checkToolScope(resource);
  if (request.tenantId !== undefined) checkToolTenant(request.tenantId);
  return { [POWERSHELL_RESOURCE_VARIABLE]: resource, [POWERSHELL_TENANT_VARIABLE]: request.tenantId ?? "" };
}

export async function fetchAzurePowerShellToken(
  request: AzurePowerShellTokenRequest,
  run: { timeoutMs: number; signal: AbortSignal; logger: CredentialLogger },
): Promise<AccessToken> {
  const env = azurePowerShellEnvironment(request);
  const executables = process.platform === "win32" ? ["pwsh", "powershell"] : ["pwsh"];
  const display = `pwsh -NoProfile -NonInteractive -Command <Get-AzAccessToken script> (ResourceUrl=${env[POWERSHELL_RESOURCE_VARIABLE]}${request.tenantId !== undefined ? `, TenantId=${request.tenantId}` : ""})`;
  run.logger.info(`running: ${display}`);
  const result = await runTool({
    tool: "Azure PowerShell",
    executables,
    args: azurePowerShellArguments(),
    env,
    timeoutMs: run.timeoutMs,
    signal: run.signal,
    notInstalledMessage: azurePowerShellMessages.notInstalled,
    display,
  });
  if (result.exitCode !== 0) throw azurePowerShellFailure(result);
  return parseAzurePowerShellOutput(result.stdout, run.logger);
}

/** Finds the script's JSON line among whatever else modules printed (warnings, banners). */
export function parseAzurePowerShellOutput(stdout: string, logger?: CredentialLogger): AccessToken {
  const lines = stdout.split(/\r?\n/).map((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (!line.startsWith("{")) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    const body = parsed as { Token?: unknown; ExpiresOn?: unknown } | null;
    if (typeof body !== "object" || body === null || typeof body.Token !== "string") continue;
    const others = lines.filter((l, j) => j !== i && l !== "").length;
    if (others > 0) logger?.verbose(`PowerShell printed ${others} other line(s) besides the token.`);
    const token = checkAccessToken(body.Token, "Azure PowerShell");
    const expiresOnTimestamp = parseExpiresOn(body.ExpiresOn);
    if (expiresOnTimestamp === undefined) {
      throw new CredentialUnavailableError(
        `Unexpected response from Azure PowerShell when getting token: "ExpiresOn" is not a Unix time or an ISO 8601 date (got ${typeof body.ExpiresOn}).`,
      );
    }
    return { token, expiresOnTimestamp: checkToolExpiry(expiresOnTimestamp, "Azure PowerShell"), tokenType: "Bearer" };
  }
  throw new CredentialUnavailableError(
    `No access token found in the output of PowerShell (${stdout.trim() === "" ? "it printed nothing" : `${lines.filter((l) => l !== "").length} line(s) without one`}). ${troubleshoot("powershell-output")}`,
  );
}

/** Epoch seconds (our script), or an ISO date with offset (upstream's script, kept for tolerance). */
function parseExpiresOn(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value * 1000;
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i.test(value)) {
    const time = Date.parse(value);
    return Number.isNaN(time) ? undefined : time;
  }
  return undefined;
}

export function azurePowerShellFailure(result: ToolResult): Error {
  const stderr = cleanToolText(result.stderr);
  if (/Run Connect-AzAccount to login/i.test(stderr)) return new CredentialUnavailableError(azurePowerShellMessages.login);
  if (/The specified module 'Az\.Accounts' with version '2\.2\.0' was not loaded because no valid module file was found/i.test(stderr)) {
    return new CredentialUnavailableError(azurePowerShellMessages.moduleMissing);
  }
  if (/AuthorizationManager check failed|running scripts is disabled on this system|is not digitally signed/i.test(stderr)) {
    return new CredentialUnavailableError(azurePowerShellMessages.executionPolicy);
  }
  if (result.exitCode === 127 || /' is not recognized/.test(stderr)) return new CredentialUnavailableError(azurePowerShellMessages.notInstalled);
  // Like @azure/identity: any other PowerShell failure leaves the credential unavailable.
  return new CredentialUnavailableError(
    `'${result.command}' failed (exit code ${result.exitCode ?? "none"}): ${stderr.length > 0 ? stderr.replace(/\.+$/, "") : "it wrote nothing to stderr"}. ${troubleshoot("azurepowershellcredential")}`,
  );
}
