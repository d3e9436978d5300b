// Service Fabric (API 2019-07-01-preview):
//   GET {IDENTITY_ENDPOINT}?api-version=2019-07-01-preview&resource=R   secret: {IDENTITY_HEADER}
// The endpoint is https with a self-signed certificate. Instead of turning verification off (as the
// JS and Python SDKs do), the transport pins the certificate to IDENTITY_SERVER_THUMBPRINT: SHA-1 of the
// DER (40 hex digits) or SHA-256 (64). The identity is chosen by the cluster configuration, so no
// selector is accepted.
import { displayEndpoint, hostTokenUrl, type HostTokenRequest, type ManagedIdentityHost } from "./host.js";
import { requestHostToken } from "./hostRequest.js";

const API_VERSION = "2019-07-01-preview";

export function serviceFabricHost(endpoint: URL, identityHeader: string, thumbprint: string): ManagedIdentityHost {
  const host: ManagedIdentityHost = {
    kind: "serviceFabric",
    displayName: "Service Fabric",
    endpoint: displayEndpoint(endpoint),
    supportedSelectors: [],
    secrets: [identityHeader],
    transport: { pinnedThumbprint: thumbprint },
    fetchToken(request: HostTokenRequest) {
      return requestHostToken({ host, request, method: "GET", url: hostTokenUrl(endpoint, API_VERSION, request), headers: { secret: identityHeader } });
    },
  };
  return host;
}
