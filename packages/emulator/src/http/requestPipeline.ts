// One request's path through the emulator (any of its listeners): read, record, apply a matching
// fault, run the route, render Entra errors, answer. Kept apart from server lifecycle so each reads on its own.
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { EmulatorContext } from "../context.js";
import { EntraError, entraErrorBody } from "../entra/errors.js";
import { faultAction, type FaultList } from "../faults.js";
import type { Route } from "../router.js";
import { isAcceptedHostHeader } from "../net/hostHeader.js";
import { CONTROL_PREFIX, handleControlRequest, type ControlState } from "./controlApi.js";
import { corsHeaders } from "./cors.js";
import { BodyTooLargeError, readIncomingRequest, type IncomingRequest } from "./incomingRequest.js";
import type { RequestLog } from "./requestLog.js";
import { jsonResponse, type HttpResponse } from "./response.js";
import { regionOfHost } from "../net/entraHostNames.js";

export interface PipelineState {
  context: EmulatorContext;
  faults: FaultList;
  log: RequestLog;
  /** the host the emulator was asked to listen on: its name is accepted in Host headers */
  listenHost: string;
  /** also answer Entra's public-cloud host names (EmulatorOptions.entraHostNames) */
  entraHostNames?: boolean;
  /** aborted by close(), ending delayed answers at once */
  closing: AbortSignal;
  /** which route a request is for: the Entra routes, or one listener's managed-identity routes */
  route: (request: IncomingRequest) => Route;
  /** serve /_emulator/ test hooks on this listener (the main one only) */
  control?: ControlState;
}

const GUID_LIKE = /^[0-9A-Za-z-]{1,64}$/;

export function createRequestListener(state: PipelineState): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    handle(state, request, response).catch((error: unknown) => {
      // Only reachable through a bug; answer something JSON rather than leave the client waiting.
      if (!response.headersSent) send(response, jsonResponse(500, { error: "server_error", error_description: String(error) }));
    });
  };
}

async function handle(state: PipelineState, message: IncomingMessage, response: ServerResponse): Promise<void> {
  let request: IncomingRequest;
  try {
    request = await readIncomingRequest(message);
  } catch (error) {
    if (error instanceof BodyTooLargeError) send(response, jsonResponse(413, { error: "invalid_request", error_description: error.message }));
    else response.destroy();
    return;
  }
  const { context } = state;
  if (!isAcceptedHostHeader(request.headers.host, state.listenHost, state.entraHostNames)) {
    return send(
      response,
      jsonResponse(421, {
        error: "misdirected_request",
        error_description: "The emulator answers only requests addressed to it by IP address, localhost or its configured host (a foreign Host header).",
      }),
    );
  }
  if (state.control !== undefined && request.path.startsWith(CONTROL_PREFIX)) return send(response, handleControlRequest(state.control, request));

  const route = state.route(request);
  const record = state.log.record({
    method: request.method,
    path: request.path,
    query: request.query,
    headers: request.headers,
    ...(request.form === undefined ? {} : { form: request.form }),
    body: request.body,
    time: Date.now(),
    route: route.name,
    status: 0,
    ...regionField(request.headers.host),
  });

  const fault = state.faults.take(route.name);
  const action = fault === undefined ? undefined : faultAction(fault, context.url);
  if (action?.kind === "hang") return; // the socket stays open until the client gives up or close()
  if (action?.kind === "trickle") return trickle(response, action.intervalMs, state.closing);
  if (action !== undefined && action.delayMs > 0) {
    try {
      await sleep(action.delayMs, undefined, { signal: state.closing });
    } catch {
      return; // closing: the socket is being destroyed
    }
  }
  const correlationId = correlationIdOf(request);
  const answer = action?.replacement ?? (await run(route, context.url, correlationId));
  answer.headers = {
    ...answer.headers,
    ...action?.extraHeaders,
    ...(correlationId === undefined ? {} : { "client-request-id": correlationId }),
    // Injected faults too: a browser test must see the 503, not a CORS failure.
    ...(route.cors === true ? corsHeaders(request.headers.origin) : {}),
  };
  record.status = answer.status;
  send(response, answer);
}

/** `{ region }` when the Host named a regional token host (which region a token request came through). */
function regionField(host: string | undefined): { region?: string } {
  const region = regionOfHost(host);
  return region === undefined ? {} : { region };
}

/** Headers at once, then a byte of a JSON body that never ends, until the client gives up or close(). */
function trickle(response: ServerResponse, intervalMs: number, closing: AbortSignal): void {
  response.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  response.write("{");
  const timer = setInterval(() => response.write(" "), intervalMs);
  const stop = () => {
    clearInterval(timer);
    response.destroy();
  };
  response.once("close", stop);
  closing.addEventListener("abort", stop, { once: true });
}

async function run(route: Route, host: string, correlationId: string | undefined): Promise<HttpResponse> {
  try {
    return await route.handle();
  } catch (error) {
    if (error instanceof EntraError) return jsonResponse(error.status, entraErrorBody(error, host, correlationId));
    return jsonResponse(500, { error: "server_error", error_description: `The emulator failed: ${(error as Error).message}` });
  }
}

/** MSAL sends client-request-id in the query (and form); MSAL Python as a header. */
function correlationIdOf(request: IncomingRequest): string | undefined {
  const candidate = request.query["client-request-id"] ?? request.headers["client-request-id"] ?? request.form?.["client-request-id"];
  return candidate !== undefined && GUID_LIKE.test(candidate) ? candidate : undefined;
}

function send(response: ServerResponse, answer: HttpResponse): void {
  if (response.destroyed) return;
  response.writeHead(answer.status, { ...answer.headers, "content-length": String(Buffer.byteLength(answer.body)) });
  response.end(answer.body);
}
