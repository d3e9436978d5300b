// Retries for managed identity endpoints, per host. IMDS follows Azure's published guidance
// (https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token#error-handling):
//   404 (IMDS updating), 408, 429 (throttled), 5xx -> exponential back-off with jitter, honouring Retry-After;
//   410 (IMDS upgrading, back "within 70 seconds") -> keep trying for at least 70 s whatever maxRetries says;
//   other 4xx -> no retry.
// Other hosts retry 404/408/429/500/502/503/504 (msal's default managed identity policy). Every attempt has
// a deadline and the whole acquisition a bounded total time (the request's deadline). A refused or
// unreachable endpoint fails at once: nothing listens there, and a chain should move on without waiting.
import { parseRetryAfter, sleep } from "../../core/http/retry.js";
import { TransportError, type HttpClient, type HttpRequest, type HttpResponse } from "../../core/http/httpClient.js";
import type { RetryOptions } from "../../core/options.js";

export interface ManagedIdentityRetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Base of the exponential back-off. */
  retryDelayInMs: number;
  /** Cap of one delay (Retry-After included). */
  maxRetryDelayInMs: number;
  retryStatuses: ReadonlySet<number>;
  /** 410 Gone: keep retrying until at least this long after the first attempt, beyond maxRetries (IMDS: 70 s). */
  goneRetryWindowMs: number;
}

const IMDS_RETRY_STATUSES: ReadonlySet<number> = new Set([404, 408, 410, 429, 500, 502, 503, 504, 506, 507, 508, 510, 511]);
const HOST_RETRY_STATUSES: ReadonlySet<number> = new Set([404, 408, 429, 500, 502, 503, 504]);
/** IMDS "is available again within 70 seconds" after a 410; a little margin on top. */
export const IMDS_GONE_WINDOW_MS = 72_000;
/** During a 410 storm, poll at least this often. */
const GONE_MAX_DELAY_MS = 10_000;

export function imdsRetryPolicy(options: RetryOptions | undefined): ManagedIdentityRetryPolicy {
  return { ...fromOptions(options, 5), retryStatuses: IMDS_RETRY_STATUSES, goneRetryWindowMs: IMDS_GONE_WINDOW_MS };
}

export function hostRetryPolicy(options: RetryOptions | undefined): ManagedIdentityRetryPolicy {
  return { ...fromOptions(options, 3), retryStatuses: HOST_RETRY_STATUSES, goneRetryWindowMs: 0 };
}

function fromOptions(options: RetryOptions | undefined, defaultRetries: number) {
  return {
    maxRetries: clamp(options?.maxRetries ?? defaultRetries, 0, 20, "maxRetries"),
    retryDelayInMs: clamp(options?.retryDelayInMs ?? 800, 0, 60_000, "retryDelayInMs"),
    maxRetryDelayInMs: clamp(options?.maxRetryDelayInMs ?? 60_000, 0, 600_000, "maxRetryDelayInMs"),
  };
}

function clamp(value: number, min: number, max: number, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new RangeError(`retryOptions.${name} must be a finite number, received ${String(value)}.`);
  return Math.min(max, Math.max(min, value));
}

/** Errno codes meaning "nothing is listening there": not worth a retry. */
const UNREACHABLE = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "ENETWORKGUARD"]);

export function transportErrno(error: TransportError): string | undefined {
  const cause = error.cause as NodeJS.ErrnoException | undefined;
  return typeof cause?.code === "string" ? cause.code : undefined;
}

function retryable(error: TransportError): boolean {
  if (error.code === "TIMEOUT") return true;
  return error.code === "NETWORK" && !UNREACHABLE.has(transportErrno(error) ?? "");
}

export interface SendOutcome {
  response: HttpResponse;
  attempts: number;
}

/** Sends `request` until a final status, a non-retryable failure, or the retry budget or deadline is spent. */
export async function sendWithManagedIdentityRetry(
  client: HttpClient,
  request: Omit<HttpRequest, "timeoutMs" | "abortSignal">,
  policy: ManagedIdentityRetryPolicy,
  context: { deadline: number; attemptTimeoutMs: number },
): Promise<SendOutcome> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    const remaining = context.deadline - Date.now();
    if (remaining <= 0) throw new TransportError("TIMEOUT", `No response within the deadline (${attempt - 1} attempt(s)).`);
    let response: HttpResponse | undefined;
    let failure: TransportError | undefined;
    try {
      response = await client.sendRequest({ ...request, timeoutMs: Math.min(context.attemptTimeoutMs, remaining) });
    } catch (error) {
      if (!(error instanceof TransportError) || !retryable(error)) throw error;
      failure = error;
    }
    if (response !== undefined && !policy.retryStatuses.has(response.status)) return { response, attempts: attempt };
    const gone = response?.status === 410 && Date.now() - started < policy.goneRetryWindowMs;
    if (attempt > policy.maxRetries && !gone) return giveUp(response, failure, attempt, "retries exhausted");

    let delay = Math.min(policy.maxRetryDelayInMs, policy.retryDelayInMs * 2 ** Math.min(attempt - 1, 30)) * (0.8 + Math.random() * 0.4);
    if (response?.status === 410) delay = Math.min(delay, GONE_MAX_DELAY_MS);
    const asked = response !== undefined ? parseRetryAfter(response.headers) : undefined;
    if (asked !== undefined) delay = Math.min(asked, policy.maxRetryDelayInMs);
    // Waiting would blow the deadline: report what we have rather than sleeping in vain.
    if (Date.now() + delay >= context.deadline) return giveUp(response, failure, attempt, "deadline reached");
    await sleep(delay);
  }
}

function giveUp(response: HttpResponse | undefined, failure: TransportError | undefined, attempts: number, why: string): SendOutcome {
  if (response !== undefined) return { response, attempts };
  throw new TransportError(failure!.code, `${failure!.message} (${attempts} attempt(s); ${why})`, { cause: failure!.cause ?? failure });
}
