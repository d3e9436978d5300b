// Bounded retries for transient failures: 408, 429, 5xx and network errors, exponential back-off
// with jitter, honouring Retry-After, never past the caller's overall deadline. Timeouts of a single
// attempt are retried too (a hung connection is the classic transient failure), aborts never are.
import type { RetryOptions } from "../options.js";
import type { AbortSignalLike } from "../types.js";
import { TransportError, type HttpClient, type HttpRequest, type HttpResponse } from "./httpClient.js";
import { AuthenticationError } from "../errors.js";

export interface RetryPolicy {
  maxRetries: number;
  retryDelayInMs: number;
  maxRetryDelayInMs: number;
  /** Statuses worth another attempt. */
  retryStatuses: ReadonlySet<number>;
}

export const defaultRetryStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

export function retryPolicy(options: RetryOptions | undefined): RetryPolicy {
  return {
    maxRetries: clamp(options?.maxRetries ?? 3, 0, 10),
    retryDelayInMs: clamp(options?.retryDelayInMs ?? 800, 0, 60_000),
    maxRetryDelayInMs: clamp(options?.maxRetryDelayInMs ?? 60_000, 0, 600_000),
    retryStatuses: defaultRetryStatuses,
  };
}

function clamp(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`Retry option must be a finite number, received ${value}.`);
  return Math.min(max, Math.max(min, value));
}

/** Milliseconds a `Retry-After` (seconds or HTTP date) asks for; undefined when absent or unparsable. */
export function parseRetryAfter(headers: Record<string, string>, now = Date.now()): number | undefined {
  const value = headers["retry-after-ms"] ?? headers["x-ms-retry-after-ms"];
  if (value !== undefined && /^\d+$/.test(value)) return Number(value);
  const retryAfter = headers["retry-after"];
  if (retryAfter === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter.trim())) return Math.round(Number(retryAfter) * 1000);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A throttled or unavailable answer keeps the server's Retry-After, so a fleet cache can hold off too. */
export function withRetryAfter(error: unknown, response: { status: number; headers: Record<string, string> }): unknown {
  if (error instanceof AuthenticationError && (response.status === 429 || response.status === 503)) {
    const asked = parseRetryAfter(response.headers);
    if (asked !== undefined) error.retryAfterMs = asked;
  }
  return error;
}

export interface RetryContext {
  /** Absolute time (ms) after which no attempt may start or run. */
  deadline: number;
  /** Per-attempt deadline (ms). */
  attemptTimeoutMs: number;
  abortSignal?: AbortSignalLike;
  /** Total time attempts may spend without an answer before the endpoint counts as stalled (default STALL_BUDGET_MS). */
  stallBudgetMs?: number;
}

/**
 * A stalled endpoint (accepts and never answers, or trickles bytes) gives a typed error within 15 s:
 * the time spent in attempts that got no complete answer is budgeted across retries, so four attempts
 * of 15 s each can't add up to a minute. A shorter caller deadline (requestOptions.timeout) wins.
 */
export const STALL_BUDGET_MS = 14_000;

export interface RetryOutcome {
  response: HttpResponse;
  attempts: number;
}

/** Sends `request` until success, a non-retryable status, or the retry budget / deadline is spent. */
export async function sendWithRetry(
  client: HttpClient,
  request: Omit<HttpRequest, "timeoutMs" | "abortSignal">,
  policy: RetryPolicy,
  context: RetryContext,
): Promise<RetryOutcome> {
  let stallLeft = context.stallBudgetMs ?? STALL_BUDGET_MS;
  for (let attempt = 1; ; attempt++) {
    const remaining = context.deadline - Date.now();
    if (remaining <= 0) {
      throw new TransportError("TIMEOUT", `No response within the deadline after ${attempt - 1} attempt(s).`);
    }
    const attemptRequest: HttpRequest = { ...request, timeoutMs: Math.max(1, Math.min(context.attemptTimeoutMs, remaining, stallLeft)) };
    const attemptStarted = Date.now();
    if (context.abortSignal !== undefined) attemptRequest.abortSignal = context.abortSignal;
    let response: HttpResponse | undefined;
    let failure: TransportError | undefined;
    try {
      response = await client.sendRequest(attemptRequest);
    } catch (error) {
      if (
        !(error instanceof TransportError) ||
        error.code === "ABORTED" ||
        error.code === "INSECURE" ||
        error.code === "TOO_LARGE" ||
        error.code === "PROXY_REFUSED"
      )
        throw error;
      failure = error;
      if (error.code === "TIMEOUT") {
        stallLeft -= Date.now() - attemptStarted;
        if (stallLeft <= 0) {
          throw new TransportError(
            "TIMEOUT",
            `${error.message} The endpoint stalled: no complete answer within ${context.stallBudgetMs ?? STALL_BUDGET_MS} ms over ${attempt} attempt(s).`,
            { cause: error },
          );
        }
      }
    }
    if (response !== undefined && !policy.retryStatuses.has(response.status)) return { response, attempts: attempt };
    if (attempt > policy.maxRetries) {
      if (response !== undefined) return { response, attempts: attempt };
      throw new TransportError(failure!.code, `${failure!.message} (after ${attempt} attempts)`, { cause: failure });
    }
    const backoff = Math.min(policy.maxRetryDelayInMs, policy.retryDelayInMs * 2 ** (attempt - 1));
    const jittered = backoff * (0.8 + Math.random() * 0.4);
    const asked = response !== undefined ? parseRetryAfter(response.headers) : undefined;
    const delay = asked !== undefined ? Math.min(asked, policy.maxRetryDelayInMs) : jittered;
    if (Date.now() + delay >= context.deadline) {
      // Waiting would blow the deadline: report what we have rather than sleeping in vain.
      if (response !== undefined) return { response, attempts: attempt };
      throw new TransportError(failure!.code, `${failure!.message} (after ${attempt} attempts; deadline reached)`, { cause: failure });
    }
    await sleep(delay, context.abortSignal);
  }
}

export function sleep(ms: number, signal?: AbortSignalLike): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new TransportError("ABORTED", "The operation was aborted."));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new TransportError("ABORTED", "The operation was aborted."));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort);
  });
}
