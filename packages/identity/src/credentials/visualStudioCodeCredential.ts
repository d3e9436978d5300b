// The account a developer signed in with in VS Code (Azure Resources extension). The extension
// exports an AuthenticationRecord (~/.azure/ms-azuretools.vscode-azureresourcegroups/authRecord.json);
// the tokens themselves stay in the operating system's authentication broker (WAM), which exists on
// Windows only and which @azure/identity reaches through the native @azure/identity-vscode plugin.
// azid has no native broker, so this credential reads and validates the record to say precisely who
// is signed in and what to do instead; it is always unavailable, never an error, so
// DefaultAzureCredential moves on to the Azure CLI (protocols.md 6.5).
import { CredentialUnavailableError, troubleshoot } from "../core/errors.js";
import { checkTenantId, resolveAdditionallyAllowedTenants } from "../core/tenants.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { MultiTenantTokenCredentialOptions } from "../core/options.js";
import { closedError } from "../core/closable.js";

/** Options of {@link VisualStudioCodeCredential}. */
export interface VisualStudioCodeCredentialOptions extends MultiTenantTokenCredentialOptions {
  /** Default: the tenant of the VS Code sign-in ("common" when none). */
  tenantId?: string;
}

const NAME = "VisualStudioCodeCredential";
const INSTEAD = "Sign in with the Azure CLI (`az login`) and DefaultAzureCredential uses AzureCliCredential, or use `azd auth login`";

/**
 * The account signed in to VS Code's Azure extensions. VS Code keeps those tokens in its own broker,
 * which other programs can't use, so this credential names the signed-in account and rejects with
 * {@link CredentialUnavailableError} saying what to use instead (`az login`); see
 * docs/troubleshooting.md#vscode-unavailable.
 */
export class VisualStudioCodeCredential implements TokenCredential {
  readonly #tenantId: string | undefined;
  #closed = false;

  constructor(options: VisualStudioCodeCredentialOptions = {}) {
    if (options.tenantId !== undefined) checkTenantId(options.tenantId);
    resolveAdditionallyAllowedTenants(options.additionallyAllowedTenants);
    this.#tenantId = options.tenantId;
  }

  async getToken(_scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    if (this.#closed) throw closedError(NAME);
    if (this.#tenantId?.toLowerCase() === "adfs") throw unavailable("VS Code sign-in does not support ADFS tenants.");
    // The record's reader comes with the lazy chunk (DefaultAzureCredential's developer members load it anyway).
    const { readVSCodeSignIn, RECORD_DIRECTORIES, RECORD_FILE } = await import("../lazy.js");
    const signIn = readVSCodeSignIn();
    if (signIn === undefined) {
      throw unavailable(
        `VS Code is not signed in to Azure (no authentication record at ~/${RECORD_DIRECTORIES[0]}/${RECORD_FILE}; the Azure Resources extension writes it on "Azure: Sign In"). ${INSTEAD}.`,
      );
    }
    throw unavailable(
      `VS Code is signed in as ${signIn.username} (tenant ${signIn.tenantId}), but its tokens live in the operating system's authentication broker (WAM), ` +
        `which ${process.platform === "win32" ? "azid does not bundle (it is native code; @azure/identity needs the @azure/identity-vscode plugin for it)" : "exists only on Windows"}. ${INSTEAD}.`,
    );
  }

  /** Nothing to release (the VS Code sign-in is only read); getToken then rejects with CredentialClosedError. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** `await using credential = new ...` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function unavailable(reason: string): CredentialUnavailableError {
  return new CredentialUnavailableError(`${NAME} authentication unavailable: ${reason} ${troubleshoot("vscode-unavailable")}`);
}
