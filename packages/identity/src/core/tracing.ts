// Tracing without a dependency: a span per getToken, written through the instrumenter the application
// registered with @azure/core-tracing's useInstrumenter (azureTracingBridge.ts finds the package when
// the application has loaded it), else to the OpenTelemetry tracer provider the application registered. @opentelemetry/api keeps what an application registers (its tracer provider,
// its context manager) on one process-wide global, keyed by Symbol.for("opentelemetry.js.api.1"), so
// every copy of the API in a process shares it; azid reads that global and never imports the API.
// @azure/opentelemetry-instrumentation-azure-sdk (how @azure/core-tracing reaches OpenTelemetry)
// writes to the same global tracer provider, so azid's spans land in the same pipeline as every
// other Azure SDK span. With nothing registered, a getToken costs one property read here.
//
// Spans look like @azure/identity's: named `<Credential>.getToken`, kind INTERNAL, attribute
// `az.namespace: Microsoft.AAD`, status left UNSET on success (the OpenTelemetry convention
// @azure/core-tracing follows) and ERROR with the exception recorded on failure. A span carries no
// scope, tenant, secret or token.
import { describeError } from "./errors.js";
import type { GetTokenOptions } from "./types.js";
import { registeredAzureTracing } from "./azureTracingBridge.js";

const OTEL_API = Symbol.for("opentelemetry.js.api.1");
/** The key @opentelemetry/api stores the active span under in a Context. */
const SPAN_KEY = Symbol.for("OpenTelemetry Context Key SPAN");
const SPAN_KIND_INTERNAL = 0;
const STATUS_ERROR = 2;
const TRACER_NAME = "@azid/identity";
const TRACER_VERSION = "0.1.0";

/** The parts of @opentelemetry/api's structural types azid uses. */
interface OtelContext {
  setValue(key: symbol, value: unknown): OtelContext;
}
interface OtelSpan {
  setStatus(status: { code: number; message?: string }): unknown;
  recordException(exception: unknown): unknown;
  end(): void;
}
interface OtelTracer {
  startSpan(name: string, options: { kind: number; attributes: Record<string, string> }, context?: OtelContext): OtelSpan;
}
interface OtelGlobal {
  trace?: { getTracer(name: string, version?: string): OtelTracer };
  context?: { active(): OtelContext; with<T>(context: OtelContext, fn: () => T): T };
}

/** The registered OpenTelemetry API state, or undefined when no tracer provider is registered. */
function registeredTracing(): OtelGlobal | undefined {
  const api = (globalThis as Record<symbol, OtelGlobal | undefined>)[OTEL_API];
  return api?.trace === undefined ? undefined : api;
}

/**
 * True when an @azure/core-tracing instrumenter or an OpenTelemetry tracer provider is registered:
 * callers skip span work (and allocation) otherwise. This is the one check on the cached getToken path.
 */
export function isTracingEnabled(): boolean {
  return (globalThis as Record<symbol, OtelGlobal | undefined>)[OTEL_API]?.trace !== undefined || registeredAzureTracing() !== undefined;
}

/**
 * Runs `fn` inside a span named `name`. The span's parent is `options.tracingOptions.tracingContext`
 * (as @azure/core-tracing passes it) or the active context; `fn` gets options whose tracingContext
 * holds the new span, so a chain's members nest under the chain.
 */
export async function withGetTokenSpan<T>(
  name: string,
  options: GetTokenOptions | undefined,
  fn: (options: GetTokenOptions | undefined) => Promise<T>,
): Promise<T> {
  // @azure/core-tracing's withSpan, as @azure/identity calls it: status success/error, the exception recorded.
  // Asked twice (a cached lookup) rather than kept in a const: the web builds' bridge returns undefined,
  // and esbuild drops this line only when the call itself is in the condition.
  if (registeredAzureTracing() !== undefined) return registeredAzureTracing()!.withSpan(name, options ?? {}, fn);
  const api = registeredTracing();
  if (api === undefined) return fn(options);
  const parent = options?.tracingOptions?.tracingContext as OtelContext | undefined;
  const tracer = api.trace!.getTracer(TRACER_NAME, TRACER_VERSION);
  const span = tracer.startSpan(name, { kind: SPAN_KIND_INTERNAL, attributes: { "az.namespace": "Microsoft.AAD" } }, parent);
  const base = parent ?? api.context?.active();
  const withSpan = base?.setValue(SPAN_KEY, span);
  const inner = withSpan === undefined ? options : { ...options, tracingOptions: { ...options?.tracingOptions, tracingContext: withSpan } };
  try {
    return await (withSpan !== undefined && api.context !== undefined ? api.context.with(withSpan, () => fn(inner)) : fn(inner));
  } catch (error) {
    span.setStatus({ code: STATUS_ERROR, message: describeError(error) });
    span.recordException(error instanceof Error ? error : String(error));
    throw error;
  } finally {
    span.end();
  }
}
