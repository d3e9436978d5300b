// The credential most applications use: tries, in order, Environment → Workload identity → Managed
// identity → VS Code → Azure CLI → Azure PowerShell → Azure Developer CLI (@azure/identity 4.13's
// members and order), and uses the first that gets a token. Python's extra members, the shared token
// cache (in Python's place, after managed identity) and the interactive browser, are off unless asked
// for (selection.ts). Differences from
// @azure/identity that users asked for (user-pain-points.md §1):
//  - fast: IMDS is probed once per process with a 1 s deadline and no retries (probedManagedIdentity.ts);
//  - sticky: once a credential succeeds, later calls go straight to it (and its cache); if it later
//    becomes unavailable, the chain is walked again;
//  - self-explaining: when everything is unavailable, one line per credential with its reason and fix;
//  - exclude* options (Python's) besides AZURE_TOKEN_CREDENTIALS.
// Construction, selection and member factories live in defaultChain/.
import { planDefaultChain } from "./plan.js";
import type { ChainMember } from "./members.js";
import type { ChainAttempt } from "../../sources/defaultChain/remedies.js";
import { isOffByDefault } from "../../sources/defaultChain/selection.js";
import { CredentialUnavailableError, isChainContinue } from "../../core/errors.js";
import { credentialLogger, oneLine } from "../../core/logger.js";
import { ensureScopes } from "../../core/scopes.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../../core/types.js";
import type { AuthorityValidationOptions, MultiTenantTokenCredentialOptions } from "../../core/options.js";
import { ChainedTokenCredential, walkChain } from "../chainedTokenCredential.js";
import { withGetTokenSpan } from "../../core/tracing.js";

/** Variables `requiredEnvVars` may name (as in @azure/identity). */
export type DefaultAzureCredentialEnvVars =
  | "AZURE_TOKEN_CREDENTIALS"
  | "AZURE_CLIENT_ID"
  | "AZURE_TENANT_ID"
  | "AZURE_CLIENT_SECRET"
  | "AZURE_CLIENT_CERTIFICATE_PATH"
  | "AZURE_CLIENT_CERTIFICATE_PASSWORD"
  | "AZURE_ADDITIONALLY_ALLOWED_TENANTS"
  | "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN"
  | "AZURE_FEDERATED_TOKEN_FILE";

export interface DefaultAzureCredentialOptions extends MultiTenantTokenCredentialOptions, AuthorityValidationOptions {
  /** Tenant for the developer-tool, workload identity and browser credentials. */
  tenantId?: string;
  /** How long az, azd and pwsh may run, in milliseconds (default 10 000). */
  processTimeoutInMs?: number;
  /** Environment variables that must be set (non-empty); otherwise the constructor throws naming them. */
  requiredEnvVars?: DefaultAzureCredentialEnvVars | DefaultAzureCredentialEnvVars[];
  /** azid extension (Python's exclude_environment_credential): skip EnvironmentCredential. */
  excludeEnvironmentCredential?: boolean;
  /** azid extension: skip WorkloadIdentityCredential. */
  excludeWorkloadIdentityCredential?: boolean;
  /** azid extension: skip ManagedIdentityCredential (and its IMDS probe). */
  excludeManagedIdentityCredential?: boolean;
  /**
   * Python's exclude_shared_token_cache_credential. SharedTokenCacheCredential (a Visual Studio
   * sign-in in ~/.IdentityService/msal.cache) is not in @azure/identity's chain, so it is tried only
   * when this is `false` (after ManagedIdentityCredential, as in Python) or when
   * AZURE_TOKEN_CREDENTIALS=SharedTokenCacheCredential.
   */
  excludeSharedTokenCacheCredential?: boolean;
  /** Python's shared_cache_username: the shared-cache account to use (default AZURE_USERNAME). */
  sharedTokenCacheUsername?: string;
  /** Python's shared_cache_tenant_id: the shared-cache account's tenant (default AZURE_TENANT_ID). */
  sharedTokenCacheTenantId?: string;
  /** Python's managed_identity_object_id: a user-assigned managed identity by object (principal) id. */
  managedIdentityObjectId?: string;
  /** Python's workload_identity_tenant_id: WorkloadIdentityCredential's tenant (default tenantId, then AZURE_TENANT_ID). */
  workloadIdentityTenantId?: string;
  /** Python's interactive_browser_tenant_id: InteractiveBrowserCredential's tenant (default tenantId). */
  interactiveBrowserTenantId?: string;
  /** Python's interactive_browser_client_id: InteractiveBrowserCredential's app (default the developer sign-on client). */
  interactiveBrowserClientId?: string;
  /** Python's visual_studio_code_tenant_id: VisualStudioCodeCredential's tenant (default tenantId). */
  visualStudioCodeTenantId?: string;
  /** Python's exclude_broker_credential: accepted; azid's chain has no broker credential, so it changes nothing. */
  excludeBrokerCredential?: boolean;
  /** azid extension: skip VisualStudioCodeCredential. */
  excludeVisualStudioCodeCredential?: boolean;
  /** azid extension: skip AzureCliCredential. */
  excludeAzureCliCredential?: boolean;
  /** azid extension: skip AzurePowerShellCredential. */
  excludeAzurePowerShellCredential?: boolean;
  /** azid extension: skip AzureDeveloperCliCredential. */
  excludeAzureDeveloperCliCredential?: boolean;
  /** azid extension: InteractiveBrowserCredential is excluded unless this is `false`. */
  excludeInteractiveBrowserCredential?: boolean;
}

/** Selects a user-assigned managed identity (and the workload identity's app) by client id. */
export interface DefaultAzureCredentialClientIdOptions extends DefaultAzureCredentialOptions {
  /** Default: AZURE_CLIENT_ID. */
  managedIdentityClientId?: string;
  /** Default: managedIdentityClientId, then AZURE_CLIENT_ID. */
  workloadIdentityClientId?: string;
}

/** Selects a user-assigned managed identity by its ARM resource id. */
export interface DefaultAzureCredentialResourceIdOptions extends DefaultAzureCredentialOptions {
  /** `/subscriptions/.../providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`. */
  managedIdentityResourceId: string;
}

const NAME = "DefaultAzureCredential";
const logger = credentialLogger(NAME);

/**
 * The credential for code that runs both on a developer's machine and in Azure: tries, in
 * `@azure/identity` 4.13's order, {@link EnvironmentCredential}, {@link WorkloadIdentityCredential},
 * {@link ManagedIdentityCredential}, {@link VisualStudioCodeCredential}, {@link AzureCliCredential},
 * {@link AzurePowerShellCredential} and {@link AzureDeveloperCliCredential} (Python's
 * SharedTokenCacheCredential and InteractiveBrowserCredential on request), and sticks to the first
 * that returns a token. `AZURE_TOKEN_CREDENTIALS` narrows the chain (`dev`, `prod`, or one credential's
 * name); the `exclude*` options drop members.
 *
 * An unavailable member is skipped; a member that is configured but fails stops the chain with its
 * error. When none is available: {@link AggregateAuthenticationError} with a fix per credential
 * (docs/troubleshooting.md#defaultazurecredential); `npx azid doctor` shows the same report.
 *
 * @example
 * ```ts
 * import { DefaultAzureCredential } from "@azid/identity";
 * import { BlobServiceClient } from "@azure/storage-blob";
 * const blobs = new BlobServiceClient("https://myaccount.blob.core.windows.net", new DefaultAzureCredential());
 * ```
 */
export class DefaultAzureCredential extends ChainedTokenCredential {
  readonly #members: ChainMember[];
  readonly #notTried: string[];
  /** The member that last produced a token: tried first (and alone) until it becomes unavailable. */
  #sticky: ChainMember | undefined;

  constructor(options?: DefaultAzureCredentialClientIdOptions);
  constructor(options?: DefaultAzureCredentialResourceIdOptions);
  constructor(options?: DefaultAzureCredentialOptions);
  constructor(options?: DefaultAzureCredentialOptions | DefaultAzureCredentialClientIdOptions | DefaultAzureCredentialResourceIdOptions) {
    const plan = planDefaultChain({ ...(options ?? {}) });
    super(...plan.members.map((m) => m.credential));
    this.#members = plan.members;
    this.#notTried = plan.credentials.flatMap((c) =>
      c.excludedBecause !== undefined && !isOffByDefault(c.excludedBecause) ? [`${c.name} (${c.excludedBecause})`] : [],
    );
    logger.info(`chain: ${plan.members.map((m) => m.name + (m.constructionError ? " (unavailable: could not be created)" : "")).join(" → ")}.`);
  }

  override getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return withGetTokenSpan(`${NAME}.getToken`, options, (inner) => this.#getToken(scopes, inner));
  }

  #getToken(scopes: string | string[], options: GetTokenOptions | undefined): Promise<AccessToken> {
    try {
      this.throwIfClosed();
    } catch (error) {
      return Promise.reject(error);
    }
    const sticky = this.#sticky;
    if (sticky === undefined) return this.#walk(scopes, options, undefined).then((r) => r.token);
    return sticky.credential.getToken(scopes, options).then(
      (token) => token ?? this.#walk(scopes, options, { member: sticky, error: noToken(sticky) }).then((r) => r.token),
      (error: unknown) => this.#afterStickyFailure(sticky, error, scopes, options).then((r) => r.token),
    );
  }

  /** Like getToken, and says which credential produced the token (the one DefaultAzureCredential now sticks to). */
  override async getTokenWithSource(
    scopes: string | string[],
    options?: GetTokenOptions,
  ): Promise<{
    /** The token. */
    token: AccessToken;
    /** The member of the chain that produced it. */
    credential: TokenCredential;
  }> {
    const sticky = this.#sticky;
    let result: { token: AccessToken; member: ChainMember };
    if (sticky === undefined) result = await this.#walk(scopes, options, undefined);
    else {
      try {
        const token = await sticky.credential.getToken(scopes, options);
        result = token !== null ? { token, member: sticky } : await this.#walk(scopes, options, { member: sticky, error: noToken(sticky) });
      } catch (error) {
        result = await this.#afterStickyFailure(sticky, error, scopes, options);
      }
    }
    return { token: result.token, credential: result.member.source };
  }

  /** The name of the credential later calls go to first, once one has succeeded (azid extension). */
  get selectedCredentialName(): string | undefined {
    return this.#sticky?.name;
  }

  #afterStickyFailure(
    sticky: ChainMember,
    error: unknown,
    scopes: string | string[],
    options: GetTokenOptions | undefined,
  ): Promise<{ token: AccessToken; member: ChainMember }> {
    if (!isChainContinue(error)) return Promise.reject(error);
    logger.info(`${sticky.name}, which got the previous token, is now unavailable; trying the chain again. ${oneLine(describe(error))}`);
    this.#sticky = undefined;
    return this.#walk(scopes, options, { member: sticky, error });
  }

  /** Tries each member in order; `known` is a member whose failure for this call is already known. */
  async #walk(
    scopes: string | string[],
    options: GetTokenOptions | undefined,
    known: { member: ChainMember; error: unknown } | undefined,
  ): Promise<{ token: AccessToken; member: ChainMember }> {
    ensureScopes(scopes); // a caller's mistake (TypeError) is not "unavailable": stop before trying anything
    const attempts: ChainAttempt[] = [];
    const found = await walkChain(this.#members, {
      name: (member) => member.name,
      getToken: (member) => (member === known?.member ? Promise.reject(known.error) : member.credential.getToken(scopes, options)),
      onContinue: (member, error, returnedNull) => {
        if (!returnedNull) logger.info(`${member.name} is unavailable; trying the next credential. ${oneLine(describe(error))}`);
        attempts.push({ name: member.name, error });
      },
      // A configured credential that fails must be fixed, not silently replaced by another identity.
      onStop: (member, error) => logger.info(`${member.name} failed; stopping the chain. ${oneLine(describe(error)).slice(0, 500)}`),
    });
    if (found !== undefined) {
      if (this.#sticky !== found.member) logger.info(`acquired a token from ${found.member.name}; later calls go straight to it.`);
      this.#sticky = found.member;
      return found;
    }
    // The failure report (a fix per credential) is loaded only when everything failed.
    const failure = (await import("../../lazy.js")).chainFailure(attempts, this.#notTried);
    logger.info(`getToken() => ${failure.message.split("\n")[0]}`);
    throw failure;
  }
}

/** A new DefaultAzureCredential, as @azure/identity's helper. */
export function getDefaultAzureCredential(): TokenCredential {
  return new DefaultAzureCredential();
}

function noToken(member: ChainMember): CredentialUnavailableError {
  return new CredentialUnavailableError(`${member.name} returned no token.`);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
