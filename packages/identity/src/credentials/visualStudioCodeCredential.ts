// The account a developer signed in with in VS Code (Azure Resources extension). The extension
// exports an AuthenticationRecord (~/.azure/ms-azuretools.vscode-azureresourcegroups/authRecord.json);
// the tokens themselves stay in the operating system's authentication broker (WAM), which exists on
// Windows only and which @azure/identity reaches through the native @azure/identity-vscode plugin.
// azid has no native broker, so this credential reads and validates the record to say precisely who
// is signed in and what to do instead; it is always unavailable, never an error, so
// DefaultAzureCredential moves on to the Azure CLI (protocols.md 6.5).
import { CredentialUnavailableError } from "../errors.js";
import { nodeFs } from "../nodeBuiltins.js";
import { checkTenantId, resolveAdditionallyAllowedTenants } from "../tenants.js";
import type { AccessToken, GetTokenOptions, MultiTenantTokenCredentialOptions, TokenCredential } from "../types.js";

export interface VisualStudioCodeCredentialOptions extends MultiTenantTokenCredentialOptions {
  /** Default: the tenant of the VS Code sign-in ("common" when none). */
  tenantId?: string;
}

/** The client id VS Code's Azure sign-in uses. */
export const VSCODE_CLIENT_ID = "aebc6443-996d-45c2-90f0-388ff96faa56";
const RECORD_DIRECTORIES = [".azure", ".Azure"];
const RECORD_FILE = "ms-azuretools.vscode-azureresourcegroups/authRecord.json";
const MAX_RECORD_BYTES = 10 * 1024;
const NAME = "VisualStudioCodeCredential";
const INSTEAD = "Sign in with the Azure CLI (`az login`) and DefaultAzureCredential uses AzureCliCredential, or use `azd auth login`";

export interface VSCodeSignIn {
  path: string;
  username: string;
  tenantId: string;
}

export class VisualStudioCodeCredential implements TokenCredential {
  readonly #tenantId: string | undefined;

  constructor(options: VisualStudioCodeCredentialOptions = {}) {
    if (options.tenantId !== undefined) checkTenantId(options.tenantId);
    resolveAdditionallyAllowedTenants(options.additionallyAllowedTenants);
    this.#tenantId = options.tenantId;
  }

  async getToken(_scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    if (this.#tenantId?.toLowerCase() === "adfs") throw unavailable("VS Code sign-in does not support ADFS tenants.");
    const signIn = readVSCodeSignIn();
    if (signIn === undefined) {
      throw unavailable(`VS Code is not signed in to Azure (no authentication record at ~/${RECORD_DIRECTORIES[0]}/${RECORD_FILE}; the Azure Resources extension writes it on "Azure: Sign In"). ${INSTEAD}.`);
    }
    throw unavailable(
      `VS Code is signed in as ${signIn.username} (tenant ${signIn.tenantId}), but its tokens live in the operating system's authentication broker (WAM), ` +
        `which ${process.platform === "win32" ? "azid does not bundle (it is native code; @azure/identity needs the @azure/identity-vscode plugin for it)" : "exists only on Windows"}. ${INSTEAD}.`,
    );
  }
}

/** The VS Code Azure sign-in recorded on this machine, if any; throws CredentialUnavailableError for a record that is not valid. */
export function readVSCodeSignIn(): VSCodeSignIn | undefined {
  const home = process.env.HOME ?? process.env.USERPROFILE;
  if (home === undefined || home === "") return undefined;
  const fs = nodeFs();
  for (const directory of RECORD_DIRECTORIES) {
    const path = `${home}/${directory}/${RECORD_FILE}`;
    let text: string;
    try {
      const stat = fs.statSync(path);
      if (!stat.isFile()) continue;
      if (stat.size > MAX_RECORD_BYTES) throw unavailable(`the VS Code authentication record ${path} is unexpectedly large (${stat.size} bytes; a record is well under ${MAX_RECORD_BYTES}). Sign out and in again in VS Code.`);
      text = fs.readFileSync(path, "utf8");
    } catch (error) {
      if (error instanceof CredentialUnavailableError) throw error;
      continue;
    }
    return { path, ...parseRecord(text, path) };
  }
  return undefined;
}

function parseRecord(text: string, path: string): { username: string; tenantId: string } {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    throw unavailable(`the VS Code authentication record ${path} is not JSON. Sign out and in again in VS Code.`);
  }
  const field = (name: string) => (typeof record === "object" && record !== null ? (record as Record<string, unknown>)[name] : undefined);
  const problems: string[] = [];
  const version = field("version");
  if (version !== undefined && version !== "1.0") problems.push(`version ${JSON.stringify(version)} is not "1.0"`);
  if (field("clientId") !== VSCODE_CLIENT_ID) problems.push(`clientId is not VS Code's (${VSCODE_CLIENT_ID})`);
  for (const name of ["username", "homeAccountId", "authority", "tenantId"]) if (typeof field(name) !== "string" || field(name) === "") problems.push(`${name} is missing`);
  const tenantId = field("tenantId");
  if (typeof tenantId === "string" && tenantId !== "" && !/^[0-9a-zA-Z.-]{1,256}$/.test(tenantId)) problems.push("tenantId is not a tenant id");
  if (problems.length > 0) throw unavailable(`the VS Code authentication record ${path} is not valid: ${problems.join("; ")}. Sign out and in again in VS Code.`);
  return { username: field("username") as string, tenantId: tenantId as string };
}

function unavailable(reason: string): CredentialUnavailableError {
  return new CredentialUnavailableError(`${NAME} authentication unavailable: ${reason}`);
}
