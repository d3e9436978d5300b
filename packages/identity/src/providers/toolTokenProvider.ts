// What the three developer-tool credentials share: checks that run before anything can spawn,
// the one process-wide cache (TokenProvider: concurrent calls for a scope share one child process,
// later calls are hits), the process deadline, and cancellation.
//
// Cancellation and single-flight pull in opposite directions: one caller's AbortSignal must not
// kill the process another caller is waiting for. So a process is killed only when every caller
// waiting in this tool's cache partition has aborted; until then an aborting caller just stops
// waiting (TokenProvider rejects it at once).
import { TokenProvider } from "../core/cache/tokenProvider.js";
import type { TokenRequest } from "../core/tokenSource.js";
import type { CredentialLogger } from "../core/logger.js";
import type { LoggingOptions } from "../core/options.js";
import { tokenDetailsLogger } from "../core/accountLogging.js";
import { ensureScopes } from "../core/scopes.js";
import type { AccessToken, GetTokenOptions } from "../core/types.js";

export interface ToolFetchRequest extends TokenRequest {
  /** Kill the process when this fires. */
  signal: AbortSignal;
  /** Milliseconds the process may run. */
  timeoutMs: number;
}

export interface ToolTokenProviderSettings {
  /** Identifies the tool and its account selection (tool + subscription). */
  partition: string;
  tenantId: string | undefined;
  additionallyAllowedTenants: readonly string[];
  processTimeoutInMs: number;
  logger: CredentialLogger;
  /** allowLoggingAccountIdentifiers / enableUnsafeSupportLogging: the account a tool's token was issued to is logged as for the other credentials. */
  loggingOptions?: LoggingOptions | undefined;
  /** Validates a request (scopes, requested tenant, claims) before the cache or a process is involved. Throws. */
  check(scopes: string[], options: GetTokenOptions | undefined): void;
  fetch(request: ToolFetchRequest): Promise<AccessToken>;
}

/** Who is waiting on the processes of one partition (shared by every credential instance using it). */
class Waiters {
  waiting = 0;
  running = 0;
  controller = new AbortController();
  abortAll(): void {
    this.controller.abort();
    this.controller = new AbortController();
  }
}
const waitersByPartition = new Map<string, Waiters>();
/** How far behind getToken the process may start and still count as having the whole processTimeoutInMs. */
const DEADLINE_LAG_MS = 100;

export class ToolTokenProvider {
  readonly #settings: ToolTokenProviderSettings;
  readonly #provider: TokenProvider;
  readonly #waiters: Waiters;

  constructor(settings: ToolTokenProviderSettings) {
    this.#settings = settings;
    let waiters = waitersByPartition.get(settings.partition);
    if (waiters === undefined) waitersByPartition.set(settings.partition, (waiters = new Waiters()));
    this.#waiters = waiters;
    this.#provider = new TokenProvider({
      partition: settings.partition,
      tenantId: settings.tenantId,
      additionallyAllowedTenants: settings.additionallyAllowedTenants,
      logger: settings.logger,
      defaultTimeoutMs: settings.processTimeoutInMs,
      source: (request) => this.#fetch(request),
      onToken: tokenDetailsLogger(settings.logger, settings.loggingOptions),
    });
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    try {
      const list = typeof scopes === "string" ? [scopes] : scopes;
      if (!Array.isArray(list) || list.length === 0) ensureScopes(list); // a caller bug: TypeError
      this.#settings.check(list, options);
    } catch (error) {
      this.#settings.logger.info(`getToken() => ERROR. ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      return Promise.reject(error);
    }
    const waiters = this.#waiters;
    const signal = options?.abortSignal;
    const promise = this.#provider.getToken(scopes, options);
    // A miss starts its process synchronously inside getToken, so `running` already counts it;
    // a hit with no signal has nothing to protect or cancel.
    if (signal === undefined && waiters.running === 0) return promise;
    waiters.waiting++;
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      waiters.waiting--;
    };
    const onAbort = () => {
      release();
      if (waiters.waiting === 0 && waiters.running > 0) waiters.abortAll();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    return promise.finally(() => {
      signal?.removeEventListener("abort", onAbort);
      release();
    });
  }

  /** Closes the provider; a tool process still running for it is stopped (it would keep the process alive). */
  close(): void {
    this.#provider.close();
    if (this.#waiters.running > 0) this.#waiters.abortAll();
  }

  async #fetch(request: TokenRequest): Promise<AccessToken> {
    const waiters = this.#waiters;
    const signal = waiters.controller.signal;
    waiters.running++;
    try {
      // Without a caller's requestOptions.timeout the deadline is processTimeoutInMs from getToken: the
      // milliseconds since then are not taken from the tool, which gets (and errors naming) the configured
      // value. A caller's shorter deadline still ends the process sooner.
      const { processTimeoutInMs } = this.#settings;
      const left = request.deadline - Date.now();
      const timeoutMs = left > processTimeoutInMs - DEADLINE_LAG_MS ? processTimeoutInMs : Math.max(1, left);
      return await this.#settings.fetch({ ...request, signal, timeoutMs });
    } finally {
      waiters.running--;
    }
  }
}
