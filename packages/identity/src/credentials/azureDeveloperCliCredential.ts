// The account signed in to the Azure Developer CLI (`azd auth login`), through `azd auth token`.
import { ToolTokenProvider } from "../providers/toolTokenProvider.js";
import { checkToolScope, checkToolTenant, toolCredentialSettings } from "../sources/developerTools/validate.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { MultiTenantTokenCredentialOptions } from "../core/options.js";
import { closeParts } from "../core/closable.js";

/** Options of {@link AzureDeveloperCliCredential}. */
export interface AzureDeveloperCliCredentialOptions extends MultiTenantTokenCredentialOptions {
  /** Tenant to request tokens for (`azd auth token --tenant-id`). */
  tenantId?: string;
  /** How long `azd` may run, in milliseconds (default 10 000). */
  processTimeoutInMs?: number;
}

const NAME = "AzureDeveloperCliCredential";

/**
 * The account signed in to the Azure Developer CLI (`azd auth login`): runs `azd auth token`. For
 * local development; {@link CredentialUnavailableError} when `azd` is missing or signed out
 * (docs/troubleshooting.md#azuredeveloperclicredential).
 *
 * @example
 * ```ts
 * const credential = new AzureDeveloperCliCredential();
 * ```
 */
export class AzureDeveloperCliCredential implements TokenCredential {
  readonly #provider: ToolTokenProvider;

  constructor(options?: AzureDeveloperCliCredentialOptions) {
    const settings = toolCredentialSettings(NAME, options);
    const { tenantId, logger } = settings;
    this.#provider = new ToolTokenProvider({
      ...settings,
      partition: "devtool\u0000azd",
      check(scopes, getTokenOptions) {
        if (scopes.length === 0) checkToolScope(undefined);
        for (const scope of scopes) checkToolScope(scope);
        if (getTokenOptions?.tenantId !== undefined) checkToolTenant(getTokenOptions.tenantId, "getToken() tenantId");
      },
      // azd takes every scope and a claims challenge (`--claims`, base64).
      fetch: async (request) =>
        (await import("../lazy.js")).fetchAzureDeveloperCliToken(
          { scopes: request.scopes, tenantId: request.tenantId, claims: request.claims },
          { ...request, logger },
        ),
    });
  }

  /** Runs `azd auth token` for all scopes (cached process-wide; concurrent calls share one process). */
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
