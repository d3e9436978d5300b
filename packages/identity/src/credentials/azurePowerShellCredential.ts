// The account signed in to Azure PowerShell (`Connect-AzAccount`), through Get-AzAccessToken.
import { ToolTokenProvider } from "../providers/toolTokenProvider.js";
import { checkToolScope, checkToolTenant, claimsNotSupported, toolCredentialSettings } from "../sources/developerTools/validate.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { MultiTenantTokenCredentialOptions } from "../core/options.js";
import { closeParts } from "../core/closable.js";

/** Options of {@link AzurePowerShellCredential}. */
export interface AzurePowerShellCredentialOptions extends MultiTenantTokenCredentialOptions {
  /** Tenant to request tokens for (`Get-AzAccessToken -TenantId`). */
  tenantId?: string;
  /** How long PowerShell may run, in milliseconds (default 10 000; PowerShell starts slowly). */
  processTimeoutInMs?: number;
}

const NAME = "AzurePowerShellCredential";

/**
 * The account signed in to Azure PowerShell (`Connect-AzAccount`): runs `Get-AzAccessToken` in
 * `pwsh` (or Windows PowerShell). Needs the Az.Accounts module 2.2.0 or later;
 * {@link CredentialUnavailableError} otherwise (docs/troubleshooting.md#azurepowershellcredential).
 *
 * @example
 * ```ts
 * const credential = new AzurePowerShellCredential({ processTimeoutInMs: 20_000 });
 * ```
 */
export class AzurePowerShellCredential implements TokenCredential {
  readonly #provider: ToolTokenProvider;

  constructor(options?: AzurePowerShellCredentialOptions) {
    const settings = toolCredentialSettings(NAME, options);
    const { tenantId, logger } = settings;
    this.#provider = new ToolTokenProvider({
      ...settings,
      partition: "devtool\u0000pwsh",
      check(scopes, getTokenOptions) {
        checkToolScope(scopes[0]);
        if (getTokenOptions?.tenantId !== undefined) checkToolTenant(getTokenOptions.tenantId, "getToken() tenantId");
        const claims = getTokenOptions?.claims;
        if (claims !== undefined && claims.trim() !== "") throw claimsNotSupported("pwsh", claims, scopes[0]!, getTokenOptions?.tenantId ?? tenantId);
      },
      fetch: async (request) =>
        (await import("../lazy.js")).fetchAzurePowerShellToken({ scope: request.scopes[0]!, tenantId: request.tenantId }, { ...request, logger }),
    });
  }

  /** Runs Get-AzAccessToken for the first scope (cached process-wide; concurrent calls share one process). */
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.#provider.getToken(scopes, options);
  }

  /** Stops this credential and releases what it holds (azid extension); getToken then rejects with CredentialClosedError. */
  close(): Promise<void> {
    return closeParts(this.#provider);
  }

  /** `await using credential = new ...` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
