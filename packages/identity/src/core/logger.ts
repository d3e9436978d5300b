// Logging shaped like @azure/identity's `logger` (an @azure/logger client logger): four levels,
// enabled by AZURE_LOG_LEVEL or setLogLevel(), written to stderr unless AzureLogger.log is replaced.
// As a last line of defence every line is scrubbed of anything shaped like a JWT or a secret field.

/** Log levels, from the most verbose; each includes the ones after it. */
export type AzureLogLevel = "verbose" | "info" | "warning" | "error";
const levels: readonly AzureLogLevel[] = ["verbose", "info", "warning", "error"];

export interface Debugger {
  (...args: unknown[]): void;
  enabled: boolean;
  readonly namespace: string;
  log: (...args: unknown[]) => void;
}

export interface AzureClientLogger {
  verbose: Debugger;
  info: Debugger;
  warning: Debugger;
  error: Debugger;
}

/** The global sink. Replace `AzureLogger.log` to capture every azid log line. */
export const AzureLogger: {
  /** Writes one log line (default: to stderr). */
  log: (...args: unknown[]) => void;
} = {
  log: (...args: unknown[]) => {
    process.stderr.write(args.map(String).join(" ") + "\n");
  },
};

let currentLevel: AzureLogLevel | undefined;
const allLoggers: AzureClientLogger[] = [];

const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const SECRET_FIELD_PATTERN = /((?:client_secret|client_assertion|password|refresh_token|access_token|assertion|secret)["']?\s*[=:]\s*["']?)[^&"'\s,}]+/gi;

/** Removes token- and secret-shaped substrings from a log line. */
export function scrubSecrets(text: string): string {
  return text.replace(JWT_PATTERN, "[REDACTED-JWT]").replace(SECRET_FIELD_PATTERN, "$1[REDACTED]");
}

/**
 * Where the identity lines that azid's own level leaves off go: azureLoggerBridge.ts hands them to
 * @azure/logger (holding them until the package is loaded), whose level decides. None in the web builds.
 */
let unlogged: ((level: AzureLogLevel, args: unknown[]) => void) | undefined;

/** Routes identity lines azid's level leaves off to `sink` (undefined: they are dropped). */
export function routeUnloggedLines(sink: ((level: AzureLogLevel, args: unknown[]) => void) | undefined): void {
  unlogged = sink;
}

/** A log line from a debugger's arguments, scrubbed. */
export function formatLine(args: unknown[]): string {
  return scrubSecrets(args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(" "));
}

function makeDebugger(namespace: string, level: AzureLogLevel): Debugger {
  const fn = ((...args: unknown[]) => {
    // One line, one sink: azid's own when its level is on, else @azure/logger's, if the application has it.
    if (fn.enabled) fn.log(`${namespace}:${level} ${formatLine(args)}`);
    else if (namespace === "azure:identity") unlogged?.(level, args);
  }) as Debugger;
  Object.defineProperty(fn, "namespace", { value: `${namespace}:${level}` });
  fn.enabled = false;
  fn.log = (...args: unknown[]) => AzureLogger.log(...args);
  return fn;
}

function applyLevel(logger: AzureClientLogger): void {
  const threshold = currentLevel === undefined ? levels.length : levels.indexOf(currentLevel);
  for (const [i, level] of levels.entries()) logger[level].enabled = i >= threshold;
}

/** Sets the level for every azid logger; `undefined` turns logging off. `debug` is accepted as `verbose` (Python's name). */
export function setLogLevel(level?: AzureLogLevel | "debug"): void {
  if (level === "debug") level = "verbose";
  if (level !== undefined && !levels.includes(level)) {
    throw new RangeError(`Unknown log level '${String(level)}'. Use one of: ${levels.join(", ")}.`);
  }
  currentLevel = level;
  for (const logger of allLoggers) applyLevel(logger);
}

/** The current log level (from `setLogLevel` or `AZURE_LOG_LEVEL`), or `undefined` when logging is off. */
export function getLogLevel(): AzureLogLevel | undefined {
  return currentLevel;
}

export function createClientLogger(namespace: string): AzureClientLogger {
  const logger: AzureClientLogger = {
    verbose: makeDebugger(`azure:${namespace}`, "verbose"),
    info: makeDebugger(`azure:${namespace}`, "info"),
    warning: makeDebugger(`azure:${namespace}`, "warning"),
    error: makeDebugger(`azure:${namespace}`, "error"),
  };
  allLoggers.push(logger);
  applyLevel(logger);
  return logger;
}

/** The identity logger, as exported by @azure/identity. */
export const logger = createClientLogger("identity");

{
  // `process.env.X` whole into a block's const, so the web builds (no environment: scripts/webBuild.mjs) drop this at build time.
  const level = process.env.AZURE_LOG_LEVEL?.trim().toLowerCase();
  if (level) {
    const fromEnv = level === "debug" ? "verbose" : level; // debug: the form Python's documentation uses
    if ((levels as readonly string[]).includes(fromEnv)) setLogLevel(fromEnv as AzureLogLevel);
    else process.stderr.write(`azid: ignoring AZURE_LOG_LEVEL='${fromEnv}'; use one of ${levels.join(", ")} (or debug, an alias of verbose)\n`);
  }
}

/** A per-credential view: `ClientSecretCredential => message`. */
export interface CredentialLogger {
  title: string;
  info(message: string): void;
  warning(message: string): void;
  verbose(message: string): void;
  error(message: string): void;
}

export function credentialLogger(title: string): CredentialLogger {
  return {
    title,
    info: (m) => logger.info(`${title} =>`, m),
    warning: (m) => logger.warning(`${title} =>`, m),
    verbose: (m) => logger.verbose(`${title} =>`, m),
    error: (m) => logger.error(`${title} =>`, m),
  };
}

/** `text` on one line: a reason as a credential gave it, newlines folded. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}
