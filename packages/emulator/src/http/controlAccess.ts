// Who may use /_emulator/*: the control API can read every secret in the configuration, replace
// it, inject faults and approve sign-ins, so it demands the per-run control secret, takes JSON
// only (a cross-site page can post text/plain or a form without a preflight, never JSON with
// an Authorization header), and refuses requests a browser sent on behalf of another site.
import { secretsEqual } from "../entra/secretComparison.js";
import type { IncomingRequest } from "./incomingRequest.js";
import { jsonResponse, type HttpResponse } from "./response.js";

/** The environment variable `azid emulator` prints the secret under, and the CLI reads it from. */
export const CONTROL_SECRET_VARIABLE = "AZID_EMULATOR_CONTROL_SECRET";

/** Undefined when the request may proceed; otherwise the refusal, naming what to fix. */
export function refuseControlRequest(request: IncomingRequest, secret: string, ownOrigins: readonly string[]): HttpResponse | undefined {
  const origin = request.headers.origin;
  if (origin !== undefined && !ownOrigins.includes(origin.toLowerCase())) {
    return jsonResponse(403, {
      error: "forbidden",
      error_description: "The control API does not answer requests sent from another site (a foreign Origin header).",
    });
  }
  const authorization = request.headers.authorization ?? "";
  const presented = authorization.startsWith("Bearer ") ? authorization.slice("Bearer ".length).trim() : "";
  if (presented === "" || !secretsEqual(secret, presented)) {
    return jsonResponse(
      401,
      {
        error: "unauthorized",
        error_description: `The control API needs this run's control secret: send 'Authorization: Bearer <secret>' with the value of ${CONTROL_SECRET_VARIABLE} that 'azid emulator' printed (in process: emu.controlSecret).`,
      },
      { "www-authenticate": 'Bearer realm="azid-emulator-control"' },
    );
  }
  const hasBody = request.method === "POST" || request.method === "PUT" || request.body !== "";
  const contentType = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (hasBody && contentType !== "application/json") {
    return jsonResponse(415, {
      error: "unsupported_media_type",
      error_description: `The control API accepts only JSON bodies: send 'Content-Type: application/json' (got '${contentType || "none"}').`,
    });
  }
  return undefined;
}
