// The Azure Developer CLI protocol: `azd auth token --output json --no-prompt --scope <s> [--scope
// <s2>...] [--tenant-id <t>] [--claims <base64>]` → `{"token": "...", "expiresOn": "<RFC 3339>"}`
// (protocols.md §6.3). With `--output json` azd reports errors on stderr as JSON lines: before
// v1.23.7 `{"type":"consoleMessage","data":{"message":"ERROR: ..."}}`, later also
// `{"error":"...","message":"...","suggestion":"..."}`; older builds print plain text.
import { AuthenticationError, CredentialUnavailableError, troubleshoot } from "../../core/errors.js";
import type { CredentialLogger } from "../../core/logger.js";
import type { AccessToken } from "../../core/types.js";
import { runTool, type ToolResult } from "./runTool.js";
import { aadstsCodes, aadstsLine, checkAccessToken, checkToolExpiry, cleanToolText } from "./toolOutput.js";
import { checkToolScope, checkToolTenant, encodeClaims } from "./validate.js";

export const azureDeveloperCliMessages = {
  notInstalled: `Azure Developer CLI couldn't be found. Install it (https://aka.ms/azd), then run 'azd auth login'. ${troubleshoot("tool-not-installed")}`,
  login: `Please run 'azd auth login' from a command prompt to authenticate before using this credential. ${troubleshoot("azd-login")}`,
} as const;

export interface AzureDeveloperCliTokenRequest {
  scopes: string[];
  tenantId: string | undefined;
  claims: string | undefined;
}

/** The argv after `azd`; every scope is passed, each with its own `--scope`. */
export function azureDeveloperCliArguments(request: AzureDeveloperCliTokenRequest): string[] {
  const args = ["auth", "token", "--output", "json", "--no-prompt"];
  for (const scope of request.scopes) {
    checkToolScope(scope);
    args.push("--scope", scope);
  }
  if (request.tenantId !== undefined) {
    checkToolTenant(request.tenantId);
    args.push("--tenant-id", request.tenantId);
  }
  if (request.claims !== undefined && request.claims.trim() !== "") args.push("--claims", encodeClaims(request.claims));
  return args;
}

export async function fetchAzureDeveloperCliToken(
  request: AzureDeveloperCliTokenRequest,
  run: { timeoutMs: number; signal: AbortSignal; logger: CredentialLogger },
): Promise<AccessToken> {
  const args = azureDeveloperCliArguments(request);
  run.logger.info(`running: azd ${args.join(" ")}`);
  const result = await runTool({
    tool: "Azure Developer CLI",
    executables: ["azd"],
    args,
    timeoutMs: run.timeoutMs,
    signal: run.signal,
    notInstalledMessage: azureDeveloperCliMessages.notInstalled,
  });
  if (result.exitCode !== 0) throw azureDeveloperCliFailure(result, request.scopes);
  return parseAzureDeveloperCliOutput(result.stdout);
}

export function parseAzureDeveloperCliOutput(stdout: string): AccessToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new CredentialUnavailableError(
      `Azure Developer CLI did not print JSON for 'azd auth token' (got ${stdout.trim() === "" ? "no output" : `${stdout.trim().length} characters of text`}). Check that 'azd auth token --output json' works in a terminal.`,
    );
  }
  const body = parsed as { token?: unknown; expiresOn?: unknown } | null;
  if (typeof body !== "object" || body === null || typeof body.token !== "string") {
    throw new CredentialUnavailableError("Azure Developer CLI printed JSON without a 'token' string. Update azd (https://aka.ms/azd-install).");
  }
  const token = checkAccessToken(body.token, "Azure Developer CLI");
  // RFC 3339 with a zone (Go's time.RFC3339): never a zoneless local time.
  const expiresOn =
    typeof body.expiresOn === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i.test(body.expiresOn)
      ? Date.parse(body.expiresOn)
      : NaN;
  if (Number.isNaN(expiresOn)) {
    const shown = typeof body.expiresOn === "string" ? cleanToolText(body.expiresOn).slice(0, 64) : String(body.expiresOn);
    throw new CredentialUnavailableError(
      `Unexpected response from Azure Developer CLI when getting token. Expected "expiresOn" to be a RFC3339 date string. Got: "${shown}"`,
    );
  }
  return { token, expiresOnTimestamp: checkToolExpiry(expiresOn, "Azure Developer CLI"), tokenType: "Bearer" };
}

/** The human text in azd's stderr, whichever of its formats it used. */
export function azdErrorText(stderr: string): string {
  const messages: string[] = [];
  for (const line of stderr.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === "") continue;
    let parsed: unknown;
    try {
      parsed = trimmed.startsWith("{") ? JSON.parse(trimmed) : undefined;
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== "object" || parsed === null) {
      messages.push(trimmed);
      continue;
    }
    const record = parsed as { error?: unknown; message?: unknown; suggestion?: unknown; data?: { message?: unknown } };
    for (const value of [record.error, record.message, record.suggestion, record.data?.message]) {
      if (typeof value === "string" && value.trim() !== "" && !messages.includes(value.trim())) messages.push(value.trim());
    }
  }
  return messages.join("\n");
}

export function azureDeveloperCliFailure(result: ToolResult, scopes: string[]): Error {
  const text = cleanToolText(azdErrorText(result.stderr));
  if (result.exitCode === 127 || /azd:(.*)not found/.test(text) || text.startsWith("'azd' is not recognized")) {
    return new CredentialUnavailableError(azureDeveloperCliMessages.notInstalled);
  }
  if (/not logged in, run `azd (auth )?login` to login/i.test(text)) {
    return new CredentialUnavailableError(azureDeveloperCliMessages.login);
  }
  const codes = aadstsCodes(text);
  if (/re-?authentication required|login expired|must use multi-factor authentication/i.test(text)) {
    // azd names the exact command (with the scopes it needs and, for AADSTS50005, the flag).
    const suggested = /`(azd auth login[^`]*)`/.exec(text)?.[1];
    const command = suggested ?? ["azd auth login", ...scopes.map((s) => `--scope ${s}`)].join(" ");
    const why = aadstsLine(text);
    return new CredentialUnavailableError(
      `Azure Developer CLI needs you to sign in again${codes.length > 0 ? ` (AADSTS${codes[0]})` : ""}. To fix it, run:\n  ${command}` +
        (why !== undefined ? `\nAzure Developer CLI said: ${why}` : ""),
    );
  }
  return new AuthenticationError(0, {
    error: "azure_developer_cli_error",
    errorDescription: `'${result.command}' failed (exit code ${result.exitCode ?? "none"}): ${text.length > 0 ? text : "it wrote nothing to stderr"}`,
    ...(codes.length > 0 ? { errorCodes: codes } : {}),
  });
}
