// The transport, retry policy and User-Agent for one managed identity host. An injected `httpClient`
// is used as is (tests observe requests through it; pinning is then its job). Otherwise a Node client
// that allows plain http to exactly the host's endpoint origin, pins Service Fabric's certificate,
// and never goes through a proxy: these endpoints are host-local or link-local, a proxy cannot reach
// them, and it must not see their secret headers. Clients are shared per endpoint, so the common
// mistake of one credential per request does not open one connection pool per request; each counts
// its users, and the last to close ends its keep-alive connections (other live credentials keep theirs).
import { createHttpContext } from "../../core/http/context.js";
import type { PooledHttpClient } from "../../core/http/httpClient.js";
import { createNodeHttpClient, type NodeHttpClientOptions } from "../../core/http/nodeHttpClient.js";
import type { TokenCredentialOptions } from "../../core/options.js";
import type { HostHttp, ManagedIdentityHost } from "./host.js";
import { hostRetryPolicy, imdsRetryPolicy } from "./retryPolicy.js";

interface SharedClient {
  client: PooledHttpClient;
  /** Credentials (and DefaultAzureCredential's IMDS probes) that have not released it yet. */
  users: number;
}
const sharedClients = new Map<string, SharedClient>();

export function createHostHttp(host: ManagedIdentityHost, options: TokenCredentialOptions | undefined): HostHttp {
  const own = options?.httpClient === undefined ? nodeClientFor(host, options?.tlsOptions?.ca) : undefined;
  const client = options?.httpClient ?? own!.client;
  const context = createHttpContext({ ...options, httpClient: client });
  let released = false;
  return {
    client,
    retry: host.kind === "imds" ? imdsRetryPolicy(options?.retryOptions) : hostRetryPolicy(options?.retryOptions),
    userAgent: context.userAgent,
    attemptTimeoutMs: context.attemptTimeoutMs,
    release() {
      if (released) return;
      released = true;
      own?.release();
    },
  };
}

function nodeClientFor(host: ManagedIdentityHost, ca: NodeHttpClientOptions["ca"]): { client: PooledHttpClient; release(): void } {
  const { httpOrigin, pinnedThumbprint } = host.transport;
  const create = () =>
    createNodeHttpClient({
      bypassProxy: true,
      ...(httpOrigin !== undefined ? { allowHttpOrigins: [httpOrigin] } : {}),
      ...(pinnedThumbprint !== undefined ? { pinnedCertificate: { sha1OrSha256Hex: pinnedThumbprint } } : {}),
      ...(ca !== undefined ? { ca } : {}),
    });
  const key = `${httpOrigin ?? ""}\u0000${pinnedThumbprint ?? ""}`;
  let shared = ca === undefined ? sharedClients.get(key) : undefined;
  if (shared === undefined) {
    const client = create();
    // A private client (tlsOptions.ca, or past 64 endpoints): its only user ends its connections.
    if (ca !== undefined || sharedClients.size >= 64) return { client, release: () => client.closeConnections() };
    shared = { client, users: 0 };
    sharedClients.set(key, shared);
  }
  const entry = shared;
  entry.users++;
  return {
    client: entry.client,
    release() {
      if (--entry.users > 0) return;
      // The last user: nobody else has a request on this pool, so its sockets (idle or not) all end.
      if (sharedClients.get(key) === entry) sharedClients.delete(key);
      entry.client.closeConnections();
    },
  };
}
