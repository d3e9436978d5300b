// A credential's window onto the shared cache: turns getToken(scopes, options) into a cache key,
// serves hits without allocating, and on a miss validates the request, resolves the tenant, and
// calls the credential's token source exactly once per key however many callers are waiting.
import { abortError, AuthenticationError, describeError } from "../errors.js";
import type { CredentialLogger } from "../logger.js";
import { ensureScopes } from "../scopes.js";
import { processMultiTenantRequest } from "../tenants.js";
import type { AccessToken, GetTokenOptions } from "../types.js";
import type { TokenRequest, TokenSource } from "../tokenSource.js";
import { tokenCache, CachePartition } from "./tokenCache.js";
import { isTracingEnabled, withGetTokenSpan } from "../tracing.js";
import { closedError } from "../closable.js";
import { withinLimits } from "../limits.js";
import { rejectProofOfPossession } from "../unsupportedOptions.js";
import { connectAzureLoggerAfterToken, connectAzureLoggerLater } from "../azureLoggerBridge.js";
import { connectAzureTracing } from "../azureTracingBridge.js";
import type { FleetCache } from "./fleetCache.js";

export interface TokenProviderOptions {
  /** Everything that identifies the identity: authority host, client id, credential fingerprint... */
  partition: string;
  tenantId: string | undefined;
  additionallyAllowedTenants: readonly string[];
  source: TokenSource;
  logger: CredentialLogger;
  /** Builds the claims parameter from a challenge and the CAE flag. */
  buildClaims?: (claims: string | undefined, enableCae: boolean) => string | undefined;
  /** Default overall deadline for a network acquisition (ms). */
  defaultTimeoutMs?: number;
  /**
   * App-only tokens (service principals, managed identity, workload identity, Pipelines) may be shared
   * through a fleet cache registered by a plugin (fleetCache.ts, docs/design/plugins.md). User tokens
   * never are, so a page that only signs users in bundles none of it.
   */
  fleet?: FleetCache;
  /**
   * The error a caller gets when its requestOptions.timeout passes before a token arrives. Default: an
   * AuthenticationError (ERR_DEADLINE). Managed identity says "unavailable" instead: no answer in time
   * there means no managed identity here.
   */
  deadlineError?: (timeoutMs: number) => Error;
  /** Releases what the source holds beyond this provider (keep-alive connections, persistent stores) on close(); close() returns what it returns. */
  onClose?: () => void | Promise<void>;
  /** Told each token a caller gets (accountLogging.ts's tokenDetailsLogger for loggingOptions). */
  onToken?: ((token: AccessToken) => void) | undefined;
}

const DEFAULT_TIMEOUT_MS = 60_000;

export class TokenProvider {
  readonly #options: TokenProviderOptions;
  #default: CachePartition;
  #cae: CachePartition;
  /** Aborted by close(): callers waiting for a token and the source's requests stop at once. */
  readonly #closing = new AbortController();
  /** What the first close() returned (onClose's release), for every later close() to await too. */
  #closed: void | Promise<void> = undefined;

  constructor(options: TokenProviderOptions) {
    this.#options = options;
    connectAzureLoggerLater();
    connectAzureTracing();
    this.#default = tokenCache.partition(this.#partitionName(options.tenantId, false));
    this.#cae = tokenCache.partition(this.#partitionName(options.tenantId, true));
  }

  #partitionName(tenantId: string | undefined, cae: boolean): string {
    return `${this.#options.partition}\u0000${tenantId ?? ""}\u0000${cae ? "cae" : "nocae"}`;
  }

  #partition(tenantId: string | undefined, cae: boolean): CachePartition {
    if (tenantId === this.#options.tenantId) {
      // The cache holds only partitions with entries; pick up this identity's current one before a miss.
      if (cae) return this.#cae.attached ? this.#cae : (this.#cae = tokenCache.partition(this.#cae.name));
      return this.#default.attached ? this.#default : (this.#default = tokenCache.partition(this.#default.name));
    }
    return tokenCache.partition(this.#partitionName(tenantId, cae));
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    // With an instrumenter or tracer provider registered (core/tracing.ts), every call gets a span, cache hits included.
    if (isTracingEnabled()) return withGetTokenSpan(`${this.#options.logger.title}.getToken`, options, (inner) => this.#getToken(scopes, inner));
    return this.#getToken(scopes, options, true);
  }

  /**
   * Stops this provider: later getToken calls reject, and callers waiting for a token (and the source's
   * requests, device-code polls, browser sign-ins) are aborted. Tokens already cached stay for other
   * credentials with the same identity.
   */
  close(): void | Promise<void> {
    if (this.#closing.signal.aborted) return this.#closed;
    this.#closing.abort(closedError(this.#options.logger.title));
    // A closed partition serves nothing, so the fast path below needs no extra check.
    this.#default = this.#cae = new CachePartition(tokenCache, "\u0000closed");
    return (this.#closed = this.#options.onClose?.());
  }

  #getToken(scopes: string | string[], options: GetTokenOptions | undefined, untraced = false): Promise<AccessToken> {
    // Fast path: the common call (no tenant override, no claims) answered by one Map lookup.
    if (
      options === undefined ||
      (options.claims === undefined &&
        options.tenantId === undefined &&
        options.proofOfPossessionOptions === undefined &&
        options.abortSignal?.aborted !== true)
    ) {
      const scopeKey = typeof scopes === "string" ? scopes : scopes.length === 1 ? scopes[0] : scopes.join(" ");
      const hit = (options?.enableCae === true ? this.#cae : this.#default).peek(scopeKey!);
      if (hit !== undefined) return hit;
    }
    // A miss: the application may have loaded @azure/core-tracing and registered an instrumenter since
    // this credential was built (azureTracingBridge.ts looks only here and at construction).
    if (untraced && connectAzureTracing() && isTracingEnabled()) {
      return withGetTokenSpan(`${this.#options.logger.title}.getToken`, options, (inner) => this.#acquire(scopes, inner ?? {}));
    }
    return this.#acquire(scopes, options ?? {});
  }

  async #acquire(rawScopes: string | string[], options: GetTokenOptions): Promise<AccessToken> {
    const { logger } = this.#options;
    if (this.#closing.signal.aborted) throw closedError(logger.title);
    if (options.abortSignal?.aborted) throw abortError();
    if (options.proofOfPossessionOptions !== undefined) throw rejectProofOfPossession(logger.title);
    const scopes = ensureScopes(rawScopes);
    const tenantId = processMultiTenantRequest(this.#options.tenantId, options.tenantId, this.#options.additionallyAllowedTenants);
    const enableCae = options.enableCae === true;
    const partition = this.#partition(tenantId, enableCae);
    const storeKey = scopes.length === 1 ? scopes[0]! : scopes.join(" ");
    if (options.claims === undefined) {
      const cached = partition.peek(storeKey);
      if (cached !== undefined) return cached;
    }
    const claims = this.#options.buildClaims ? this.#options.buildClaims(options.claims, enableCae) : options.claims;
    const timeoutMs = options.requestOptions?.timeout ?? this.#options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    const fetchWith = (requestClaims: string | undefined) => () => {
      const request: TokenRequest = { scopes, tenantId, claims: requestClaims, enableCae, deadline: Date.now() + timeoutMs, abortSignal: this.#closing.signal };
      return this.#options.source(request);
    };
    const { fleet } = this.#options;
    const fetch =
      fleet !== undefined && options.claims === undefined
        ? fleet.wrap(this.#partitionName(tenantId, enableCae), storeKey, fetchWith(claims), () => partition.entries.get(storeKey)?.token, timeoutMs)
        : fetchWith(claims);
    const onRefreshError = (error: unknown) =>
      logger.warning(`background token refresh failed; serving the cached token until it expires. ${describeError(error)}`);

    // A claims challenge means the cached token was rejected: skip the lookup, share the request with
    // concurrent challengers, and let the result replace the cached token.
    // A challenge's claims belong to that one request: later background refreshes go without them.
    const pending = partition.acquire(
      storeKey,
      fetch,
      options.claims === undefined
        ? { onRefreshError }
        : { inflightKey: `${storeKey}\u0000${options.claims}`, onRefreshError, refresh: fetchWith(this.#options.buildClaims?.(undefined, enableCae)) },
    );
    try {
      // One caller gives up (abort, timeout, close()) without cancelling the shared request for others.
      const callerTimeout = options.requestOptions?.timeout;
      const token = await withinLimits(withinLimits(pending, { abortSignal: this.#closing.signal }), {
        abortSignal: options.abortSignal,
        deadline: callerTimeout === undefined ? undefined : Date.now() + callerTimeout,
        onTimeout: () => (this.#options.deadlineError ?? deadlineError)(callerTimeout!),
      });
      logger.info(`getToken() => SUCCESS. Scopes: ${scopes.join(", ")}.`);
      this.#options.onToken?.(token);
      return token;
    } catch (error) {
      logger.info(`getToken() => ERROR. Scopes: ${scopes.join(", ")}. ${describeError(error)}`);
      throw error;
    } finally {
      // @azure/logger loads now, off the first token's path (azureLoggerBridge.ts); the lines held until then follow.
      connectAzureLoggerAfterToken();
    }
  }
}

/** What a caller's requestOptions.timeout ends with, unless the provider names its own error. */
function deadlineError(timeoutMs: number): Error {
  return new AuthenticationError(0, { error: "timeout", errorDescription: `No token within requestOptions.timeout (${timeoutMs} ms).` });
}
