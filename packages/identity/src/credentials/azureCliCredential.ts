// The account signed in to the Azure CLI (`az login`), through `az account get-access-token`.
// Thin: validation, then the shared developer-tool provider (one cache, one process per scope).
import { ToolTokenProvider } from "../providers/toolTokenProvider.js";
import { checkToolScope, checkToolSubscription, checkToolTenant, claimsNotSupported, toolCredentialSettings } from "../sources/developerTools/validate.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { MultiTenantTokenCredentialOptions } from "../core/options.js";
import { closeParts } from "../core/closable.js";

/** Options of {@link AzureCliCredential}. */
export interface AzureCliCredentialOptions extends MultiTenantTokenCredentialOptions {
  /** Tenant to request tokens for (`az ... --tenant`); default: the CLI's current tenant. */
  tenantId?: string;
  /** How long `az` may run, in milliseconds (default 10 000, as in Python's azure-identity). */
  processTimeoutInMs?: number;
  /** Subscription id or name whose account is used (`az ... --subscription`). */
  subscription?: string;
}

const NAME = "AzureCliCredential";

/**
 * The account signed in to the Azure CLI (`az login`): runs `az account get-access-token` (without
 * a shell) and caches the result. For local development. When `az` is missing or signed out,
 * `getToken` rejects with {@link CredentialUnavailableError} saying what to run
 * (docs/troubleshooting.md#azureclicredential).
 *
 * @example
 * ```ts
 * const credential = new AzureCliCredential({ tenantId: "contoso.onmicrosoft.com" });
 * ```
 */
export class AzureCliCredential implements TokenCredential {
  readonly #provider: ToolTokenProvider;

  constructor(options?: AzureCliCredentialOptions) {
    const settings = toolCredentialSettings(NAME, options);
    const { tenantId, logger } = settings;
    const subscription = options?.subscription || undefined;
    if (subscription !== undefined) checkToolSubscription(subscription);
    this.#provider = new ToolTokenProvider({
      ...settings,
      partition: `devtool\u0000az\u0000${subscription ?? ""}`,
      check(scopes, getTokenOptions) {
        // az takes one resource: the first scope, as @azure/identity does.
        checkToolScope(scopes[0]);
        if (getTokenOptions?.tenantId !== undefined) checkToolTenant(getTokenOptions.tenantId, "getToken() tenantId");
        const claims = getTokenOptions?.claims;
        if (claims !== undefined && claims.trim() !== "") throw claimsNotSupported("az", claims, scopes[0]!, getTokenOptions?.tenantId ?? tenantId);
      },
      // Loaded on first use: processes that never run az never compile it.
      fetch: async (request) =>
        (await import("../lazy.js")).fetchAzureCliToken({ scope: request.scopes[0]!, tenantId: request.tenantId, subscription }, { ...request, logger }),
    });
  }

  /**
   * Runs `az account get-access-token` for the first scope (cached process-wide; concurrent calls
   * share one process). Throws CredentialUnavailableError when az is missing or signed out.
   */
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
