// Service Fabric managed identity token service (protocols.md 3.6):
// GET {IDENTITY_ENDPOINT}?api-version=2019-07-01-preview&resource=... with `secret: {IDENTITY_HEADER}`,
// over HTTPS with the node's own self-signed certificate (IDENTITY_SERVER_THUMBPRINT).
// The identity is chosen by the cluster, not per request (3.9): client_id, object_id and
// mi_res_id are ignored, as the real service ignores them, and the application's identity is served.
import { secretsEqual } from "../entra/secretComparison.js";
import type { IncomingRequest } from "../http/incomingRequest.js";
import { jsonResponse, type HttpResponse } from "../http/response.js";
import type { ManagedIdentityContext } from "./context.js";
import { serviceFabricError } from "./errors.js";
import { findIdentity, hostTenant } from "./identities.js";
import { issueManagedIdentityToken } from "./tokenResponse.js";

export const SERVICE_FABRIC_TOKEN_PATH = "/metadata/identity/oauth2/token";
export const SERVICE_FABRIC_API_VERSION = "2019-07-01-preview";

export function handleServiceFabricRequest(context: ManagedIdentityContext, request: IncomingRequest): HttpResponse {
  const presented = request.headers.secret;
  if (presented === undefined || presented === "") return serviceFabricError(400, "SecretHeaderNotFound", "Secret is not found in the request headers.");
  // An unknown authentication code looks, to the token service, like an application without an identity.
  if (!secretsEqual(context.serviceFabricSecret, presented)) {
    return serviceFabricError(404, "ManagedIdentityNotFound", "Managed Identity not found for the specified application identity.");
  }
  const apiVersion = request.query["api-version"];
  if (apiVersion === undefined || apiVersion === "") return serviceFabricError(400, "ArgumentNullOrEmpty", "Parameter api-version cannot be null or empty.");
  if (apiVersion !== SERVICE_FABRIC_API_VERSION) {
    return serviceFabricError(
      400,
      "InvalidApiVersion",
      `The api-version '${apiVersion}' could not be found. The supported api-versions are '${SERVICE_FABRIC_API_VERSION}'.`,
    );
  }
  const resource = request.query.resource;
  if (resource === undefined || resource === "") return serviceFabricError(400, "ArgumentNullOrEmpty", "Parameter resource cannot be null or empty.");
  const tenant = hostTenant(context);
  const identity = findIdentity(tenant, { kind: "none" });
  if (tenant === undefined || identity === undefined) {
    return serviceFabricError(404, "ManagedIdentityNotFound", "Managed Identity not found for the specified application identity.");
  }
  const token = issueManagedIdentityToken(context, tenant, identity, resource, request.query);
  // expires_on is a JSON number here, unlike the other hosts.
  return jsonResponse(200, { token_type: "Bearer", access_token: token.accessToken, expires_on: token.expiresOn, resource: token.resource });
}
