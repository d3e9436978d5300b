// The one fetch a getOrFetch call may make. It can be started early, while Redis is still being
// asked (a caller with no token does not wait out a silent Redis), and every later path of the call
// that decides to fetch gets that same request instead of making a second one.
import type { AccessToken } from "./contract.js";

export class OneFetch {
  readonly #fetch: () => Promise<AccessToken>;
  #running: Promise<AccessToken> | undefined;
  #settle: ((token: Promise<AccessToken>) => void) | undefined;
  /** Settles with the fetch once one was started (never, if none was). */
  readonly settled: Promise<AccessToken>;

  constructor(fetch: () => Promise<AccessToken>) {
    this.#fetch = fetch;
    this.settled = new Promise<AccessToken>((resolve) => (this.#settle = resolve));
    this.settled.catch(() => undefined); // observed by whoever raced it; never an unhandled rejection
  }

  get started(): boolean {
    return this.#running !== undefined;
  }

  /** The fetch: started now (and `onStart` called), or the one already running. */
  run(onStart: () => void): Promise<AccessToken> {
    if (this.#running === undefined) {
      onStart();
      this.#running = new Promise<AccessToken>((resolve) => resolve(this.#fetch()));
      this.#settle?.(this.#running);
    }
    return this.#running;
  }
}
