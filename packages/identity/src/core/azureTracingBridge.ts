// @azure/core-tracing as an optional peer: when the application registered an instrumenter with its
// useInstrumenter() (as @azure/opentelemetry-instrumentation-azure-sdk does, or an app's own
// instrumenter), azid's getToken spans go through that instrumenter, exactly where @azure/identity's
// go (core/tracing.ts picks this first, then @opentelemetry/api's global).
//
// Found, not imported: an application can only have registered an instrumenter on a core-tracing it
// has loaded, and core-tracing (1.1 and later, built by tshy) keeps that registration in one CommonJS
// module, dist/commonjs/state.js, which its ESM build re-exports, so either build of the app puts it in
// require.cache. azid looks for it there, synchronously: when a credential is built and, until found,
// on each getToken that misses the cache (an app may load core-tracing after building its credential).
// It never loads the package itself, so a process that does not use core-tracing pays nothing for it
// being installed. Only when an instrumenter is registered does azid require the CommonJS entry next to
// that state (its createTracingClient reads the same state) to make its tracing client.
//
// @azure/core-tracing does not export getInstrumenter(), so "registered" is read from that state:
// instrumenterImplementation is what useInstrumenter() sets (undefined: core-tracing's no-op default).
import { nodeModule } from "./nodeBuiltins.js";

/** The parts of @azure/core-tracing's TracingClient azid uses (structural; azid never imports its types). */
export interface AzureTracingClient {
  withSpan<Options extends { tracingOptions?: { tracingContext?: unknown } }, T>(
    name: string,
    operationOptions: Options,
    callback: (updatedOptions: Options) => Promise<T>,
  ): Promise<T>;
}

type CreateTracingClient = (options: { namespace: string; packageName: string; packageVersion?: string }) => AzureTracingClient;

/** core-tracing's shared state module, by the end of its path (POSIX or Windows separators). */
const STATE_SUFFIXES = ["/@azure/core-tracing/dist/commonjs/state.js", "\\@azure\\core-tracing\\dist\\commonjs\\state.js"];

let statePath: string | undefined;
let state: { instrumenterImplementation?: unknown } | undefined;
/** undefined: not made yet; null: core-tracing's entry could not be required next to its state (a layout azid does not know). */
let client: AzureTracingClient | null | undefined;
/** require.cache (one per process), and how many of its entries were looked at: a look reads only those loaded since. */
let moduleCache: NodeJS.Require["cache"] | undefined;
let looked = 0;

/**
 * Looks for @azure/core-tracing in require.cache (synchronously, once found never again); true when
 * the application has loaded it. Each look reads only the modules loaded since the last one (node adds
 * them at the end), so 50 cold misses in a process with 700 CommonJS modules read those once, not 50
 * times. Cheap enough for construction and cache misses, not for cache hits.
 */
export function connectAzureTracing(): boolean {
  if (state !== undefined) return true;
  // Any absolute path will do: require.cache is one per process.
  moduleCache ??= nodeModule().createRequire(`${process.cwd()}/`).cache;
  const paths = Object.keys(moduleCache);
  // Fewer than last time: entries were deleted (a reload), so read them all again.
  for (let i = paths.length < looked ? 0 : looked; i < paths.length; i++) {
    const path = paths[i]!;
    if (!STATE_SUFFIXES.some((suffix) => path.endsWith(suffix))) continue;
    const exported = (moduleCache[path]?.exports as { state?: unknown } | undefined)?.state;
    if (typeof exported !== "object" || exported === null) continue;
    statePath = path;
    state = exported as { instrumenterImplementation?: unknown };
    return true;
  }
  looked = paths.length;
  return false;
}

/** The tracing client when @azure/core-tracing is loaded and an instrumenter is registered; undefined otherwise. */
export function registeredAzureTracing(): AzureTracingClient | undefined {
  if (state?.instrumenterImplementation === undefined) return undefined;
  if (client === undefined) client = createClient(statePath!);
  return client ?? undefined;
}

function createClient(stateFile: string): AzureTracingClient | null {
  try {
    const entry = nodeModule().createRequire(stateFile)("./index.js") as { createTracingClient?: CreateTracingClient };
    if (typeof entry.createTracingClient !== "function") return null;
    // Named as @azure/identity's client (namespace Microsoft.AAD), with azid's package name.
    return entry.createTracingClient({ namespace: "Microsoft.AAD", packageName: "@azid/identity", packageVersion: "0.1.0" });
  } catch {
    return null;
  }
}
