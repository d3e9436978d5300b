// Every wait azid does for something else (a token request shared by several callers, a person at a
// browser or a device code) ends at the first of: its own outcome, an AbortSignal, a deadline. One
// helper for all of them: the token cache's callers (cache/tokenProvider.ts) and the sign-ins.
import { CredentialClosedError } from "./closable.js";
import { abortError } from "./errors.js";
import type { AbortSignalLike } from "./types.js";

export interface Limits {
  /** Absolute time (ms since the epoch); none: no deadline. */
  deadline?: number | undefined;
  abortSignal?: AbortSignalLike | undefined;
  /** The error to reject with when the deadline passes (required with a deadline). */
  onTimeout?: () => Error;
}

/**
 * Settles like `promise`, or rejects when the signal fires or the deadline passes, whichever comes
 * first. A fired signal rejects with an AbortError, or with the CredentialClosedError that close()
 * aborted it with. The promise itself goes on (another caller may still be waiting for it).
 */
export function withinLimits<T>(promise: Promise<T>, { deadline, abortSignal, onTimeout }: Limits): Promise<T> {
  if (abortSignal === undefined && deadline === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => finish(abortSignal!.reason instanceof CredentialClosedError ? abortSignal!.reason : abortError());
    const timer = deadline === undefined ? undefined : setTimeout(() => finish(onTimeout!()), Math.max(0, deadline - Date.now()));
    const finish = (error: unknown, value?: T) => {
      clearTimeout(timer);
      abortSignal?.removeEventListener("abort", onAbort);
      if (error !== undefined) reject(error);
      else resolve(value as T);
    };
    abortSignal?.addEventListener("abort", onAbort);
    if (abortSignal?.aborted) onAbort();
    promise.then(
      (value) => finish(undefined, value),
      (error: unknown) => finish(error ?? new Error("rejected")),
    );
  });
}

/** Sleeps `ms` (cut short by the deadline, which then throws) unless aborted first. */
export async function sleepWithinLimits(ms: number, limits: Limits & { deadline: number }): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Past the deadline the sleep never resolves on its own: the deadline's timeout error wins.
  const sleep = new Promise<void>((resolve) => {
    if (Date.now() + ms <= limits.deadline) timer = setTimeout(resolve, ms);
  });
  try {
    await withinLimits(sleep, limits);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
