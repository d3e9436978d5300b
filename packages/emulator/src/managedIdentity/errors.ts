// The error bodies of the managed-identity hosts (protocols.md 3.3-3.8). Each host has its own
// shape, and clients parse each one differently, so the emulator keeps them apart:
//   IMDS, Azure Arc, Cloud Shell, Azure ML: {"error": "...", "error_description": "..."}
//   App Service 2019-08-01:                 {"statusCode": 400, "message": "...", "correlationId": "..."}
//   Service Fabric:                         {"error": {"code": "...", "message": "...", "correlationId": "..."}}
import { randomUUID } from "node:crypto";
import { jsonResponse, type HttpResponse } from "../http/response.js";

export function imdsError(status: number, error: string, description: string, headers: Record<string, string> = {}): HttpResponse {
  return jsonResponse(status, { error, error_description: description }, headers);
}

export function appServiceError(status: number, message: string): HttpResponse {
  return jsonResponse(status, { statusCode: status, message, correlationId: randomUUID() });
}

export function serviceFabricError(status: number, code: string, message: string): HttpResponse {
  return jsonResponse(status, { error: { correlationId: randomUUID(), code, message } });
}

/** Real IMDS answers an unknown or missing identity this way, whichever selector was used. */
export const IDENTITY_NOT_FOUND = "Identity not found";
