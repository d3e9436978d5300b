// Azure Cloud Shell:
//   POST {MSI_ENDPOINT}   Metadata: true   body resource=R (form-encoded, no api-version)
// System-assigned only: the endpoint ignores identity parameters and would return the signed-in user's
// token for any of them, so ManagedIdentityCredential refuses a selector at construction.
import { displayEndpoint, httpOriginOf, type HostTokenRequest, type ManagedIdentityHost } from "./host.js";
import { requestHostToken } from "./hostRequest.js";

export function cloudShellHost(endpoint: URL): ManagedIdentityHost {
  const host: ManagedIdentityHost = {
    kind: "cloudShell",
    displayName: "Cloud Shell",
    endpoint: displayEndpoint(endpoint),
    supportedSelectors: [],
    secrets: [],
    transport: httpOriginOf(endpoint),
    fetchToken(request: HostTokenRequest) {
      return requestHostToken({
        host,
        request,
        method: "POST",
        url: new URL(endpoint),
        headers: { metadata: "true", "content-type": "application/x-www-form-urlencoded;charset=utf-8" },
        body: new URLSearchParams({ resource: request.resource }).toString(),
      });
    },
  };
  return host;
}
