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

interface AzureLoggerModule {
  createClientLogger(namespace: string): Record<AzureLogLevel, ExternalDebugger>;
}

/** The package name in a variable: bundlers leave the import alone, type-checkers don't need its types. */
const PACKAGE = "@azure/logger";
let connecting: Promise<boolean> | undefined;

/** Starts connecting to @azure/logger (once); resolves true when it is installed and connected. */
export function connectAzureLogger(): Promise<boolean> {
  connecting ??= (import(PACKAGE) as Promise<Partial<AzureLoggerModule> & { default?: Partial<AzureLoggerModule> }>).then(
    (module) => {
      const createClientLogger = module.createClientLogger ?? module.default?.createClientLogger;
      if (typeof createClientLogger !== "function") return false;
      connectExternalLogger(createClientLogger("identity"));
      return true;
    },
    () => false,
  );
  return connecting;
}
