// The web and browser builds' bridge: none, for the reason azureLoggerBridge.web.ts gives (a
// pre-bundled azid cannot share the application's @azure/core-tracing instance). Spans there go
// through @opentelemetry/api's global tracer provider only (core/tracing.ts).
import type { AzureTracingClient } from "./azureTracingBridge.js";

/** Nothing to find in web builds. */
export function connectAzureTracing(): boolean {
  return false;
}

/** Never a client in web builds. */
export function registeredAzureTracing(): AzureTracingClient | undefined {
  return undefined;
}
