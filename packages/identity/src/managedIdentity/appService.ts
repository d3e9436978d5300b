// App Service, Azure Functions, Container Apps (API 2019-08-01):
//   GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=R[&client_id|object_id|mi_res_id]
//   X-IDENTITY-HEADER: {IDENTITY_HEADER}
// IDENTITY_HEADER is a secret the platform rotates; it never appears in a message.
import { displayEndpoint, type HostTokenRequest, type ManagedIdentityHost } from "./host.js";
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
    transport: { httpOrigin: endpoint.protocol === "http:" ? endpoint.origin : undefined },
    fetchToken(request: HostTokenRequest) {
      const target = new URL(endpoint);
      target.searchParams.set("api-version", API_VERSION);
      target.searchParams.set("resource", request.resource);
      if (request.selector.kind !== "system") target.searchParams.set(SELECTOR_PARAMETERS[request.selector.kind], request.selector.value);
      return requestHostToken({ host, request, method: "GET", url: target, headers: { "x-identity-header": identityHeader } });
    },
  };
  return host;
}
