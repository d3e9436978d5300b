// @azure/logger as an optional peer: when the application has it installed, azid's identity lines
// also go through it, so `setLogLevel("info")` from @azure/logger (how every Azure SDK user turns
// logs on), its AZURE_LOG_LEVEL and its `AzureLogger.log` work for azid as for @azure/identity, under
// the same `azure:identity:<level>` namespace. azid's own setLogLevel/AzureLogger keep working.
//
// Loaded lazily, once, when the first credential is built (never when azid is imported), with a
// dynamic import() of the installed package: an ESM application gets the same module instance it
// imported itself, and the CommonJS build turns it into the same require() the application made.
// Without the package nothing happens and azid's core keeps zero runtime dependencies.
import { connectExternalLogger, type AzureLogLevel, type ExternalDebugger } from "./logger.js";
import { loadOptionalPeerExport } from "./optionalPeer.js";

type CreateClientLogger = (namespace: string) => Record<AzureLogLevel, ExternalDebugger>;
let connecting: Promise<boolean> | undefined;

/** Starts connecting to @azure/logger (once); resolves true when it is installed and connected. */
export function connectAzureLogger(): Promise<boolean> {
  connecting ??= loadOptionalPeerExport<CreateClientLogger>("@azure/logger", "createClientLogger").then((createClientLogger) => {
    if (createClientLogger === undefined) return false;
    connectExternalLogger(createClientLogger("identity"));
    return true;
  });
  return connecting;
}
