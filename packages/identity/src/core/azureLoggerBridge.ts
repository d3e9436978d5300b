// @azure/logger as an optional peer: when the application has it installed, azid's identity lines
// also go through it, so `setLogLevel("info")` from @azure/logger (how every Azure SDK user turns
// logs on), its AZURE_LOG_LEVEL and its `AzureLogger.log` work for azid as for @azure/identity, under
// the same `azure:identity:<level>` namespace. azid's own setLogLevel/AzureLogger keep working.
//
// Loaded once, with a dynamic import() of the installed package: an ESM application gets the same
// module instance it imported itself, and the CommonJS build turns it into the same require() the
// application made. Without the package nothing happens and azid's core keeps zero runtime dependencies.
//
// Not before the first token: loading @azure/logger (with @typespec/ts-http-runtime's logger under it)
// costs a new process a few milliseconds of compiling, which a token from the persistent cache would
// otherwise wait for. An ESM application's copy can't be found without import(), and only
// @azure/logger knows whether its level wants a line, so building a credential holds the identity
// lines (logger.ts hands this module those its own level leaves off) and the import starts once the
// first getToken has settled (or 100 ms after the first credential was built, if none has by then:
// an interactive sign-in's lines are not held for minutes). The held lines then go to @azure/logger
// in order, as its level says at that moment.
import { formatLine, routeUnloggedLines, type AzureLogLevel } from "./logger.js";
import { loadOptionalPeerExport } from "./optionalPeer.js";

/** A debugger of @azure/logger's (its `enabled` follows @azure/logger's setLogLevel and AZURE_LOG_LEVEL). */
interface ExternalDebugger {
  (...args: unknown[]): void;
  readonly enabled: boolean;
}

type CreateClientLogger = (namespace: string) => Record<AzureLogLevel, ExternalDebugger>;

/** @azure/logger's identity debuggers, once found. */
let external: Record<AzureLogLevel, ExternalDebugger> | undefined;
/**
 * Identity lines logged while @azure/logger is yet to be loaded (until the first getToken settles),
 * which azid's own level leaves off: kept in order for @azure/logger, whose level only it knows.
 * undefined: nothing is waiting for it.
 */
let held: { level: AzureLogLevel; args: unknown[] }[] | undefined;
/** A bound on what is held (the wait is one getToken, or 100 ms: a few lines in practice). */
const MAX_HELD_LINES = 1000;

/** logger.ts's sink for the lines azid's level leaves off: held until @azure/logger is loaded, then its level decides. */
function toAzureLogger(level: AzureLogLevel, args: unknown[]): void {
  if (held !== undefined) {
    if (held.length < MAX_HELD_LINES) held.push({ level, args });
  } else if (external?.[level].enabled === true) external[level](formatLine(args));
}

/** From now until connectExternalLogger(), identity lines that azid's level leaves off are kept for @azure/logger. */
function holdExternalLines(): void {
  if (external !== undefined) return;
  held ??= [];
  routeUnloggedLines(toAzureLogger);
}

/**
 * Sends the identity logger's lines to @azure/logger too (undefined: it is not installed), when its
 * level asks for them and azid's does not; first the lines held for it, in order, as its level says now.
 */
function connectExternalLogger(debuggers: Record<AzureLogLevel, ExternalDebugger> | undefined): void {
  external = debuggers;
  const lines = held ?? [];
  held = undefined;
  routeUnloggedLines(debuggers === undefined ? undefined : toAzureLogger);
  for (const { level, args } of lines) toAzureLogger(level, args);
}
let connecting: Promise<boolean> | undefined;
/** Set by the first credential: connects if no getToken has settled by then. */
let fallback: ReturnType<typeof setTimeout> | undefined;
let scheduled = false;
const FALLBACK_MS = 100;

/** Connects to @azure/logger now (once); resolves true when it is installed and connected. */
export function connectAzureLogger(): Promise<boolean> {
  clearTimeout(fallback);
  connecting ??= loadOptionalPeerExport<CreateClientLogger>("@azure/logger", "createClientLogger").then((createClientLogger) => {
    connectExternalLogger(createClientLogger?.("identity"));
    return createClientLogger !== undefined;
  });
  return connecting;
}

/** A credential was built: hold identity lines for @azure/logger until a getToken settles (or 100 ms pass), then connect. */
export function connectAzureLoggerLater(): void {
  if (connecting !== undefined || fallback !== undefined) return;
  holdExternalLines();
  fallback = setTimeout(() => void connectAzureLogger(), FALLBACK_MS);
  fallback.unref?.();
}

/** A getToken settled: connect once the caller has its answer (import() resolves the package where it is called). */
export function connectAzureLoggerAfterToken(): void {
  if (connecting !== undefined || fallback === undefined || scheduled) return;
  scheduled = true;
  setImmediate(() => void connectAzureLogger());
}
