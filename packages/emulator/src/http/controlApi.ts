// /_emulator/*: the test hooks for out-of-process users (another language's test suite, a CLI):
// add or clear faults, read or clear recorded requests, read or replace the configuration, act on
// device codes as a person would, revoke refresh tokens.
// These requests are neither recorded nor subject to faults, so a harness can always reach them.
import type { EmulatorConfig } from "../config.js";
import type { InteractiveState } from "../context.js";
import { validateEmulatorConfig } from "../configValidation.js";
import { validateFaultSpec, type FaultList } from "../faults.js";
import type { RecordedRequest } from "../types.js";
import type { IncomingRequest } from "./incomingRequest.js";
import { jsonResponse, type HttpResponse } from "./response.js";

export const CONTROL_PREFIX = "/_emulator/";

export interface ControlState {
  config: EmulatorConfig;
  faults: FaultList;
  requests: RecordedRequest[];
  interactive: InteractiveState;
}

export function handleControlRequest(state: ControlState, request: IncomingRequest): HttpResponse {
  const resource = request.path.slice(CONTROL_PREFIX.length);
  const key = `${request.method} ${resource}`;
  try {
    switch (key) {
      case "POST faults":
        state.faults.add(validateFaultSpec(parseJson(request.body)));
        return jsonResponse(201, { ok: true });
      case "DELETE faults":
        state.faults.clear();
        return jsonResponse(200, { ok: true });
      case "GET requests":
        return jsonResponse(200, state.requests);
      case "DELETE requests":
        state.requests.length = 0;
        return jsonResponse(200, { ok: true });
      case "GET config":
        return jsonResponse(200, state.config);
      case "PUT config":
        // Replace in place: the Emulator object and every handler hold this same object.
        state.config.tenants = validateEmulatorConfig(parseJson(request.body), "PUT /_emulator/config").tenants;
        return jsonResponse(200, { ok: true });
      case "GET device-codes":
        return jsonResponse(200, state.interactive.deviceCodes.pending());
      case "POST device-codes/approve": {
        const body = parseObject(request.body);
        state.interactive.deviceCodes.approve(stringField(body, "userCode"), body.username === undefined ? undefined : stringField(body, "username"));
        return jsonResponse(200, { ok: true });
      }
      case "POST device-codes/deny":
        state.interactive.deviceCodes.deny(stringField(parseObject(request.body), "userCode"));
        return jsonResponse(200, { ok: true });
      case "POST refresh-tokens/revoke": {
        const body = request.body.trim() === "" ? {} : parseObject(request.body);
        state.interactive.revocations.revoke(body.username === undefined ? undefined : stringField(body, "username"));
        return jsonResponse(200, { ok: true });
      }
      default:
        return jsonResponse(404, { error: "not_found", error_description: `No control endpoint ${request.method} ${request.path}` });
    }
  } catch (error) {
    return jsonResponse(400, { error: "invalid_request", error_description: (error as Error).message });
  }
}

function parseObject(body: string): Record<string, unknown> {
  const value = parseJson(body);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TypeError("The request body must be a JSON object");
  return value as Record<string, unknown>;
}

function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== "string" || value === "") throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new TypeError("The request body must be JSON");
  }
}
