// The Azure CLI protocol: `az account get-access-token --output json --resource <r> [--tenant <t>]
// [--subscription <s>]` (protocols.md §6.2), its JSON answer, and what its failures mean.
import { AuthenticationError, CredentialUnavailableError } from "../../core/errors.js";
import type { CredentialLogger } from "../../core/logger.js";
import { scopeToResource } from "../../core/scopes.js";
import type { AccessToken } from "../../core/types.js";
import { runTool, type ToolResult } from "./runTool.js";
import { aadstsCodes, aadstsLine, checkAccessToken, checkToolExpiry, cleanToolText } from "./toolOutput.js";
import { checkToolScope, checkToolSubscription, checkToolTenant } from "./validate.js";

export const azureCliMessages = {
  notInstalled:
    "Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'.",
  login: "Please run 'az login' from a command prompt to authenticate before using this credential.",
  unexpectedResponse: 'Unexpected response from Azure CLI when getting token. Expected "expiresOn" to be a RFC3339 date string. Got:',
} as const;

export interface AzureCliTokenRequest {
  /** The one scope (az takes a v1 resource: the scope without `/.default`). */
  scope: string;
  tenantId: string | undefined;
  subscription: string | undefined;
}

/** The argv after `az`. Every value is validated again here: nothing unchecked reaches a process. */
export function azureCliArguments(request: AzureCliTokenRequest): string[] {
  checkToolScope(request.scope);
  const resource = scopeToResource(request.scope);
  checkToolScope(resource);
  const args = ["account", "get-access-token", "--output", "json", "--resource", resource];
  if (request.tenantId !== undefined) {
    checkToolTenant(request.tenantId);
    args.push("--tenant", request.tenantId);
  }
  if (request.subscription !== undefined) {
    checkToolSubscription(request.subscription);
    args.push("--subscription", request.subscription);
  }
  return args;
}

export async function fetchAzureCliToken(
  request: AzureCliTokenRequest,
  run: { timeoutMs: number; signal: AbortSignal; logger: CredentialLogger },
): Promise<AccessToken> {
  const args = azureCliArguments(request);
  run.logger.info(`running: az ${args.join(" ")}`);
  const result = await runTool({
    tool: "Azure CLI",
    executables: ["az"],
    args,
    env: { AZURE_CORE_NO_COLOR: "true" },
    timeoutMs: run.timeoutMs,
    signal: run.signal,
    notInstalledMessage: azureCliMessages.notInstalled,
  });
  if (result.exitCode !== 0) throw azureCliFailure(result);
  return parseAzureCliOutput(result.stdout);
}

interface AzureCliTokenOutput {
  accessToken: string;
  expiresOn?: unknown;
  expires_on?: unknown;
}

function isAzureCliTokenOutput(value: unknown): value is AzureCliTokenOutput {
  return typeof value === "object" && value !== null && typeof (value as AzureCliTokenOutput).accessToken === "string";
}

/** Parses az's JSON; prefers `expires_on` (epoch seconds, az >= 2.54) over the local-time `expiresOn`. */
export function parseAzureCliOutput(stdout: string): AccessToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new CredentialUnavailableError(
      `Azure CLI did not print JSON for 'az account get-access-token' (got ${describeOutput(stdout)}). Check that 'az account get-access-token --output json' works in a terminal.`,
    );
  }
  if (!isAzureCliTokenOutput(parsed)) {
    throw new CredentialUnavailableError("Azure CLI printed JSON without an 'accessToken' string. Update the Azure CLI (https://aka.ms/azure-cli).");
  }
  const token = checkAccessToken(parsed.accessToken, "Azure CLI");
  const fromEpoch = epochSecondsToMs(parsed.expires_on);
  const expiresOnTimestamp = fromEpoch ?? parseAzureCliLocalTime(parsed.expiresOn);
  if (expiresOnTimestamp !== undefined) return { token, expiresOnTimestamp: checkToolExpiry(expiresOnTimestamp, "Azure CLI"), tokenType: "Bearer" };
  const shown = typeof parsed.expiresOn === "string" ? cleanToolText(parsed.expiresOn).slice(0, 64) : String(parsed.expiresOn);
  throw new CredentialUnavailableError(`${azureCliMessages.unexpectedResponse} "${shown}"`);
}

function epochSecondsToMs(value: unknown): number | undefined {
  const seconds = typeof value === "number" ? value : typeof value === "string" && /^\d{1,12}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

/**
 * `expiresOn` is `datetime.fromtimestamp(...)` printed as "%Y-%m-%d %H:%M:%S.%f": the local time of
 * the az process (which runs on this machine with our TZ), with no zone. Read it as local time,
 * explicitly rather than through Date's implementation-defined parsing of non-ISO strings. (In the
 * hour a DST change repeats, local time is ambiguous; `expires_on` avoids that, hence preferred.)
 */
export function parseAzureCliLocalTime(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(value.trim());
  if (m !== null) {
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const ms = m[7] === undefined ? 0 : Math.floor(Number(m[7].padEnd(6, "0")) / 1000);
    const date = new Date(year, month - 1, day, hour, minute, second, ms);
    return date.getMonth() === month - 1 && date.getDate() === day ? date.getTime() : undefined;
  }
  // An explicit RFC 3339 time with a zone is unambiguous.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i.test(value.trim())) {
    const time = Date.parse(value.trim());
    return Number.isNaN(time) ? undefined : time;
  }
  return undefined;
}

function describeOutput(stdout: string): string {
  const text = cleanToolText(stdout);
  return text.length === 0 ? "no output" : `${JSON.stringify(text.slice(0, 120))}${text.length > 120 ? "…" : ""}`;
}

const INTERACTIVE_HINT =
  /Run the command below to authenticate interactively[^\n]*\n|Interactive authentication is needed\. Please run:\s*\n|To re-authenticate, please run:\s*\n/i;

/** Maps a failed `az` run to the error a caller can act on. */
export function azureCliFailure(result: ToolResult): Error {
  const stderr = cleanToolText(result.stderr);
  if (result.exitCode === 127 || /az:(.*)not found/.test(stderr) || stderr.startsWith("'az' is not recognized")) {
    return new CredentialUnavailableError(azureCliMessages.notInstalled);
  }
  const codes = aadstsCodes(stderr);
  const hint = INTERACTIVE_HINT.exec(stderr);
  if (hint !== null || (codes.length > 0 && /az login/.test(stderr))) {
    // Entra refused the cached sign-in (MFA or Conditional Access, AADSTS50076; sign-in frequency,
    // AADSTS70043; an expired refresh token, AADSTS700082...). Like @azure/identity: unavailable,
    // and az's own remediation commands are passed on.
    const commands = (hint === null ? stderr : stderr.slice(hint.index + hint[0].length))
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => /^az (login|logout|account)\b/.test(line));
    const why = aadstsLine(stderr);
    return new CredentialUnavailableError(
      `Azure CLI needs you to sign in again${codes.length > 0 ? ` (AADSTS${codes[0]})` : ""}. To fix it, run:\n` +
        (commands.length > 0 ? commands : ["az login"]).map((c) => `  ${c}`).join("\n") +
        (why !== undefined ? `\nAzure CLI said: ${why}` : ""),
    );
  }
  if (/az login|az account set/.test(stderr)) {
    const noSubscription = /No subscription found|az account set/.test(stderr) && !/Please run 'az login'/.test(stderr);
    return new CredentialUnavailableError(
      noSubscription
        ? `Azure CLI is signed in but has no subscription selected. Run 'az account set --subscription <id>' (or pass the subscription option). Azure CLI said: ${stderr.replace(/^ERROR:\s*/, "")}`
        : azureCliMessages.login,
    );
  }
  const errorResponse = {
    error: "azure_cli_error",
    errorDescription: `'${result.command}' failed (exit code ${result.exitCode ?? "none"}): ${stderr.length > 0 ? stderr : "it wrote nothing to stderr"}`,
    ...(codes.length > 0 ? { errorCodes: codes } : {}),
  };
  return new AuthenticationError(0, errorResponse);
}
