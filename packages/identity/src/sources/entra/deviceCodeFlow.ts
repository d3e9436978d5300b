// The device authorization grant (RFC 8628; protocols.md 1.5.5): ask /devicecode for a user code,
// show it, then poll the token endpoint until the person has signed in on another device.
// Polling follows the server: `authorization_pending` waits `interval`, `slow_down` adds 5 s
// (MSAL-JS fails there; RFC 8628 3.5 says back off), and the code's own expiry ends it.
import { AuthenticationError, parseOAuthErrorBody } from "../../core/errors.js";
import { sendWithRetry } from "../../core/http/retry.js";
import { TransportError } from "../../core/http/httpClient.js";
import { scrubSecrets } from "../../core/logger.js";
import type { AbortSignalLike } from "../../core/types.js";
import { hintFor } from "./errorHints.js";
import { sleepWithinLimits, withinLimits, type Limits } from "../../core/limits.js";
import type { TokenEndpointResponse } from "./tokenRequest.js";
import { withOidcScopes, type UserGrantClient } from "./userGrant.js";

/** What the user is shown. As in @azure/identity, plus the fields Entra sends that help a UI. */
export interface DeviceCodeInfo {
  /** The code the user types at `verificationUri`. */
  userCode: string;
  /** Where to sign in, e.g. https://microsoft.com/devicelogin. */
  verificationUri: string;
  /** Entra's ready-made instruction ("To sign in, use a web browser to open ..."). */
  message: string;
  /** azid extension: when the code stops working. */
  expiresOn?: Date;
}

/** Shows the device code to the user (`info.message` is a ready-made sentence). */
export type DeviceCodePromptCallback = (deviceCodeInfo: DeviceCodeInfo) => void;

/** The RFC 8628 spelling; Entra accepts it and MSAL-JS's short `device_code` alike. */
export const DEVICE_CODE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";
const SLOW_DOWN_STEP_MS = 5_000;

interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  message: string;
  expiresInSeconds: number;
  intervalSeconds: number;
}

export interface DeviceCodeFlowRequest {
  grants: UserGrantClient;
  tenantId: string;
  scopes: string[];
  claims: string | undefined;
  prompt: DeviceCodePromptCallback;
  abortSignal: AbortSignalLike | undefined;
  /** The caller's requestOptions.timeout, if any. */
  timeoutMs: number | undefined;
}

const NEXT_STEPS: Record<string, string> = {
  expired_token: "The device code expired before the sign-in was completed. Call getToken()/authenticate() again and enter the new code within its lifetime.",
  authorization_declined: "The user declined the sign-in on the device login page. Call again to start a new sign-in if that was a mistake.",
  bad_verification_code: "Entra ID did not recognise the device code (a proxy may have altered it, or it belongs to another tenant). Start a new sign-in.",
};

export async function runDeviceCodeFlow(request: DeviceCodeFlowRequest): Promise<TokenEndpointResponse> {
  const { grants, tenantId, scopes, claims, abortSignal } = request;
  const callerDeadline = request.timeoutMs !== undefined ? Date.now() + request.timeoutMs : Number.POSITIVE_INFINITY;
  const timeoutError = () =>
    new AuthenticationError(0, {
      error: "timeout",
      errorDescription: `DeviceCodeCredential: no sign-in within requestOptions.timeout (${request.timeoutMs} ms). The user must enter the code sooner, or pass a longer timeout.`,
    });
  const setupDeadline = Math.min(callerDeadline, Date.now() + 60_000);
  const authorization = await requestDeviceCode(grants, tenantId, scopes, claims, setupDeadline, abortSignal);

  const codeExpiresAt = Date.now() + authorization.expiresInSeconds * 1000;
  try {
    request.prompt({
      userCode: authorization.userCode,
      verificationUri: authorization.verificationUri,
      message: authorization.message,
      expiresOn: new Date(codeExpiresAt),
    });
  } catch (error) {
    throw new AuthenticationError(
      0,
      {
        error: "prompt_failed",
        errorDescription: `DeviceCodeCredential: the userPromptCallback threw: ${error instanceof Error ? error.message : String(error)}`,
      },
      { cause: error },
    );
  }

  const expired = () =>
    new AuthenticationError(400, {
      error: "expired_token",
      errorDescription: `The device code expired after ${authorization.expiresInSeconds} s without a completed sign-in.\nHint: ${NEXT_STEPS.expired_token}`,
    });
  const limits: Limits & { deadline: number; onTimeout: () => Error } = {
    deadline: Math.min(codeExpiresAt, callerDeadline),
    abortSignal,
    onTimeout: () => (callerDeadline < codeExpiresAt ? timeoutError() : expired()),
  };
  let intervalMs = authorization.intervalSeconds * 1000;
  for (;;) {
    await sleepWithinLimits(intervalMs, limits);
    try {
      return await withinLimits(
        grants.redeem(
          { grant_type: DEVICE_CODE_GRANT_TYPE, device_code: authorization.deviceCode },
          { tenantId, scopes, claims, deadline: limits.deadline, abortSignal },
        ),
        limits,
      );
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      const code = error.errorResponse.error;
      if (code === "authorization_pending") continue;
      if (code === "slow_down") {
        intervalMs += SLOW_DOWN_STEP_MS;
        continue;
      }
      if (error.code === "ERR_REQUEST_TIMEOUT" && Date.now() >= limits.deadline) throw limits.onTimeout();
      const nextStep = NEXT_STEPS[code];
      if (nextStep === undefined) throw error;
      throw new AuthenticationError(
        error.statusCode,
        { ...error.errorResponse, errorDescription: `${error.errorResponse.errorDescription}\nHint: ${nextStep}` },
        { cause: error },
      );
    }
  }
}

async function requestDeviceCode(
  grants: UserGrantClient,
  tenantId: string,
  scopes: string[],
  claims: string | undefined,
  deadline: number,
  abortSignal: AbortSignalLike | undefined,
): Promise<DeviceAuthorization> {
  const endpoint = await grants.siblingEndpoint(tenantId, "devicecode", deadline, abortSignal);
  const form: Record<string, string> = { client_id: grants.clientId, scope: withOidcScopes(scopes) };
  if (claims !== undefined) form.claims = claims;
  const { http } = grants.settings;
  let response;
  try {
    ({ response } = await sendWithRetry(
      http.client,
      {
        method: "POST",
        url: endpoint,
        headers: { "content-type": "application/x-www-form-urlencoded;charset=utf-8", accept: "application/json", "user-agent": http.userAgent },
        body: new URLSearchParams(form).toString(),
      },
      http.retry,
      { deadline, attemptTimeoutMs: http.attemptTimeoutMs, ...(abortSignal ? { abortSignal } : {}) },
    ));
  } catch (error) {
    if (error instanceof TransportError && error.code === "ABORTED") throw error;
    throw new AuthenticationError(
      0,
      { error: "network_error", errorDescription: `The device code request to ${new URL(endpoint).origin} failed: ${(error as Error).message}` },
      { cause: error },
    );
  }
  return parseDeviceAuthorization(response.status, response.bodyText, endpoint, form.scope!);
}

/** The /devicecode answer: the codes and timings, or an AuthenticationError naming what was wrong (exported for the fuzz tests). */
export function parseDeviceAuthorization(status: number, bodyText: string, endpoint: string, scope: string): DeviceAuthorization {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    body = undefined;
  }
  const fields = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  if (status < 200 || status >= 300 || fields === undefined) {
    if (fields !== undefined && typeof fields.error === "string") {
      const parsed = parseOAuthErrorBody(fields);
      const hint = parsed.errorCodes?.includes(53003)
        ? "Conditional Access blocks the device code flow in this tenant: use InteractiveBrowserCredential (or a broker) instead."
        : hintFor(parsed.errorCodes, scope);
      if (hint !== undefined) parsed.errorDescription = `${parsed.errorDescription}\nHint: ${hint}`;
      throw new AuthenticationError(status, parsed);
    }
    throw new AuthenticationError(status, {
      error: "unexpected_response",
      errorDescription: `${new URL(endpoint).origin} answered the device code request with HTTP ${status} and no JSON object (starts: "${scrubSecrets(bodyText.slice(0, 120))}"). Is authorityHost an Entra ID authority?`,
    });
  }
  const text = (name: string): string => {
    const value = fields[name];
    if (typeof value !== "string" || value === "") throw malformed(endpoint, name, "a non-empty string");
    return value;
  };
  const seconds = (name: string, fallback: number, min: number): number => {
    const value = fields[name];
    if (value === undefined) return fallback;
    const number = typeof value === "string" && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    if (typeof number !== "number" || !Number.isFinite(number) || number < min) throw malformed(endpoint, name, `a number of seconds (at least ${min})`);
    return number;
  };
  // ADFS 2019 and older Entra answers spell it verification_url.
  const verificationUri = typeof fields.verification_uri === "string" ? text("verification_uri") : text("verification_url");
  const userCode = text("user_code");
  return {
    deviceCode: text("device_code"),
    userCode,
    verificationUri,
    message:
      typeof fields.message === "string" && fields.message !== ""
        ? fields.message
        : `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
    expiresInSeconds: seconds("expires_in", 900, 1),
    // Bounded both ways: a zero interval must not turn polling into a hammer, nor a huge one into a hang.
    intervalSeconds: Math.min(Math.max(seconds("interval", 5, 0), 0.2), 60),
  };
}

function malformed(endpoint: string, field: string, expected: string): AuthenticationError {
  return new AuthenticationError(200, {
    error: "invalid_response",
    errorDescription: `The device code response from ${new URL(endpoint).origin} is malformed: '${field}' must be ${expected}.`,
  });
}
