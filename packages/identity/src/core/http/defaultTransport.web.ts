// The web builds' default transport (selected instead of defaultTransport.ts by scripts/build.mjs):
// one shared fetch client. fetch has no per-request proxy or CA, so those options fail at
// construction saying where the runtime configures them.
import type { TokenCredentialOptions } from "../options.js";
import type { HttpClient } from "./httpClient.js";
import { createFetchHttpClient } from "./fetchHttpClient.js";

/** fetch has no transport options of its own (defaultTransport.ts's has proxyOptions and tlsOptions.ca). */
export const TRANSPORT_OPTIONS = "";

/** The runtime (browser, workerd) routes fetch; no proxy variables to name. */
export const PROXY_HINT = "";

let shared: HttpClient | undefined;

export function transportFor(options: Pick<TokenCredentialOptions, "proxyOptions" | "tlsOptions"> | undefined): HttpClient {
  if (options?.proxyOptions !== undefined) {
    throw new TypeError(
      "proxyOptions can't be used with fetch (browsers, workerd): the runtime's own proxy settings apply. Remove proxyOptions, or pass an httpClient that goes through your proxy.",
    );
  }
  if (options?.tlsOptions?.ca !== undefined) {
    throw new TypeError(
      "tlsOptions.ca can't be used with fetch (browsers, workerd): trust the CA in the runtime instead (the OS or browser certificate store; Deno: DENO_CERT), or pass an httpClient.",
    );
  }
  return (shared ??= createFetchHttpClient());
}

export function platformUserAgent(): string {
  return "web";
}
