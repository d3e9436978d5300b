// The token store on Redis: reads, the single-flight lock, writes and the back-off marker for one
// token key, each against the per-operation deadline and through the circuit breaker. Every method
// resolves `undefined` when Redis could not answer (down, slow, circuit open, client not ready): the
// caller then fetches for itself. After one failure a session skips Redis for the rest of its
// getOrFetch, so a hung Redis costs one deadline per call, not one per step. Calls in flight together
// wait out their deadlines side by side (one deadline of wall time) and count as one breaker failure.
//
// The store counts replies only to tell, in its stats, a deadline missed while Redis answered nothing
// at all ("silent") from one missed while it answered other operations. Silence does not open the
// circuit: on 2 busy cores (load ~12) a healthy but CPU-starved redis-server was silent for over
// 200 ms 14 times in one 16-process cold start, and opening on silence made 750 token requests
// instead of 50.
import type { CircuitBreaker } from "./circuitBreaker.js";
import type { RedisCommands } from "./clients/types.js";
import { withDeadline } from "./deadline.js";
import { RedisDeadlineError } from "./errors.js";
import type { TokenKeys } from "./keyLayout.js";
import { EXTEND_LOCK, RELEASE_LOCK, STORE_AND_RELEASE } from "./scripts.js";
import { parseRecord, serializeRecord, type TokenRecord } from "./tokenRecord.js";
import type { ValueCodec } from "./valueCodec.js";

export interface Backoff {
  until: number;
  statusCode: number;
}

export interface StoreRead {
  record: TokenRecord | undefined;
  locked: boolean;
  backoff: Backoff | undefined;
}

export interface StoreEvents {
  /** A Redis operation failed or timed out (message already scrubbed of values). */
  failed(operation: string, message: string): void;
  /** A value was present but unusable: treated as a miss. */
  badValue(redisKey: string, reason: string): void;
  /** An operation was waited on for its whole deadline (`silent`: Redis answered nothing meanwhile). */
  deadlineMissed(operation: string, silent: boolean): void;
}

export class TokenStore {
  readonly #commands: RedisCommands;
  readonly #codec: ValueCodec;
  readonly #breaker: CircuitBreaker;
  readonly #timeoutMs: number;
  readonly #events: StoreEvents;
  /** Replies (values or errors) the client delivered, late ones included: proof that Redis is not stuck. */
  #replies = 0;
  readonly #replied = () => void this.#replies++;

  constructor(commands: RedisCommands, codec: ValueCodec, breaker: CircuitBreaker, timeoutMs: number, events: StoreEvents) {
    this.#commands = commands;
    this.#codec = codec;
    this.#breaker = breaker;
    this.#timeoutMs = timeoutMs;
    this.#events = events;
  }

  session(keys: TokenKeys): StoreSession {
    return new StoreSession(this, keys);
  }

  /** @internal Runs one Redis operation under the deadline and the breaker. */
  async run<T>(operation: string, call: (commands: RedisCommands) => Promise<T>): Promise<T | undefined> {
    if (!this.#breaker.allow()) return undefined;
    const startedAt = Date.now();
    if (!this.#commands.isReady()) {
      this.#breaker.failure();
      this.#events.failed(operation, "the client is not connected");
      return undefined;
    }
    const repliesBefore = this.#replies;
    try {
      const value = await withDeadline(operation, this.#timeoutMs, () => {
        const pending = call(this.#commands);
        pending.then(this.#replied, this.#replied);
        return pending;
      });
      this.#breaker.success();
      return value;
    } catch (error) {
      if (error instanceof RedisDeadlineError) this.#events.deadlineMissed(operation, this.#replies === repliesBefore);
      this.#breaker.failure(Date.now(), startedAt);
      this.#events.failed(operation, scrub(error));
      return undefined;
    }
  }

  /** @internal */
  decode(redisKey: string, value: string | null): TokenRecord | undefined {
    if (value === null) return undefined;
    const opened = this.#codec.open(redisKey, value);
    if (!opened.ok) {
      this.#events.badValue(redisKey, opened.reason);
      return undefined;
    }
    const record = parseRecord(opened.text);
    if (typeof record === "string") {
      this.#events.badValue(redisKey, `holds ${record}`);
      return undefined;
    }
    return record;
  }

  /** @internal */
  encode(redisKey: string, record: TokenRecord): string {
    return this.#codec.seal(redisKey, serializeRecord(record));
  }
}

export class StoreSession {
  readonly #store: TokenStore;
  readonly keys: TokenKeys;
  #failed = false;

  constructor(store: TokenStore, keys: TokenKeys) {
    this.#store = store;
    this.keys = keys;
  }

  /**
   * Lets a waiting session try Redis again after a failed poll: one slow moment must not send every
   * waiter to the token service. The circuit breaker still decides whether Redis is tried at all.
   */
  retry(): void {
    this.#failed = false;
  }

  async #run<T>(operation: string, call: (commands: RedisCommands) => Promise<T>): Promise<T | undefined> {
    if (this.#failed) return undefined;
    const value = await this.#store.run(operation, call);
    if (value === undefined) this.#failed = true;
    return value;
  }

  async read(): Promise<StoreRead | undefined> {
    const { token, lock, backoff } = this.keys;
    const values = await this.#run("MGET", (c) => c.mget([token, lock, backoff]));
    if (values === undefined) return undefined;
    return { record: this.#store.decode(token, values[0] ?? null), locked: values[1] != null, backoff: parseBackoff(values[2] ?? null) };
  }

  tryLock(owner: string, ttlMs: number): Promise<boolean | undefined> {
    return this.#run("SET NX PX", (c) => c.setPx(this.keys.lock, owner, ttlMs, true));
  }

  async extendLock(owner: string, ttlMs: number): Promise<void> {
    // Not through #run: a missed extension must not turn the rest of the fetch into "Redis is down".
    await this.#store.run("extend lock", (c) => c.eval(EXTEND_LOCK, [this.keys.lock], [owner, String(ttlMs)]));
  }

  async storeAndRelease(owner: string, record: TokenRecord, ttlMs: number): Promise<boolean> {
    const value = this.#store.encode(this.keys.token, record);
    return (
      (await this.#run("store", (c) =>
        c.eval(STORE_AND_RELEASE, [this.keys.token, this.keys.lock], [value, String(Math.max(1, Math.floor(ttlMs))), owner]),
      )) !== undefined
    );
  }

  async release(owner: string): Promise<void> {
    await this.#store.run("release lock", (c) => c.eval(RELEASE_LOCK, [this.keys.lock], [owner]));
  }

  async setBackoff(backoff: Backoff, ttlMs: number): Promise<void> {
    await this.#store.run("SET back-off", (c) =>
      c.setPx(this.keys.backoff, JSON.stringify({ u: backoff.until, s: backoff.statusCode }), Math.max(1, Math.floor(ttlMs)), false),
    );
  }
}

function parseBackoff(value: string | null): Backoff | undefined {
  if (value === null) return undefined;
  try {
    const parsed = JSON.parse(value) as { u?: unknown; s?: unknown };
    if (typeof parsed.u === "number" && Number.isFinite(parsed.u) && typeof parsed.s === "number") return { until: parsed.u, statusCode: parsed.s };
  } catch {
    // not ours: ignore it
  }
  return undefined;
}

/** An error's name and first line, with anything shaped like a stored value or a JWT removed. */
export function scrub(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text
    .split("\n")[0]!
    .replace(/azid1p?\.\S+/g, "[value]")
    .replace(/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, "[token]")
    .slice(0, 200);
}
