// One token request to a managed identity host, shared by every host file: send with the host's
// retry policy, then turn the outcome into a token or into the right error:
//   CredentialUnavailableError - no managed identity here: nothing listening, no answer in time, or the
//                                host says the identity does not exist (a chain moves on);
//   AuthenticationError        - the host is there but refused or failed (a chain stops).
// Messages name the host, the endpoint (no query), the identity and the resource, and say how to fix
// it; they never carry the host's secret header, an Arc key or a token.
import { abortError, AuthenticationError, CredentialUnavailableError, troubleshoot } from "../../core/errors.js";
import { TransportError, type HttpResponse } from "../../core/http/httpClient.js";
import type { AccessToken } from "../../core/types.js";
import { describeRequest, type HostTokenRequest, type ManagedIdentityHost } from "./host.js";
import { withRetryAfter } from "../../core/http/retry.js";
import { sendWithManagedIdentityRetry, transportErrno } from "./retryPolicy.js";
import { parseHostErrorBody, parseManagedIdentityToken, redact } from "./tokenResponse.js";

export interface HostCall {
  host: ManagedIdentityHost;
  request: HostTokenRequest;
  method: "GET" | "POST";
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

const PREFIX = "ManagedIdentityCredential:";

/** Sends and returns the final response, whatever its status; transport failures become errors. */
export async function sendHostRequest(call: HostCall): Promise<{ response: HttpResponse; attempts: number }> {
  const { http, deadline } = call.request;
  const headers: Record<string, string> = {
    accept: "application/json",
    "user-agent": http.userAgent,
    "x-ms-client-request-id": crypto.randomUUID(),
    ...call.headers,
  };
  try {
    return await sendWithManagedIdentityRetry(
      http.client,
      { method: call.method, url: call.url.href, headers, ...(call.body !== undefined ? { body: call.body } : {}) },
      http.retry,
      { deadline, attemptTimeoutMs: http.attemptTimeoutMs },
    );
  } catch (error) {
    throw transportFailure(call, error);
  }
}

/** Sends, then parses a 2xx body or throws the error the status calls for. */
export async function requestHostToken(call: HostCall): Promise<AccessToken> {
  const sentAt = Date.now();
  const { response, attempts } = await sendHostRequest(call);
  return tokenFromResponse(call, response, attempts, sentAt);
}

export function tokenFromResponse(call: HostCall, response: HttpResponse, attempts: number, sentAt: number): AccessToken {
  if (response.status >= 200 && response.status < 300) return parseManagedIdentityToken(response.bodyText, sentAt, describeRequest(call.host, call.request));
  throw withRetryAfter(statusFailure(call, response, attempts), response);
}

const IDENTITY_NOT_FOUND =
  /identity not found|no (managed |user[- ]assigned |system[- ]assigned )?identit(y|ies)|not (been )?assigned|unable to load (the )?(proper|requested) managed identity|ManagedIdentityNotFound|identity (does not exist|is not (configured|enabled))/i;

export function statusFailure(call: HostCall, response: HttpResponse, attempts: number): Error {
  const { host, request } = call;
  const { status } = response;
  const body = parseHostErrorBody(response.bodyText, host.secrets);
  const said = `${body.code ?? ""}${body.code && body.message ? ": " : ""}${body.message}`;
  const sent = `${PREFIX} ${describeRequest(host, request)}: HTTP ${status}${said ? ` "${said}"` : ""}${attempts > 1 ? ` after ${attempts} attempts` : ""}${body.correlationId ? ` (correlation id ${body.correlationId})` : ""}.`;

  if ((status === 400 || status === 404) && IDENTITY_NOT_FOUND.test(said)) {
    const fix =
      request.selector.kind === "system"
        ? "No system-assigned identity is enabled here (or it is still propagating). Enable it on the resource, or pass the client id of an attached user-assigned identity (clientId, or AZURE_CLIENT_ID with DefaultAzureCredential)."
        : `Check that the ${request.selector.kind} is right (a client id is the identity's application id, not its object id) and that the identity is attached to this resource; new assignments can take a few minutes.`;
    return new CredentialUnavailableError(`${sent} ${fix}`);
  }
  if (status === 403 && /unreachable/i.test(said)) {
    // Docker Desktop and some proxies answer for 169.254.169.254 with "A socket operation was attempted to an unreachable network".
    return new CredentialUnavailableError(
      `${sent} The network cannot reach the managed identity endpoint: this is probably not an Azure host with a managed identity. ${troubleshoot("mi-unreachable")}`,
    );
  }
  return new AuthenticationError(status, {
    error: body.code ?? "managed_identity_error",
    errorDescription: `${sent} ${hintForStatus(host, status)}`,
    ...(body.correlationId ? { correlationId: body.correlationId } : {}),
  });
}

function hintForStatus(host: ManagedIdentityHost, status: number): string {
  if (status === 400) return "The host rejected the request: check the scope (one resource, e.g. 'https://management.azure.com/.default') and the identity id.";
  if (status === 401 || status === 403) {
    if (host.kind === "appService" || host.kind === "serviceFabric" || host.kind === "azureMl") {
      return `The host refused the secret header: its value (${host.kind === "azureMl" ? "MSI_SECRET" : "IDENTITY_HEADER"}) may be stale; restart the process so it reads the current environment.`;
    }
    return "The host refused the request: check that this process may use the identity.";
  }
  if (status === 429)
    return "The host is throttling token requests even after backing off. azid shares one token cache per process, so this usually means many processes; reduce their number or stagger their start.";
  if (status === 410) return "IMDS is being upgraded and did not come back within the retry window; try again in a minute.";
  if (status >= 500) return "The host failed; this is usually transient. Retry later.";
  return "Unexpected answer from the host.";
}

function transportFailure(call: HostCall, error: unknown): Error {
  if (!(error instanceof TransportError)) return error as Error;
  const context = `${PREFIX} ${describeRequest(call.host, call.request)}`;
  const detail = redact(error.message, call.host.secrets);
  if (error.code === "ABORTED") return abortError();
  if (error.code === "INSECURE") {
    const pinned = call.host.transport.pinnedThumbprint !== undefined;
    return new AuthenticationError(
      0,
      {
        error: pinned ? "certificate_pin_mismatch" : "insecure_endpoint",
        errorDescription:
          `${context}: ${detail} ${pinned ? "Check IDENTITY_SERVER_THUMBPRINT against the endpoint's certificate; a mismatch can mean the connection is intercepted." : ""}`.trim(),
      },
      { cause: error },
    );
  }
  if (error.code === "TOO_LARGE") return new AuthenticationError(0, { error: "invalid_response", errorDescription: `${context}: ${detail}` }, { cause: error });
  const errno = error.code === "NETWORK" ? transportErrno(error) : undefined;
  const why = error.code === "TIMEOUT" ? `no answer in time (${detail})` : `could not connect${errno ? ` (${errno})` : ""}: ${detail}`;
  const fix =
    call.host.kind === "imds"
      ? "Is this an Azure VM, scale set, container instance or AKS node with a managed identity? Elsewhere use another credential (DefaultAzureCredential tries the others)."
      : `The ${call.host.displayName} identity endpoint named by the environment is not answering; check that the platform's managed identity is enabled.`;
  return new CredentialUnavailableError(`${context}: ${why}. ${fix} ${troubleshoot(error.code === "TIMEOUT" ? "mi-timeout" : "mi-unreachable")}`, {
    cause: error,
  });
}
