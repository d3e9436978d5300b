// @azure/core-tracing as an optional peer: when the application has it installed and registered an
// instrumenter with its useInstrumenter() (as @azure/opentelemetry-instrumentation-azure-sdk does, or
// an app's own instrumenter), azid's getToken spans go through that instrumenter, exactly where
// @azure/identity's go (core/tracing.ts picks this first, then @opentelemetry/api's global).
//
// Loaded lazily, once, when the first credential is built (never when azid is imported), like
// azureLoggerBridge.ts: a dynamic import() of the installed package, so an ESM application shares its
// module instance, and the CommonJS build's require() shares @azure/core-tracing's CJS state (which its
// ESM build re-exports). Without the package nothing happens; azid's core keeps zero dependencies.
//
// @azure/core-tracing does not export getInstrumenter(), so "registered" is probed through the
// tracing client: the default (no-op) instrumenter parses no traceparent header; any real one does.

import { loadOptionalPeerExport } from "./optionalPeer.js";

/** The parts of @azure/core-tracing's TracingClient azid uses (structural; azid never imports its types). */
export interface AzureTracingClient {
  withSpan<Options extends { tracingOptions?: { tracingContext?: unknown } }, T>(
    name: string,
    operationOptions: Options,
    callback: (updatedOptions: Options) => Promise<T>,
  ): Promise<T>;
  parseTraceparentHeader(header: string): unknown;
}

type CreateTracingClient = (options: { namespace: string; packageName: string; packageVersion?: string }) => AzureTracingClient;

/** A well-formed W3C traceparent: only a registered instrumenter turns it into a context. */
const PROBE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
let client: AzureTracingClient | undefined;
let connecting: Promise<boolean> | undefined;

/** Starts loading @azure/core-tracing (once); resolves true when it is installed. */
export function connectAzureTracing(): Promise<boolean> {
  connecting ??= loadOptionalPeerExport<CreateTracingClient>("@azure/core-tracing", "createTracingClient").then((create) => {
    if (create === undefined) return false;
    // Named as @azure/identity's client (namespace Microsoft.AAD), with azid's package name.
    client = create({ namespace: "Microsoft.AAD", packageName: "@azid/identity", packageVersion: "0.1.0" });
    return true;
  });
  return connecting;
}

/** The tracing client when @azure/core-tracing is loaded and an instrumenter is registered; undefined otherwise. */
export function registeredAzureTracing(): AzureTracingClient | undefined {
  return client !== undefined && client.parseTraceparentHeader(PROBE) !== undefined ? client : undefined;
}
