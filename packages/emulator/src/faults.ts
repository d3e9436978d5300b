// Fault injection: make the next matching request(s) fail the way real services fail - an error
// status with Retry-After, a slow or missing answer, or a broken body - to test client resilience.
import { aadsts, entraErrorBody } from "./entra/errors.js";
import { htmlResponse, jsonResponse, type HttpResponse } from "./http/response.js";
import { appServiceError, imdsError, serviceFabricError } from "./managedIdentity/errors.js";
import { errorPage } from "./pages/signInPages.js";
import { azureDevOpsError } from "./pipelines/errors.js";

export type ManagedIdentityRoute = "imds" | "appService" | "serviceFabric" | "azureArc" | "azureMl" | "cloudShell";
export type RouteName =
  | "token"
  | "authorize"
  | "devicecode"
  | "devicelogin"
  | "openid-configuration"
  | "jwks"
  | "instance-discovery"
  | "userrealm"
  | "federation"
  | ManagedIdentityRoute
  | "pipelines"
  | "other";
const ROUTES: readonly RouteName[] = [
  "token",
  "authorize",
  "devicecode",
  "devicelogin",
  "openid-configuration",
  "jwks",
  "instance-discovery",
  "userrealm",
  "federation",
  "imds",
  "appService",
  "serviceFabric",
  "azureArc",
  "azureMl",
  "cloudShell",
  "pipelines",
  "other",
];
const MALFORMED = ["truncated-json", "html", "empty", "not-json"] as const;

export interface FaultSpec {
  route: RouteName;
  status?: number;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** seconds, sent as the Retry-After header */
  retryAfter?: number;
  /** delays the answer (the real one unless the fault also replaces it) */
  delayMs?: number;
  /** accept the request and never answer */
  hang?: boolean;
  /** answer 200 with headers, then one byte of body every `trickleMs` ms, never finishing (a slow-loris endpoint) */
  trickleMs?: number;
  /** a broken body with status 200 */
  malformed?: (typeof MALFORMED)[number];
  /** how many requests the fault applies to; default unlimited */
  times?: number;
  /** how long, from when it is added, the fault applies (e.g. IMDS 410 for 8 s); with `times`, whichever ends first */
  durationMs?: number;
}

export interface FaultInjector {
  add(fault: FaultSpec): void;
  clear(): void;
}

/** What the server does with a request a fault matched. */
export type FaultAction =
  | { kind: "hang" }
  | { kind: "trickle"; intervalMs: number }
  | { kind: "answer"; delayMs: number; replacement?: HttpResponse; extraHeaders: Record<string, string> };

export class FaultList implements FaultInjector {
  private readonly active: { spec: FaultSpec; remaining: number; until: number }[] = [];

  add(fault: FaultSpec): void {
    const spec = validateFaultSpec(fault);
    const until = spec.durationMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + spec.durationMs;
    this.active.push({ spec, remaining: spec.times ?? Number.POSITIVE_INFINITY, until });
  }

  clear(): void {
    this.active.length = 0;
  }

  /** The first fault for `route` that is not used up; counts this use. Faults apply in order added. */
  take(route: RouteName): FaultSpec | undefined {
    const now = Date.now();
    for (let i = this.active.length - 1; i >= 0; i--) if (this.active[i]!.until <= now) this.active.splice(i, 1);
    const index = this.active.findIndex((entry) => entry.spec.route === route);
    const entry = this.active[index];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.active.splice(index, 1);
    return entry.spec;
  }
}

export function faultAction(spec: FaultSpec, host: string): FaultAction {
  if (spec.hang === true) return { kind: "hang" };
  if (spec.trickleMs !== undefined) return { kind: "trickle", intervalMs: spec.trickleMs };
  const extraHeaders: Record<string, string> = { ...spec.headers, ...(spec.retryAfter === undefined ? {} : { "retry-after": String(spec.retryAfter) }) };
  const delayMs = spec.delayMs ?? 0;
  if (spec.malformed !== undefined) return { kind: "answer", delayMs, extraHeaders, replacement: malformedResponse(spec) };
  if (spec.status === undefined && spec.body === undefined) return { kind: "answer", delayMs, extraHeaders };
  const status = spec.status ?? 200;
  const replacement =
    spec.body === undefined
      ? defaultErrorResponse(spec.route, status, host)
      : { status, headers: { "content-type": spec.contentType ?? "application/json; charset=utf-8" }, body: spec.body };
  if (spec.contentType !== undefined) replacement.headers["content-type"] = spec.contentType;
  return { kind: "answer", delayMs, extraHeaders, replacement };
}

/** A status-only fault answers in the error shape of the service the route stands for. */
function defaultErrorResponse(route: RouteName, status: number, host: string): HttpResponse {
  const text = `The emulator injected HTTP ${status} (a fault).`;
  switch (route) {
    case "imds":
    case "azureArc":
    case "azureMl":
    case "cloudShell":
      return imdsError(status, status === 429 ? "too_many_requests" : status >= 500 ? "unknown" : "temporarily_unavailable", text);
    case "appService":
      return appServiceError(status, text);
    case "serviceFabric":
      return serviceFabricError(status, status === 429 ? "TooManyRequests" : "InternalServerError", text);
    case "pipelines":
      return azureDevOpsError(status, "TaskOrchestrationPlanNotFoundException", text);
    case "authorize":
    case "devicelogin":
      // What a person sees when the sign-in service is down: a page, not JSON.
      return htmlResponse(
        status,
        errorPage({
          title: "Sorry, but we're having trouble signing you in.",
          message: `AADSTS90033: A transient error has occurred. Please try again. ${text}`,
          details: {},
        }),
      );
    default:
      return jsonResponse(status, entraErrorBody(aadsts.transientError(), host));
  }
}

function malformedResponse(spec: FaultSpec): HttpResponse {
  const status = spec.status ?? 200;
  const json = spec.contentType ?? "application/json; charset=utf-8";
  switch (spec.malformed) {
    case "truncated-json":
      return { status, headers: { "content-type": json }, body: '{"token_type":"Bearer","expires_in":3599,"access_token":"eyJ0eXAiOiJKV1Qi' };
    case "html":
      return {
        status,
        headers: { "content-type": spec.contentType ?? "text/html; charset=utf-8" },
        body: "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Proxy error</body></html>",
      };
    case "empty":
      return { status, headers: { "content-type": json }, body: "" };
    default:
      return { status, headers: { "content-type": json }, body: "upstream connect error or disconnect/reset before headers" };
  }
}

/** Checks a fault (from code or from JSON over HTTP) and returns a copy; throws TypeError naming the field. */
export function validateFaultSpec(value: unknown): FaultSpec {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TypeError("A fault must be an object");
  const fault = value as Record<string, unknown>;
  const check = (field: string, valid: (v: unknown) => boolean, expected: string) => {
    if (fault[field] !== undefined && !valid(fault[field])) {
      throw new TypeError(`Invalid fault: ${field} must be ${expected}, got ${JSON.stringify(fault[field])}`);
    }
  };
  const integerFrom = (min: number, max: number) => (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
  const nonNegative = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;
  const isString = (v: unknown) => typeof v === "string";

  if (fault.route === undefined) throw new TypeError(`Invalid fault: route is required (one of ${ROUTES.join(", ")})`);
  check("route", (v) => ROUTES.some((route) => route === v), `one of ${ROUTES.join(", ")}`);
  check("status", integerFrom(100, 599), "an HTTP status code");
  check("body", isString, "a string");
  check("contentType", isString, "a string");
  check("retryAfter", nonNegative, "a non-negative number");
  check("delayMs", nonNegative, "a non-negative number");
  check("times", integerFrom(1, Number.MAX_SAFE_INTEGER), "a positive integer");
  check("durationMs", (v) => typeof v === "number" && Number.isFinite(v) && v > 0, "a positive number");
  check("hang", (v) => typeof v === "boolean", "true or false");
  check("trickleMs", (v) => typeof v === "number" && Number.isInteger(v) && v >= 10 && v <= 60_000, "an integer number of ms from 10 to 60000");
  check("malformed", (v) => MALFORMED.some((kind) => kind === v), `one of ${MALFORMED.join(", ")}`);
  check("headers", (v) => typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every(isString), "an object of strings");
  return structuredClone(fault) as unknown as FaultSpec; // every field checked above
}
