// The web and browser builds' bridge: none, for the reason azureLoggerBridge.web.ts gives (a
// pre-bundled azid cannot share the application's @azure/core-tracing instance). Spans there go
// through @opentelemetry/api's global tracer provider only (core/tracing.ts).
import type { AzureTracingClient } from "./azureTracingBridge.js";

/** Nothing to connect in web builds; resolves false. */
export function connectAzureTracing(): Promise<boolean> {
  return Promise.resolve(false);
}

/** Never a client in web builds. */
export function registeredAzureTracing(): AzureTracingClient | undefined {
  return undefined;
}
