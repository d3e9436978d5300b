// App Service / Azure Functions, API 2019-08-01 (protocols.md 3.4):
// GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=...[&client_id|&object_id|&principal_id|&mi_res_id]
// with `X-IDENTITY-HEADER: {IDENTITY_HEADER}`. Errors are {"statusCode","message","correlationId"}.
import { secretsEqual } from "../entra/secretComparison.js";
import type { IncomingRequest } from "../http/incomingRequest.js";
import { jsonResponse, type HttpResponse } from "../http/response.js";
import type { ManagedIdentityContext } from "./context.js";
import { appServiceError } from "./errors.js";
import { findIdentity, hostTenant, readSelector } from "./identities.js";
import { issueManagedIdentityToken } from "./tokenResponse.js";

export const APP_SERVICE_TOKEN_PATH = "/appService/msi/token";
export const APP_SERVICE_API_VERSION = "2019-08-01";
// A resource id in `msi_res_id` (the IMDS name) is not a selector here: App Service ignores it.
const SELECTORS = { clientId: ["client_id"], objectId: ["object_id", "principal_id"], resourceId: ["mi_res_id"] } as const;

export function handleAppServiceRequest(context: ManagedIdentityContext, request: IncomingRequest): HttpResponse {
  const presented = request.headers["x-identity-header"];
  if (presented === undefined || presented === "") return appServiceError(401, "The X-IDENTITY-HEADER header is missing.");
  if (!secretsEqual(context.appServiceSecret, presented)) return appServiceError(401, "The X-IDENTITY-HEADER header does not match IDENTITY_HEADER.");
  const apiVersion = request.query["api-version"];
  if (apiVersion !== APP_SERVICE_API_VERSION) {
    return appServiceError(
      400,
      `${apiVersion === undefined ? "The api-version parameter is missing" : `The api-version '${apiVersion}' is not supported`}; use ${APP_SERVICE_API_VERSION}.`,
    );
  }
  const resource = request.query.resource;
  if (resource === undefined || resource === "") return appServiceError(400, "The resource parameter is missing.");
  const selection = readSelector(request.query, SELECTORS);
  if (!selection.ok) return appServiceError(400, `Only one of ${selection.parameters.join(", ")} may be specified.`);
  const tenant = hostTenant(context);
  const identity = findIdentity(tenant, selection.selector);
  if (tenant === undefined || identity === undefined) return appServiceError(400, "Unable to load the proper Managed Identity.");
  const token = issueManagedIdentityToken(context, tenant, identity, resource, request.query);
  return jsonResponse(200, {
    access_token: token.accessToken,
    expires_on: String(token.expiresOn),
    resource: token.resource,
    token_type: "Bearer",
    client_id: identity.clientId,
  });
}
