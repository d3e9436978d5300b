// Azure Machine Learning compute (API 2017-09-01):
//   GET {MSI_ENDPOINT}?api-version=2017-09-01&resource=R&clientid=ID
//   Metadata: true, secret: {MSI_SECRET}
// Note `clientid` without underscore (the 2017 API). For the system identity AML names its client id in
// DEFAULT_IDENTITY_CLIENT_ID. Only client ids can select a user-assigned identity.
import { displayEndpoint, type HostTokenRequest, type ManagedIdentityHost } from "./host.js";
import { requestHostToken } from "./hostRequest.js";

const API_VERSION = "2017-09-01";

export function azureMlHost(endpoint: URL, secret: string, defaultClientId: string | undefined): ManagedIdentityHost {
  const host: ManagedIdentityHost = {
    kind: "azureMl",
    displayName: "Azure Machine Learning",
    endpoint: displayEndpoint(endpoint),
    supportedSelectors: ["clientId"],
    secrets: [secret],
    transport: { httpOrigin: endpoint.protocol === "http:" ? endpoint.origin : undefined },
    fetchToken(request: HostTokenRequest) {
      const target = new URL(endpoint);
      target.searchParams.set("api-version", API_VERSION);
      target.searchParams.set("resource", request.resource);
      const clientId = request.selector.kind === "clientId" ? request.selector.value : defaultClientId;
      if (clientId !== undefined) target.searchParams.set("clientid", clientId);
      return requestHostToken({ host, request, method: "GET", url: target, headers: { metadata: "true", secret } });
    },
  };
  return host;
}
