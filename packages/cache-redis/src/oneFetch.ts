// The one fetch a getOrFetch call may make. It can be started early, while Redis is still being
// asked (a caller with no token does not wait out a silent Redis), and every later path of the call
// that decides to fetch gets that same request instead of making a second one.
import type { AccessToken } from "./contract.js";

export class OneFetch {
  readonly #fetch: () => Promise<AccessToken>;
  #running: Promise<AccessToken> | undefined;

  constructor(fetch: () => Promise<AccessToken>) {
    this.#fetch = fetch;
  }

  get started(): boolean {
    return this.#running !== undefined;
  }

  /** The fetch: started now (and `onStart` called), or the one already running. */
  run(onStart: () => void): Promise<AccessToken> {
    if (this.#running === undefined) {
      onStart();
      this.#running = new Promise<AccessToken>((resolve) => resolve(this.#fetch()));
    }
    return this.#running;
  }
}
