// Azure Machine Learning compute (protocols.md 3.8), the 2017-09-01 API:
// GET {MSI_ENDPOINT}?api-version=2017-09-01&resource=...&clientid=... with `secret: {MSI_SECRET}`.
// Only a client id selects an identity (`clientid`, no underscore); AML always sends one,
// DEFAULT_IDENTITY_CLIENT_ID for the compute's own identity. expires_on is an epoch-seconds string.
import { secretsEqual } from "../entra/secretComparison.js";
import type { IncomingRequest } from "../http/incomingRequest.js";
import { jsonResponse, type HttpResponse } from "../http/response.js";
import type { ManagedIdentityContext } from "./context.js";
import { IDENTITY_NOT_FOUND, imdsError } from "./errors.js";
import { findIdentity, hostTenant, presentParameters } from "./identities.js";
import { issueManagedIdentityToken } from "./tokenResponse.js";

export const AZURE_ML_TOKEN_PATH = "/azureMl/MSI/auth";
export const AZURE_ML_API_VERSION = "2017-09-01";
const UNSUPPORTED_SELECTORS = ["client_id", "object_id", "principal_id", "msi_res_id", "mi_res_id"];

export function handleAzureMlRequest(context: ManagedIdentityContext, request: IncomingRequest): HttpResponse {
  const presented = request.headers.secret;
  if (presented === undefined || presented === "" || !secretsEqual(context.azureMlSecret, presented)) {
    return imdsError(401, "unauthorized_client", `The secret header is ${presented === undefined || presented === "" ? "missing" : "not MSI_SECRET"}.`);
  }
  const apiVersion = request.query["api-version"];
  if (apiVersion !== AZURE_ML_API_VERSION)
    return imdsError(400, "invalid_request", `Unsupported api-version '${apiVersion ?? ""}'; use ${AZURE_ML_API_VERSION}.`);
  const resource = request.query.resource;
  if (resource === undefined || resource === "") return imdsError(400, "invalid_request", "Required resource parameter not specified");
  const unsupported = presentParameters(request.query, UNSUPPORTED_SELECTORS);
  if (unsupported.length > 0) {
    return imdsError(
      400,
      "invalid_request",
      `Only client id is supported for user-assigned managed identity in MachineLearning (got ${unsupported.join(", ")}).`,
    );
  }
  const clientId = request.query.clientid;
  const tenant = hostTenant(context);
  const identity = findIdentity(
    tenant,
    clientId === undefined || clientId === "" ? { kind: "none" } : { kind: "clientId", parameter: "clientid", value: clientId },
  );
  if (tenant === undefined || identity === undefined) return imdsError(400, "invalid_request", IDENTITY_NOT_FOUND);
  const token = issueManagedIdentityToken(context, tenant, identity, resource, request.query);
  return jsonResponse(200, { access_token: token.accessToken, expires_on: String(token.expiresOn), resource: token.resource, token_type: "Bearer" });
}
