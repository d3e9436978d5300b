// /_emulator/*: the test hooks for out-of-process users (another language's test suite, a CLI):
// add or clear faults, read or clear recorded requests, read or replace the configuration, act on
// device codes as a person would, revoke refresh tokens.
// These requests are neither recorded nor subject to faults, so a harness can always reach them.
// Every request must pass refuseControlRequest (controlAccess.ts) first: the per-run secret, JSON only.
import type { EmulatorConfig } from "../config.js";
import type { InteractiveState } from "../context.js";
import { validateEmulatorConfig } from "../configValidation.js";
import { validateFaultSpec, type FaultList } from "../faults.js";
import { refuseControlRequest } from "./controlAccess.js";
import type { IncomingRequest } from "./incomingRequest.js";
import type { RequestLog } from "./requestLog.js";
import { jsonResponse, type HttpResponse } from "./response.js";

export const CONTROL_PREFIX = "/_emulator/";

export interface ControlState {
  config: EmulatorConfig;
  faults: FaultList;
  log: RequestLog;
  interactive: InteractiveState;
  /** this run's control secret (Authorization: Bearer) */
  secret: string;
  /** the emulator's own origins: the only Origin headers accepted */
  origins: readonly string[];
}

export function handleControlRequest(state: ControlState, request: IncomingRequest): HttpResponse {
  const refusal = refuseControlRequest(request, state.secret, state.origins);
  if (refusal !== undefined) return refusal;
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
        return jsonResponse(200, state.log.exported());
      case "GET request-counts":
        return jsonResponse(200, state.log.counts());
      case "DELETE requests":
        state.log.clear();
        return jsonResponse(200, { ok: true });
      case "GET config":
        return jsonResponse(200, state.config);
      case "PUT config":
        // Replace in place: the Emulator object and every handler hold this same object.
        replaceConfig(state.config, validateEmulatorConfig(parseJson(request.body), "PUT /_emulator/config"));
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

function replaceConfig(live: EmulatorConfig, next: EmulatorConfig): void {
  live.tenants = next.tenants;
  if (next.resources === undefined) delete live.resources;
  else live.resources = next.resources;
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
