// Waiting for a person (a browser redirect, a device-code approval) must never hang: every wait is
// bounded by a deadline and ends at once when the caller's AbortSignal fires.
import { abortError } from "../../core/errors.js";
import type { AbortSignalLike } from "../../core/types.js";

export interface Limits {
  /** Absolute time (ms since the epoch). */
  deadline: number;
  abortSignal?: AbortSignalLike | undefined;
  /** The error to throw when the deadline passes. */
  onTimeout: () => Error;
}

/** Settles like `promise`, or rejects with AbortError / the timeout error, whichever comes first. */
export function withinLimits<T>(promise: Promise<T>, limits: Limits): Promise<T> {
  const { abortSignal } = limits;
  if (abortSignal?.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => finish(abortError());
    const timer = setTimeout(() => finish(limits.onTimeout()), Math.max(0, limits.deadline - Date.now()));
    const finish = (error: unknown, value?: T) => {
      clearTimeout(timer);
      abortSignal?.removeEventListener("abort", onAbort);
      if (error !== undefined) reject(error);
      else resolve(value as T);
    };
    abortSignal?.addEventListener("abort", onAbort);
    promise.then(
      (value) => finish(undefined, value),
      (error: unknown) => finish(error ?? new Error("rejected")),
    );
  });
}

/** Sleeps `ms` (cut short by the deadline, which then throws) unless aborted first. */
export async function sleepWithinLimits(ms: number, limits: Limits): Promise<void> {
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

/** min(now + each defined timeout). */
export function deadlineFrom(...timeoutsMs: Array<number | undefined>): number {
  const defined = timeoutsMs.filter((t): t is number => typeof t === "number" && Number.isFinite(t) && t >= 0);
  return Date.now() + (defined.length === 0 ? 60_000 : Math.min(...defined));
}
