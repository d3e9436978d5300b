// What this machine provides for each credential of the chain, for `azid doctor`: the names of the
// environment variables that are set, the files and tools found, and ids that are not secrets
// (tenant, client, endpoint). Values of secrets are never read into the report.
import { findExecutable } from "../developerTools/findExecutable.js";
import { realSearch } from "../developerTools/runTool.js";
import { detectHost } from "../managedIdentity/detectHost.js";
import type { IdentitySelector } from "../managedIdentity/host.js";
import { nodeFs } from "../../core/nodeBuiltins.js";
import { sharedCachePath } from "../msalCache/location.js";
import { readSharedCache } from "../msalCache/msalCacheFile.js";
import { readVSCodeSignIn } from "../visualStudioCode/signInRecord.js";
import type { ChainCredentialName } from "./selection.js";

export interface Detection {
  /** Whether the credential has what it needs here (variables set, tool installed, host detected). */
  configured: boolean;
  /** Environment variable names, files and tools it would use. */
  from: string[];
  /** Non-secret facts: ids, endpoint, executable path. */
  details: Record<string, string>;
}

/** Variables whose values must never be shown. */
export const SECRET_VARIABLES = ["AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PASSWORD", "AZURE_PASSWORD", "IDENTITY_HEADER", "MSI_SECRET"] as const;

function read(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function fileState(path: string): string {
  try {
    return nodeFs().statSync(path).isFile() ? "exists" : "is not a file";
  } catch {
    return "not found";
  }
}

/** What detection needs of DefaultAzureCredential's options, and the managed identity it would select. */
export interface DetectOptions {
  tenantId?: string;
  workloadIdentityClientId?: string;
  managedIdentityClientId?: string;
  managedIdentityResourceId?: string;
  /** DefaultAzureCredential's choice for ManagedIdentityCredential (from the options and AZURE_CLIENT_ID). */
  managedIdentitySelector: { clientId?: string; resourceId?: string; objectId?: string };
}

export async function detect(name: ChainCredentialName, options: DetectOptions): Promise<Detection> {
  switch (name) {
    case "EnvironmentCredential": {
      // "from" names what decided: the variables of the mode EnvironmentCredential picks (secret,
      // then certificate, then username/password). Unconfigured, nothing decided: what is missing is
      // in the credential's reason, and unrelated variables (AZURE_AUTHORITY_HOST) are not "from".
      const details: Record<string, string> = {};
      const tenantId = read("AZURE_TENANT_ID");
      const clientId = read("AZURE_CLIENT_ID");
      if (tenantId) details.tenantId = tenantId;
      if (clientId) details.clientId = clientId;
      const ids = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID"];
      let mode: { name: string; from: string[] } | undefined;
      if (tenantId && clientId && read("AZURE_CLIENT_SECRET")) mode = { name: "client secret", from: [...ids, "AZURE_CLIENT_SECRET"] };
      else if (tenantId && clientId && read("AZURE_CLIENT_CERTIFICATE_PATH")) {
        const password = read("AZURE_CLIENT_CERTIFICATE_PASSWORD") !== undefined ? ["AZURE_CLIENT_CERTIFICATE_PASSWORD"] : [];
        mode = { name: "client certificate", from: [...ids, "AZURE_CLIENT_CERTIFICATE_PATH", ...password] };
        details.certificate = `${read("AZURE_CLIENT_CERTIFICATE_PATH")} (${fileState(read("AZURE_CLIENT_CERTIFICATE_PATH")!)})`;
      } else if (tenantId && clientId && read("AZURE_USERNAME") && read("AZURE_PASSWORD"))
        mode = { name: "username and password", from: [...ids, "AZURE_USERNAME", "AZURE_PASSWORD"] };
      if (mode === undefined) return { configured: false, from: [], details };
      details.mode = mode.name;
      return { configured: true, from: mode.from, details };
    }
    case "WorkloadIdentityCredential": {
      const tenantId = options.tenantId ?? read("AZURE_TENANT_ID");
      const clientId = options.workloadIdentityClientId ?? options.managedIdentityClientId ?? read("AZURE_CLIENT_ID");
      const tokenFile = read("AZURE_FEDERATED_TOKEN_FILE");
      const from = ["AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_ID", "AZURE_TENANT_ID"].filter((v) => read(v) !== undefined);
      const details: Record<string, string> = {};
      if (tenantId) details.tenantId = tenantId;
      if (clientId) details.clientId = clientId;
      if (tokenFile) details.tokenFile = `${tokenFile} (${fileState(tokenFile)})`;
      return { configured: Boolean(tenantId && clientId && tokenFile), from, details };
    }
    case "ManagedIdentityCredential": {
      const selector = options.managedIdentitySelector;
      const details: Record<string, string> = {};
      if (selector.clientId !== undefined) details.clientId = selector.clientId;
      if (selector.resourceId !== undefined) details.resourceId = selector.resourceId;
      if (selector.objectId !== undefined) details.objectId = selector.objectId;
      const from = [
        "IDENTITY_ENDPOINT",
        "IDENTITY_HEADER",
        "IDENTITY_SERVER_THUMBPRINT",
        "IMDS_ENDPOINT",
        "MSI_ENDPOINT",
        "MSI_SECRET",
        "AZURE_POD_IDENTITY_AUTHORITY_HOST",
        "AZURE_FEDERATED_TOKEN_FILE",
      ].filter((v) => read(v) !== undefined);
      if (read("AZURE_CLIENT_ID") !== undefined && options.managedIdentityClientId === undefined && options.managedIdentityResourceId === undefined)
        from.push("AZURE_CLIENT_ID");
      try {
        const identity: IdentitySelector =
          selector.clientId !== undefined
            ? { kind: "clientId", value: selector.clientId }
            : selector.resourceId !== undefined
              ? { kind: "resourceId", value: selector.resourceId }
              : { kind: "system" };
        const detected = detectHost(process.env, identity);
        if (detected.kind === "tokenExchange") {
          details.host = "AKS workload identity (token exchange)";
          return { configured: true, from, details };
        }
        details.host = detected.host.displayName;
        details.endpoint = detected.host.endpoint;
        details.detectedFrom = detected.detectedFrom;
        // The default IMDS address is a guess, not a configuration: only the probe can tell.
        const guessed = detected.host.kind === "imds" && read("AZURE_POD_IDENTITY_AUTHORITY_HOST") === undefined;
        return { configured: !guessed, from, details };
      } catch (error) {
        details.error = error instanceof Error ? error.message : String(error);
        return { configured: false, from, details };
      }
    }
    case "SharedTokenCacheCredential":
      return detectSharedCache();
    case "VisualStudioCodeCredential":
      return detectVSCode();
    case "AzureCliCredential":
      return findTool(["az"]);
    case "AzurePowerShellCredential":
      return findTool(process.platform === "win32" ? ["pwsh", "powershell"] : ["pwsh"]);
    case "AzureDeveloperCliCredential":
      return findTool(["azd"]);
    case "InteractiveBrowserCredential":
      return { configured: true, from: ["excludeInteractiveBrowserCredential: false"], details: {} };
  }
}

async function findTool(names: string[]): Promise<Detection> {
  const search = await realSearch();
  try {
    const found = findExecutable(names, search);
    if (found === undefined) return { configured: false, from: [], details: { searched: `${names.join(", ")} on PATH` } };
    return { configured: true, from: [found.file], details: { executable: found.file } };
  } catch (error) {
    return { configured: false, from: [], details: { error: error instanceof Error ? error.message : String(error) } };
  }
}

/** The shared cache file and its accounts (usernames and tenants only, never a token). */
async function detectSharedCache(): Promise<Detection> {
  try {
    const path = sharedCachePath();
    const contents = await readSharedCache(path);
    if (contents === undefined) return { configured: false, from: [], details: { cache: `${path} (not found)` } };
    const accounts = contents.accounts.map((a) => `${a.username || a.homeAccountId} (tenant ${a.realm})`);
    return { configured: accounts.length > 0, from: [path], details: { cache: path, accounts: accounts.length > 0 ? accounts.join(", ") : "none" } };
  } catch (error) {
    return { configured: false, from: [], details: { error: error instanceof Error ? error.message : String(error) } };
  }
}

function detectVSCode(): Detection {
  try {
    const signIn = readVSCodeSignIn();
    if (signIn === undefined) return { configured: false, from: [], details: {} };
    return {
      configured: false,
      from: [signIn.path],
      details: {
        signedInAs: signIn.username,
        tenantId: signIn.tenantId,
        broker: process.platform === "win32" ? "WAM (not bundled)" : "unavailable on this OS",
      },
    };
  } catch (error) {
    return { configured: false, from: [], details: { error: error instanceof Error ? error.message : String(error) } };
  }
}
