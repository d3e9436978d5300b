// The transport a credential gets when it passes no `httpClient`, and the platform part of the
// User-Agent: Node's client here; fetch in the web builds (defaultTransport.web.ts, which
// scripts/build.mjs selects for the browser and workerd builds).
import type { TokenCredentialOptions } from "../options.js";
import type { HttpClient } from "./httpClient.js";
import { createNodeHttpClient, defaultHttpClient } from "./nodeHttpClient.js";

/** The transport options this platform has, for the messages that reject @azure/identity's pipeline options (core/unsupportedOptions.ts). */
export const TRANSPORT_OPTIONS = "For a proxy use proxyOptions, for extra CAs tlsOptions.ca. ";

/** The end of a network failure's message: what on this platform can route requests elsewhere. */
export const PROXY_HINT = " (and HTTPS_PROXY/NO_PROXY if you use a proxy)";

export function transportFor(options: Pick<TokenCredentialOptions, "proxyOptions" | "tlsOptions"> | undefined): HttpClient {
  if (options?.proxyOptions === undefined && options?.tlsOptions?.ca === undefined) return defaultHttpClient();
  const nodeOptions: Parameters<typeof createNodeHttpClient>[0] = {};
  if (options.proxyOptions !== undefined) nodeOptions.proxyOptions = options.proxyOptions;
  if (options.tlsOptions?.ca !== undefined) nodeOptions.ca = options.tlsOptions.ca;
  return createNodeHttpClient(nodeOptions);
}

export function platformUserAgent(): string {
  return `Node/${process.version} (${process.platform}; ${process.arch})`;
}
