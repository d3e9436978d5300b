// Azure Instance Metadata Service (VMs, scale sets, container instances, AKS nodes and pod identity):
//   GET {base}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=R[&client_id|object_id|msi_res_id]
//   Metadata: true
// base = http://169.254.169.254, or AZURE_POD_IDENTITY_AUTHORITY_HOST (validated by detectHost.ts).
// Retries follow the IMDS guidance (retryPolicy.ts), including >= 70 s of trying on 410.
// No probe here: ManagedIdentityCredential asks directly; DefaultAzureCredential probes with probeImds().
import type { HttpClient } from "../../core/http/httpClient.js";
import { TransportError } from "../../core/http/httpClient.js";
import { displayEndpoint, hostTokenUrl, httpOriginOf, selectorParameter, type HostTokenRequest, type ManagedIdentityHost } from "./host.js";
import { requestHostToken } from "./hostRequest.js";

export const IMDS_DEFAULT_BASE = "http://169.254.169.254";
const API_VERSION = "2018-02-01";
const SELECTOR_PARAMETERS = { clientId: "client_id", objectId: "object_id", resourceId: "msi_res_id" } as const;

export function imdsHost(base: URL): ManagedIdentityHost {
  const url = new URL(`${base.pathname.replace(/\/+$/, "")}/metadata/identity/oauth2/token`, base.origin);
  const host: ManagedIdentityHost = {
    kind: "imds",
    displayName: "IMDS",
    endpoint: displayEndpoint(url),
    supportedSelectors: ["clientId", "objectId", "resourceId"],
    secrets: [],
    transport: httpOriginOf(url),
    fetchToken(request: HostTokenRequest) {
      const target = hostTokenUrl(url, API_VERSION, request, selectorParameter(request.selector, SELECTOR_PARAMETERS));
      return requestHostToken({ host, request, method: "GET", url: target, headers: { metadata: "true" } });
    },
  };
  return host;
}

/**
 * Is anything answering at the IMDS endpoint? One request without the Metadata header (IMDS answers it
 * with a quick 400), no retries, a short deadline. Any HTTP answer means yes, except Docker Desktop's
 * 403 "unreachable". For DefaultAzureCredential, so that a laptop skips IMDS in about a second.
 */
export async function probeImds(host: ManagedIdentityHost, client: HttpClient, timeoutMs = 1000): Promise<boolean> {
  try {
    const response = await client.sendRequest({ method: "GET", url: new URL(host.endpoint).href, headers: { accept: "application/json" }, timeoutMs });
    return !(response.status === 403 && /unreachable/i.test(response.bodyText));
  } catch (error) {
    if (error instanceof TransportError && error.code === "ABORTED") throw error;
    return false;
  }
}
