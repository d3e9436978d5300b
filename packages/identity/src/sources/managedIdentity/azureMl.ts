// Azure Machine Learning compute (API 2017-09-01):
//   GET {MSI_ENDPOINT}?api-version=2017-09-01&resource=R&clientid=ID
//   Metadata: true, secret: {MSI_SECRET}
// Note `clientid` without underscore (the 2017 API). For the system identity AML names its client id in
// DEFAULT_IDENTITY_CLIENT_ID. Only client ids can select a user-assigned identity.
import { displayEndpoint, hostTokenUrl, httpOriginOf, type HostTokenRequest, type ManagedIdentityHost } from "./host.js";
import { requestHostToken } from "./hostRequest.js";

const API_VERSION = "2017-09-01";

export function azureMlHost(endpoint: URL, secret: string, defaultClientId: string | undefined): ManagedIdentityHost {
  const host: ManagedIdentityHost = {
    kind: "azureMl",
    displayName: "Azure Machine Learning",
    endpoint: displayEndpoint(endpoint),
    supportedSelectors: ["clientId"],
    secrets: [secret],
    transport: httpOriginOf(endpoint),
    fetchToken(request: HostTokenRequest) {
      const clientid = request.selector.kind === "clientId" ? request.selector.value : defaultClientId;
      return requestHostToken({
        host,
        request,
        method: "GET",
        url: hostTokenUrl(endpoint, API_VERSION, request, { clientid }),
        headers: { metadata: "true", secret },
      });
    },
  };
  return host;
}
