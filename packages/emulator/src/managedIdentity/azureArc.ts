// Azure Arc's Hybrid Instance Metadata Service (protocols.md 3.5): a challenge-response on top of
// an IMDS-style request. The first request gets 401 with `WWW-Authenticate: Basic realm=<file>`,
// after the service wrote a random secret to that file, readable only by privileged local users;
// the client proves it may read it by sending `Authorization: Basic <file contents>`.
// Arc servers have only a system-assigned identity: any selector is refused with 400.
import type { IncomingRequest } from "../http/incomingRequest.js";
import { jsonResponse, type HttpResponse } from "../http/response.js";
import type { ManagedIdentityContext } from "./context.js";
import { IDENTITY_NOT_FOUND, imdsError } from "./errors.js";
import { hostTenant, presentParameters, systemIdentity } from "./identities.js";
import { isDatedApiVersion, requireMetadataHeader } from "./imds.js";
import { issueManagedIdentityToken, stringTokenFields } from "./tokenResponse.js";

export const AZURE_ARC_PREFIX = "/azureArc";
export const AZURE_ARC_TOKEN_PATH = `${AZURE_ARC_PREFIX}/metadata/identity/oauth2/token`;
const SELECTOR_PARAMETERS = ["client_id", "object_id", "msi_res_id", "mi_res_id", "principal_id"];
/** The oldest api-version the Arc docs use; msal-node sends 2020-06-01. */
const FIRST_API_VERSION = "2019-11-01";

export async function handleAzureArcRequest(context: ManagedIdentityContext, request: IncomingRequest): Promise<HttpResponse> {
  const metadataError = requireMetadataHeader(request);
  if (metadataError !== undefined) return metadataError;
  if (!isDatedApiVersion(request.query["api-version"], FIRST_API_VERSION)) {
    return imdsError(400, "invalid_request", "Missing or invalid api-version query parameter. Use api-version=2020-06-01.");
  }
  const selectors = presentParameters(request.query, SELECTOR_PARAMETERS);
  if (selectors.length > 0) {
    return imdsError(400, "invalid_request", `Azure Arc supports only the system-assigned managed identity; ${selectors.join(", ")} is not supported.`);
  }
  const authorization = request.headers.authorization;
  const secret = authorization?.startsWith("Basic ") ? authorization.slice("Basic ".length) : undefined;
  if (secret === undefined || !context.arc.accepts(secret)) {
    const realm = await context.arc.issue();
    return jsonResponse(
      401,
      {
        error: "unauthorized_client",
        error_description: authorization === undefined ? "Authorization required: read the secret from the realm file" : "The Basic secret is not valid",
      },
      { "www-authenticate": `Basic realm=${realm}` },
    );
  }
  const resource = request.query.resource;
  if (resource === undefined || resource === "") return imdsError(400, "invalid_request", "Required audience parameter not specified");
  const tenant = hostTenant(context);
  const identity = systemIdentity(tenant);
  if (tenant === undefined || identity === undefined) return imdsError(400, "invalid_request", IDENTITY_NOT_FOUND);
  return jsonResponse(200, stringTokenFields(issueManagedIdentityToken(context, tenant, identity, resource, request.query)));
}
