// App Service, Azure Functions, Container Apps (API 2019-08-01):
//   GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=R[&client_id|object_id|mi_res_id]
//   X-IDENTITY-HEADER: {IDENTITY_HEADER}
// IDENTITY_HEADER is a secret the platform rotates; it never appears in a message.
import { displayEndpoint, hostTokenUrl, httpOriginOf, selectorParameter, type HostTokenRequest, type ManagedIdentityHost } from "./host.js";
import { requestHostToken } from "./hostRequest.js";

const API_VERSION = "2019-08-01";
const SELECTOR_PARAMETERS = { clientId: "client_id", objectId: "object_id", resourceId: "mi_res_id" } as const;

export function appServiceHost(endpoint: URL, identityHeader: string): ManagedIdentityHost {
  const host: ManagedIdentityHost = {
    kind: "appService",
    displayName: "App Service",
    endpoint: displayEndpoint(endpoint),
    supportedSelectors: ["clientId", "objectId", "resourceId"],
    secrets: [identityHeader],
    transport: httpOriginOf(endpoint),
    fetchToken(request: HostTokenRequest) {
      const url = hostTokenUrl(endpoint, API_VERSION, request, selectorParameter(request.selector, SELECTOR_PARAMETERS));
      return requestHostToken({ host, request, method: "GET", url, headers: { "x-identity-header": identityHeader } });
    },
  };
  return host;
}
