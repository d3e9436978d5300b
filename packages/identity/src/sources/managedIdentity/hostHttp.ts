// The transport, retry policy and User-Agent for one managed identity host. An injected `httpClient`
// is used as is (tests observe requests through it; pinning is then its job). Otherwise a Node client
// that allows plain http to exactly the host's endpoint origin, pins Service Fabric's certificate,
// and never goes through a proxy: these endpoints are host-local or link-local, a proxy cannot reach
// them, and it must not see their secret headers. Clients are shared per endpoint, so the common
// mistake of one credential per request does not open one connection pool per request.
import { createHttpContext } from "../../core/http/context.js";
import type { HttpClient } from "../../core/http/httpClient.js";
import { createNodeHttpClient } from "../../core/http/nodeHttpClient.js";
import type { TokenCredentialOptions } from "../../core/options.js";
import type { HostHttp, ManagedIdentityHost } from "./host.js";
import { hostRetryPolicy, imdsRetryPolicy } from "./retryPolicy.js";

const sharedClients = new Map<string, HttpClient>();

export function createHostHttp(host: ManagedIdentityHost, options: TokenCredentialOptions | undefined): HostHttp {
  const client = options?.httpClient ?? nodeClientFor(host, options?.tlsOptions?.ca);
  const context = createHttpContext({ ...options, httpClient: client });
  return {
    client,
    retry: host.kind === "imds" ? imdsRetryPolicy(options?.retryOptions) : hostRetryPolicy(options?.retryOptions),
    userAgent: context.userAgent,
    attemptTimeoutMs: context.attemptTimeoutMs,
  };
}

function nodeClientFor(host: ManagedIdentityHost, ca: string | string[] | undefined): HttpClient {
  const { httpOrigin, pinnedThumbprint } = host.transport;
  const create = () =>
    createNodeHttpClient({
      bypassProxy: true,
      ...(httpOrigin !== undefined ? { allowHttpOrigins: [httpOrigin] } : {}),
      ...(pinnedThumbprint !== undefined ? { pinnedCertificate: { sha1OrSha256Hex: pinnedThumbprint } } : {}),
      ...(ca !== undefined ? { ca } : {}),
    });
  if (ca !== undefined) return create();
  const key = `${httpOrigin ?? ""}\u0000${pinnedThumbprint ?? ""}`;
  let client = sharedClients.get(key);
  if (client === undefined) {
    client = create();
    if (sharedClients.size < 64) sharedClients.set(key, client);
  }
  return client;
}
