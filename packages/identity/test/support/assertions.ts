// Small assertion helpers shared by the test files.
import assert from "node:assert/strict";

/** The error `promise` rejects with; fails the test if it fulfils. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  assert.fail("expected a rejection");
}

/** What `settledThisTurn` answers when `promise` had not settled. */
export const STILL_PENDING = Symbol("still pending");

/**
 * The outcome of `promise` if it settles before the event loop's next turn (only microtasks run,
 * no timer, no I/O such as a process exit or a socket close), else STILL_PENDING. Proves "rejects
 * at once" without measuring time: a rejection that waited for a kill, a timer or a peer cannot
 * arrive before setImmediate.
 */
export async function settledThisTurn(promise: Promise<unknown>): Promise<{ value: unknown } | { error: unknown } | typeof STILL_PENDING> {
  return Promise.race([
    promise.then(
      (value: unknown) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    new Promise<typeof STILL_PENDING>((resolve) => setImmediate(() => resolve(STILL_PENDING))),
  ]);
}
