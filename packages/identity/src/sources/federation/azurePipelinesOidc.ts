// Azure Pipelines' OIDC endpoint: the job's System.AccessToken buys an ID token for a service
// connection, which Entra then exchanges (federated credential) for an access token. The answers
// a pipeline author can get wrong are each given a next step.
import { AuthenticationError } from "../../core/errors.js";
import type { HttpContext } from "../../core/http/context.js";
import { sendWithRetry } from "../../core/http/retry.js";
import { TransportError } from "../../core/http/httpClient.js";

export interface PipelinesOidcRequest {
  oidcRequestUri: string;
  serviceConnectionId: string;
  systemAccessToken: string;
  http: HttpContext;
  deadline: number;
}

const NAME = "AzurePipelinesCredential";

export async function requestPipelinesOidcToken(request: PipelinesOidcRequest): Promise<string> {
  const url = new URL(request.oidcRequestUri);
  url.searchParams.set("api-version", "7.1");
  url.searchParams.set("serviceConnectionId", request.serviceConnectionId);
  let response;
  try {
    ({ response } = await sendWithRetry(
      request.http.client,
      {
        method: "POST",
        url: url.href,
        headers: {
          authorization: `Bearer ${request.systemAccessToken}`,
          "content-type": "application/json",
          accept: "application/json",
          "x-tfs-fedauthredirect": "Suppress",
          "user-agent": request.http.userAgent,
        },
        body: "",
      },
      request.http.retry,
      { deadline: request.deadline, attemptTimeoutMs: request.http.attemptTimeoutMs },
    ));
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    throw new AuthenticationError(
      0,
      { error: "oidc_request_failed", errorDescription: `${NAME}: could not reach SYSTEM_OIDCREQUESTURI (${url.origin}): ${error.message}` },
      { cause: error },
    );
  }
  const fail = (what: string) =>
    new AuthenticationError(response.status, {
      error: "oidc_request_failed",
      errorDescription: `${NAME}: the Azure Pipelines OIDC endpoint answered HTTP ${response.status}: ${what}`,
    });
  if (response.status === 401 || response.status === 403) {
    throw fail(
      "the system access token was refused. Pass $(System.AccessToken) as systemAccessToken (map it into the step's env, e.g. SYSTEM_ACCESSTOKEN: $(System.AccessToken)) and make sure the job may use the service connection.",
    );
  }
  if (response.status === 404)
    throw fail(
      `service connection '${request.serviceConnectionId}' was not found. Use the service connection's ID (a GUID from its settings page), not its name.`,
    );
  let body: unknown;
  try {
    body = JSON.parse(response.bodyText);
  } catch {
    body = undefined;
  }
  if (response.status !== 200) {
    const message =
      typeof body === "object" && body !== null && typeof (body as { message?: unknown }).message === "string"
        ? (body as { message: string }).message
        : `a ${body === undefined ? "non-JSON" : "JSON"} error body`;
    throw fail(`${message}. Check serviceConnectionId and that SYSTEM_OIDCREQUESTURI is the pipeline's own.`);
  }
  const token = typeof body === "object" && body !== null ? (body as { oidcToken?: unknown }).oidcToken : undefined;
  if (typeof token !== "string" || token.split(".").length !== 3) {
    throw fail(body === undefined ? "the body is not JSON (is SYSTEM_OIDCREQUESTURI an Azure DevOps URL?)." : "the JSON has no 'oidcToken' string.");
  }
  return token;
}
