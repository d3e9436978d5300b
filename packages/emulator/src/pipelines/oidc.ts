// Azure Pipelines' OIDC token endpoint (protocols.md 5), which AzurePipelinesCredential calls:
// POST {SYSTEM_OIDCREQUESTURI}?api-version=7.1&serviceConnectionId=<id> with
// `Authorization: Bearer {System.AccessToken}` and an empty body -> 200 {"oidcToken": "<JWT>"}.
// The JWT comes from the emulator's "pipelines" federation issuer, subject sc://azid/emulator/<id>,
// audience api://AzureADTokenExchange, so the default app's federated credential trusts it.
// Every call mints a fresh token: the endpoint is idempotent (JS calls it twice per token).
import { PIPELINES_ISSUER_NAME, TOKEN_EXCHANGE_AUDIENCE } from "../config.js";
import type { EmulatorContext } from "../context.js";
import { secretsEqual } from "../entra/secretComparison.js";
import { jsonResponse, type HttpResponse } from "../http/response.js";
import { azureDevOpsError, azureDevOpsUnauthorized } from "./errors.js";

/** The shape of the real SYSTEM_OIDCREQUESTURI, on the emulator's host. */
export const PIPELINES_OIDC_PATTERN = /^\/[^/]+\/[^/]+\/_apis\/distributedtask\/hubs\/[^/]+\/plans\/[^/]+\/jobs\/[^/]+\/oidctoken$/;
const OIDC_TOKEN_LIFETIME_SECONDS = 3600;

/** `sc://<organization>/<project>/<service connection>` */
export function pipelinesSubject(serviceConnectionId: string): string {
  return `sc://azid/emulator/${serviceConnectionId}`;
}

export function handlePipelinesOidcRequest(
  context: EmulatorContext,
  request: { query: Record<string, string>; headers: Record<string, string> },
): HttpResponse {
  const { pipelines } = context;
  const authorization = request.headers.authorization ?? "";
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization)?.[1];
  // Authentication failures are an HTML page, not JSON: clients must not assume a JSON body.
  if (bearer === undefined || !secretsEqual(pipelines.systemAccessToken, bearer.trim())) return azureDevOpsUnauthorized();
  const apiVersion = request.query["api-version"];
  if (apiVersion === undefined || apiVersion === "") {
    return azureDevOpsError(
      400,
      "VssVersionNotSpecifiedException",
      "No api-version was supplied for the POST request. The version must be supplied either as part of the Accept header (e.g. \"application/json; api-version=1.0\") or as a query parameter (e.g. '?api-version=1.0').",
    );
  }
  if (!/^\d+\.\d+(-preview(\.\d+)?)?$/.test(apiVersion) || Number.parseFloat(apiVersion) < 7.1) {
    return azureDevOpsError(
      400,
      "VssVersionOutOfRangeException",
      `The requested REST API version of ${apiVersion} is out of range for this server. Use api-version=7.1.`,
    );
  }
  const connection = request.query.serviceConnectionId;
  if (connection === undefined || connection === "") {
    return azureDevOpsError(400, "ArgumentNullException", "Value cannot be null.\r\nParameter name: serviceConnectionId");
  }
  if (connection.toLowerCase() !== pipelines.serviceConnectionId.toLowerCase()) {
    return azureDevOpsError(
      404,
      "ServiceEndpointNotFoundException",
      `Service connection ${connection} could not be found, or the pipeline is not authorized to use it.`,
    );
  }
  const oidcToken = context.federation.mint({
    issuer: PIPELINES_ISSUER_NAME,
    subject: pipelinesSubject(pipelines.serviceConnectionId),
    audience: TOKEN_EXCHANGE_AUDIENCE,
    lifetimeSeconds: OIDC_TOKEN_LIFETIME_SECONDS,
  });
  return jsonResponse(200, { oidcToken });
}
