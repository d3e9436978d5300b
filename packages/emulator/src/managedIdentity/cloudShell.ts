// Azure Cloud Shell (protocols.md 3.7): POST {MSI_ENDPOINT} with `Metadata: true` and the form
// body `resource=...`; no api-version. Only the default identity: any selector is refused.
// (Real Cloud Shell hands out the signed-in user's token; the emulator serves the host's
// system-assigned identity, which is what a client can tell apart anyway: the response shape.)
import type { IncomingRequest } from "../http/incomingRequest.js";
import { jsonResponse, type HttpResponse } from "../http/response.js";
import type { ManagedIdentityContext } from "./context.js";
import { IDENTITY_NOT_FOUND, imdsError } from "./errors.js";
import { hostTenant, presentParameters, systemIdentity } from "./identities.js";
import { requireMetadataHeader } from "./imds.js";
import { issueManagedIdentityToken } from "./tokenResponse.js";

export const CLOUD_SHELL_TOKEN_PATH = "/cloudShell/oauth2/token";
const SELECTOR_PARAMETERS = ["client_id", "object_id", "principal_id", "msi_res_id", "mi_res_id"];

export function handleCloudShellRequest(context: ManagedIdentityContext, request: IncomingRequest): HttpResponse {
  const metadataError = requireMetadataHeader(request);
  if (metadataError !== undefined) return metadataError;
  const form = request.form ?? {};
  const selectors = [...new Set([...presentParameters(form, SELECTOR_PARAMETERS), ...presentParameters(request.query, SELECTOR_PARAMETERS)])];
  if (selectors.length > 0) {
    return imdsError(400, "invalid_request", `Cloud Shell supports only the system-assigned managed identity; ${selectors.join(", ")} is not supported.`);
  }
  const resource = form.resource;
  if (resource === undefined || resource === "") return imdsError(400, "invalid_request", "Required resource form field not specified");
  const tenant = hostTenant(context);
  const identity = systemIdentity(tenant);
  if (tenant === undefined || identity === undefined) return imdsError(400, "invalid_request", IDENTITY_NOT_FOUND);
  const token = issueManagedIdentityToken(context, tenant, identity, resource, form);
  return jsonResponse(200, {
    access_token: token.accessToken,
    expires_in: String(token.expiresIn),
    expires_on: String(token.expiresOn),
    not_before: String(token.notBefore),
    resource: token.resource,
    token_type: "Bearer",
  });
}
