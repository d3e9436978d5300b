// Where this package says what went wrong with Redis. Lines name the operation and the Redis key
// (a hash: no secret in it), never a value, a token or an encryption key. Repeats of the same kind
// of line are dropped for a while, so a dead Redis under load doesn't flood the log.

export interface CacheLogger {
  warning(message: string): void;
  info(message: string): void;
}

/** Default: warnings to stderr, info only when AZURE_LOG_LEVEL asks for it (as azid's own logger). */
export const stderrLogger: CacheLogger = {
  warning: (message) => process.stderr.write(`azid:cache-redis warning ${message}\n`),
  info: (message) => {
    if (/^(info|verbose)$/i.test(process.env.AZURE_LOG_LEVEL ?? "")) process.stderr.write(`azid:cache-redis info ${message}\n`);
  },
};

/** Passes each `kind` of line through at most once per `intervalMs`, counting what it dropped. */
export function rateLimited(logger: CacheLogger, intervalMs = 30_000): CacheLogger & { warningOnce(kind: string, message: string): void } {
  const last = new Map<string, { at: number; dropped: number }>();
  return {
    warning: (message) => logger.warning(message),
    info: (message) => logger.info(message),
    warningOnce(kind, message) {
      const now = Date.now();
      const seen = last.get(kind);
      if (seen !== undefined && now - seen.at < intervalMs) {
        seen.dropped++;
        return;
      }
      const suffix = seen !== undefined && seen.dropped > 0 ? ` (${seen.dropped} similar line(s) dropped)` : "";
      last.set(kind, { at: now, dropped: 0 });
      logger.warning(message + suffix);
    },
  };
}
