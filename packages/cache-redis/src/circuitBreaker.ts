// After repeated Redis failures, skip Redis for a while (every process then fetches its own tokens,
// as without the plugin). Operations that were in flight together and failed together (50 reads sent
// in one burst, one slow moment) are one failure, not fifty: only an operation started after the
// last counted failure counts again. Closed -> open after `failureThreshold` such failures; open for a
// cool-down that doubles on each failed probe up to `maxCooldownMs`; then half-open: exactly one
// operation probes, and its outcome closes or reopens the circuit.

export type BreakerState = "closed" | "open" | "half-open";

export interface CircuitBreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  maxCooldownMs: number;
  onChange?: (state: BreakerState, reason: string) => void;
}

export class CircuitBreaker {
  readonly #options: CircuitBreakerOptions;
  #failures = 0;
  #lastFailureAt = Number.NEGATIVE_INFINITY;
  #openUntil = 0;
  #cooldown: number;
  #state: BreakerState = "closed";
  #probing = false;

  constructor(options: CircuitBreakerOptions) {
    this.#options = options;
    this.#cooldown = options.cooldownMs;
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** Whether an operation may go to Redis now. In half-open, only the first caller gets true. */
  allow(now = Date.now()): boolean {
    if (this.#state === "closed") return true;
    if (this.#state === "open") {
      if (now < this.#openUntil) return false;
      this.#set("half-open", "cool-down over; one operation probes Redis");
    }
    if (this.#probing) return false;
    this.#probing = true;
    return true;
  }

  success(): void {
    this.#failures = 0;
    this.#probing = false;
    if (this.#state !== "closed") {
      this.#cooldown = this.#options.cooldownMs;
      this.#set("closed", "Redis answered again");
    }
  }

  /** `startedAt`: when the failed operation began (default: now, i.e. always counted). */
  failure(now = Date.now(), startedAt = now): void {
    if (this.#state === "closed" && startedAt < this.#lastFailureAt) return; // same burst as the last failure
    this.#lastFailureAt = now;
    this.#failures++;
    if (this.#state === "half-open") {
      this.#probing = false;
      this.#cooldown = Math.min(this.#options.maxCooldownMs, this.#cooldown * 2);
      this.#open(now, "the probe failed");
    } else if (this.#state === "closed" && this.#failures >= this.#options.failureThreshold) {
      this.#open(now, `${this.#failures} consecutive failures`);
    }
  }

  #open(now: number, reason: string): void {
    this.#openUntil = now + this.#cooldown;
    this.#set("open", `${reason}; skipping Redis for ${this.#cooldown} ms`);
  }

  #set(state: BreakerState, reason: string): void {
    this.#state = state;
    this.#options.onChange?.(state, reason);
  }
}
