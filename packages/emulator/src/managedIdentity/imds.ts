// Azure Instance Metadata Service, identity endpoint (protocols.md 3.3):
// GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=...[&client_id|&object_id|&msi_res_id]
// with `Metadata: true`. Success values are all strings, as IMDS sends them.
import type { IncomingRequest } from "../http/incomingRequest.js";
import { jsonResponse, type HttpResponse } from "../http/response.js";
import type { ManagedIdentityContext } from "./context.js";
import { IDENTITY_NOT_FOUND, imdsError } from "./errors.js";
import { findIdentity, hostTenant, readSelector } from "./identities.js";
import { issueManagedIdentityToken, stringTokenFields } from "./tokenResponse.js";

export const IMDS_TOKEN_PATH = "/metadata/identity/oauth2/token";
const SELECTORS = { clientId: ["client_id"], objectId: ["object_id"], resourceId: ["msi_res_id", "mi_res_id"] } as const;
const NEWEST_API_VERSIONS = ["2018-02-01", "2019-08-01", "2021-02-01"];
const FIRST_API_VERSION = "2018-02-01";

export function handleImdsRequest(context: ManagedIdentityContext, request: IncomingRequest): HttpResponse {
  // Checked first, so the header-less, query-less probe of DefaultAzureCredential gets a quick 400.
  const metadataError = requireMetadataHeader(request);
  if (metadataError !== undefined) return metadataError;
  const apiVersion = request.query["api-version"];
  if (!isDatedApiVersion(apiVersion, FIRST_API_VERSION)) {
    return jsonResponse(400, {
      error: "Bad request. api-version is invalid or was not specified in the request. For more information refer to aka.ms/azureimds",
      "newest-versions": NEWEST_API_VERSIONS,
    });
  }
  const resource = request.query.resource;
  if (resource === undefined || resource === "") return imdsError(400, "invalid_request", "Required audience parameter not specified");
  const selection = readSelector(request.query, SELECTORS);
  if (!selection.ok) return imdsError(400, "invalid_request", `Only one of ${selection.parameters.join(", ")} may be specified`);
  const tenant = hostTenant(context);
  const identity = findIdentity(tenant, selection.selector);
  if (tenant === undefined || identity === undefined) return imdsError(400, "invalid_request", IDENTITY_NOT_FOUND);
  const token = issueManagedIdentityToken(context, tenant, identity, resource, request.query);
  const { access_token, ...rest } = stringTokenFields(token);
  return jsonResponse(200, { access_token, refresh_token: "", ...rest, client_id: identity.clientId });
}

/** IMDS and Azure Arc refuse requests without `Metadata: true` (an SSRF guard): 400, not 401. */
export function requireMetadataHeader(request: IncomingRequest): HttpResponse | undefined {
  if (request.headers.metadata === "true") return undefined;
  return imdsError(400, "invalid_request", "Required metadata header not specified");
}

/** A yyyy-mm-dd version no older than `first` (later versions are accepted as they come). */
export function isDatedApiVersion(value: string | undefined, first: string): value is string {
  return value !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(value) && value >= first;
}
