// Everything a protocol function needs to send a request for one credential: the transport, the
// retry policy and the User-Agent. Built once per credential from its options.
import type { TokenCredentialOptions } from "../options.js";
import { rejectPipelineOptions } from "../unsupportedOptions.js";
import { retryPolicy, type RetryPolicy } from "./retry.js";
import type { HttpClient, PooledHttpClient } from "./httpClient.js";
import { platformUserAgent, TRANSPORT_OPTIONS, transportFor } from "./defaultTransport.js";

export const SDK_VERSION = "0.1.0";

export interface HttpContext {
  client: HttpClient;
  retry: RetryPolicy;
  userAgent: string;
  /** Per-attempt deadline (ms). */
  attemptTimeoutMs: number;
  /** On close(): ends the keep-alive connections of azid's own transport (never a caller's httpClient). */
  release(): void;
}

let baseUserAgent: string | undefined;

export function createHttpContext(options: TokenCredentialOptions | undefined): HttpContext {
  rejectPipelineOptions("azid", options, TRANSPORT_OPTIONS);
  baseUserAgent ??= `azsdk-js-azid-identity/${SDK_VERSION} ${platformUserAgent()}`;
  const prefix = options?.userAgentOptions?.userAgentPrefix ?? options?.telemetryOptions?.applicationId;
  const client: HttpClient = options?.httpClient ?? transportFor(options);
  const own = options?.httpClient === undefined ? (client as Partial<PooledHttpClient>) : undefined;
  return {
    client,
    release: () => own?.closeConnections?.(),
    retry: retryPolicy(options?.retryOptions),
    userAgent: prefix ? `${prefix} ${baseUserAgent}` : baseUserAgent,
    attemptTimeoutMs: 15_000,
  };
}
