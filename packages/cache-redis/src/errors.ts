// The errors this package can raise. Option mistakes are TypeError/RangeError at construction (as in
// the core); at run time the only error of its own is a fleet-wide back-off that outlasts the
// caller's deadline. Messages never carry a token, a key or a Redis value.

/**
 * Another process in the fleet was told to back off (HTTP 429/503 with Retry-After) for this token,
 * and the back-off ends after the caller's deadline. Shaped like azid's throttling errors:
 * `statusCode` and `retryAfterMs` (what is left of the back-off).
 */
export class FleetBackoffError extends Error {
  readonly statusCode: number;
  readonly retryAfterMs: number;

  constructor(statusCode: number, retryAfterMs: number) {
    super(
      `The token service answered HTTP ${statusCode} with Retry-After to another process of this fleet; ` +
        `every process holds off for ${Math.ceil(retryAfterMs / 1000)} s more (@azid/cache-redis fleet back-off). ` +
        "Retry later, or give getToken a longer requestOptions.timeout to wait it out.",
    );
    this.name = "FleetBackoffError";
    this.statusCode = statusCode;
    this.retryAfterMs = retryAfterMs;
  }
}

/** A Redis operation that missed its deadline (internal: it only ever means "fetch it yourself"). */
export class RedisDeadlineError extends Error {
  constructor(operation: string, ms: number) {
    super(`Redis ${operation} did not answer within ${ms} ms`);
    this.name = "RedisDeadlineError";
  }
}
