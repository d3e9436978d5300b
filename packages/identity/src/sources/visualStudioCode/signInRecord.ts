// The account a developer signed in with in VS Code (Azure Resources extension): the exported
// AuthenticationRecord (~/.azure/ms-azuretools.vscode-azureresourcegroups/authRecord.json), read and
// validated. VisualStudioCodeCredential and `azid doctor` both report it; the tokens themselves stay
// in the operating system's broker (WAM).
import { CredentialUnavailableError } from "../../core/errors.js";
import { FileReadError, readRegularFileSync } from "../../core/regularFile.js";

/** The client id VS Code's Azure sign-in uses. */
export const VSCODE_CLIENT_ID = "aebc6443-996d-45c2-90f0-388ff96faa56";
export const RECORD_DIRECTORIES = [".azure", ".Azure"];
export const RECORD_FILE = "ms-azuretools.vscode-azureresourcegroups/authRecord.json";
const MAX_RECORD_BYTES = 10 * 1024;
const NAME = "VisualStudioCodeCredential";

export interface VSCodeSignIn {
  path: string;
  username: string;
  tenantId: string;
}

/** The VS Code Azure sign-in recorded on this machine, if any; throws CredentialUnavailableError for a record that is not valid. */
export function readVSCodeSignIn(): VSCodeSignIn | undefined {
  const home = process.env.HOME ?? process.env.USERPROFILE;
  if (home === undefined || home === "") return undefined;
  for (const directory of RECORD_DIRECTORIES) {
    const path = `${home}/${directory}/${RECORD_FILE}`;
    let text: string;
    try {
      // Non-blocking open, checked on the descriptor: a FIFO here can't hang the chain.
      text = readRegularFileSync(path, MAX_RECORD_BYTES).toString("utf8");
    } catch (error) {
      if (error instanceof FileReadError && error.code === "EFBIG") {
        throw unavailable(
          `the VS Code authentication record ${path} is unexpectedly large (${error.size} bytes; a record is well under ${MAX_RECORD_BYTES}). Sign out and in again in VS Code.`,
        );
      }
      continue;
    }
    return { path, ...parseVSCodeSignInRecord(text, path) };
  }
  return undefined;
}

/** The account in a record's text; CredentialUnavailableError naming every problem when it is not a valid record. */
export function parseVSCodeSignInRecord(text: string, path: string): { username: string; tenantId: string } {
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
  for (const name of ["username", "homeAccountId", "authority", "tenantId"])
    if (typeof field(name) !== "string" || field(name) === "") problems.push(`${name} is missing`);
  const tenantId = field("tenantId");
  if (typeof tenantId === "string" && tenantId !== "" && !/^[0-9a-zA-Z.-]{1,256}$/.test(tenantId)) problems.push("tenantId is not a tenant id");
  if (problems.length > 0)
    throw unavailable(`the VS Code authentication record ${path} is not valid: ${problems.join("; ")}. Sign out and in again in VS Code.`);
  return { username: field("username") as string, tenantId: tenantId as string };
}

function unavailable(reason: string): CredentialUnavailableError {
  return new CredentialUnavailableError(`${NAME} authentication unavailable: ${reason}`);
}
