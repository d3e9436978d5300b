// redisCachePlugin's options: checked once, at construction, with typed errors that name the option
// and never echo a key. Defaults are the design's: 200 ms per Redis operation, encryption required.
import { Buffer } from "node:buffer";
import type { CircuitBreakerOptions } from "./circuitBreaker.js";
import type { CacheLogger } from "./log.js";

export interface RedisCachePluginOptions {
  /** A connected node-redis (`redis`), ioredis or iovalkey client, or a cluster client of either. */
  client: unknown;
  /** Prefix of every key this package writes (default "azid"). */
  keyPrefix?: string;
  /**
   * AES-256 keys (32 bytes each: Uint8Array, or a base64/base64url/hex string), the same in every
   * process of the fleet. The first encrypts, any decrypts: to rotate, put the new key first and
   * drop the old one after the longest token lifetime (24 h for managed identity).
   */
  encryptionKeys?: ReadonlyArray<Uint8Array | string>;
  /** Store tokens in Redis unencrypted (only without encryptionKeys). Default false. */
  allowUnencrypted?: boolean;
  /** Deadline of each Redis operation (default 200 ms). */
  operationTimeoutMs?: number;
  /** TTL of the single-flight lock; its owner extends it while fetching (default 3000 ms). */
  lockTtlMs?: number;
  /** Longest wait for another process's fetch before fetching here (default 30 s, never past the caller's deadline). */
  maxWaitMs?: number;
  /** Fraction of the refresh window over which processes spread their refresh moment (default 0.1). */
  refreshJitter?: number;
  /** Cap on a fleet-wide back-off taken from Retry-After (default 300 s). */
  maxBackoffMs?: number;
  circuitBreaker?: Partial<Pick<CircuitBreakerOptions, "failureThreshold" | "cooldownMs" | "maxCooldownMs">>;
  /** Where warnings go (default: stderr, rate-limited). Lines never contain tokens, values or keys. */
  logger?: CacheLogger;
}

export interface ResolvedOptions {
  keyPrefix: string;
  encryptionKeys: Buffer[];
  operationTimeoutMs: number;
  lockTtlMs: number;
  maxWaitMs: number;
  refreshJitter: number;
  maxBackoffMs: number;
  breaker: Pick<CircuitBreakerOptions, "failureThreshold" | "cooldownMs" | "maxCooldownMs">;
  logger: CacheLogger | undefined;
}

const NAME = "redisCachePlugin";

function numberOption(options: Record<string, unknown>, name: string, fallback: number, min: number, max: number, where = ""): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value)) throw new TypeError(`${NAME}: ${where}${name} must be a number (received ${typeof value}).`);
  if (value < min || value > max) throw new RangeError(`${NAME}: ${where}${name} must be between ${min} and ${max} (received ${value}).`);
  return value;
}

function decodeKey(value: unknown, index: number): Buffer {
  let bytes: Buffer | undefined;
  if (value instanceof Uint8Array) bytes = Buffer.from(value);
  else if (typeof value === "string") {
    const text = value.trim();
    if (/^[0-9a-fA-F]{64}$/.test(text)) bytes = Buffer.from(text, "hex");
    else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) bytes = Buffer.from(text, "base64");
    else throw new TypeError(`${NAME}: encryptionKeys[${index}] is a string but neither base64 nor hex.`);
  } else {
    throw new TypeError(`${NAME}: encryptionKeys[${index}] must be a Uint8Array or a base64/hex string (received ${value === null ? "null" : typeof value}).`);
  }
  if (bytes.length !== 32) {
    throw new RangeError(
      `${NAME}: encryptionKeys[${index}] must be 32 bytes for AES-256-GCM (received ${bytes.length} bytes). Make one with crypto.randomBytes(32).`,
    );
  }
  return bytes;
}

export function resolveOptions(input: RedisCachePluginOptions): ResolvedOptions {
  if (typeof input !== "object" || input === null) throw new TypeError(`${NAME}: expected an options object with at least \`client\`.`);
  const options = input as unknown as Record<string, unknown>;
  const prefix = options.keyPrefix ?? "azid";
  if (typeof prefix !== "string" || !/^[A-Za-z0-9:_.-]{1,64}$/.test(prefix)) {
    throw new TypeError(
      `${NAME}: keyPrefix must be 1-64 characters of letters, digits, ':', '_', '.' or '-' (no braces: they would break the cluster hash tag).`,
    );
  }
  const rawKeys = options.encryptionKeys ?? [];
  if (!Array.isArray(rawKeys)) throw new TypeError(`${NAME}: encryptionKeys must be an array of keys (the first encrypts, any decrypts).`);
  const encryptionKeys = rawKeys.map(decodeKey);
  const allowUnencrypted = options.allowUnencrypted ?? false;
  if (typeof allowUnencrypted !== "boolean") throw new TypeError(`${NAME}: allowUnencrypted must be true or false.`);
  if (encryptionKeys.length === 0 && !allowUnencrypted) {
    throw new TypeError(
      `${NAME}: tokens are encrypted in Redis by default, and no encryptionKeys were given. Pass encryptionKeys: [a 32-byte key shared by the fleet, e.g. from crypto.randomBytes(32)], ` +
        "or opt in to plaintext storage with allowUnencrypted: true.",
    );
  }
  const breakerInput = options.circuitBreaker ?? {};
  if (typeof breakerInput !== "object" || breakerInput === null) throw new TypeError(`${NAME}: circuitBreaker must be an object.`);
  const breakerOptions = breakerInput as Record<string, unknown>;
  const logger = options.logger;
  if (
    logger !== undefined &&
    (typeof logger !== "object" ||
      logger === null ||
      typeof (logger as CacheLogger).warning !== "function" ||
      typeof (logger as CacheLogger).info !== "function")
  ) {
    throw new TypeError(`${NAME}: logger must have warning(message) and info(message) methods.`);
  }
  const cooldownMs = numberOption(breakerOptions, "cooldownMs", 5_000, 10, 600_000, "circuitBreaker.");
  return {
    keyPrefix: prefix,
    encryptionKeys,
    operationTimeoutMs: numberOption(options, "operationTimeoutMs", 200, 1, 10_000),
    lockTtlMs: numberOption(options, "lockTtlMs", 3_000, 100, 120_000),
    maxWaitMs: numberOption(options, "maxWaitMs", 30_000, 0, 600_000),
    refreshJitter: numberOption(options, "refreshJitter", 0.1, 0, 0.5),
    maxBackoffMs: numberOption(options, "maxBackoffMs", 300_000, 0, 3_600_000),
    breaker: {
      failureThreshold: numberOption(breakerOptions, "failureThreshold", 5, 1, 1_000, "circuitBreaker."),
      cooldownMs,
      maxCooldownMs: Math.max(cooldownMs, numberOption(breakerOptions, "maxCooldownMs", 60_000, 10, 3_600_000, "circuitBreaker.")),
    },
    logger: logger as CacheLogger | undefined,
  };
}
