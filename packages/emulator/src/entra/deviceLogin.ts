// GET/POST /devicelogin: the page a person opens from the device code message, enters the user
// code on, then signs in on the same sign-in page /authorize uses. Success approves the code the
// client is polling for; Cancel declines it.
import type { EmulatorContext } from "../context.js";
import { htmlResponse, type HttpResponse } from "../http/response.js";
import { deviceCodeEntryPage, messagePage } from "../pages/signInPages.js";
import { sessionNotFound, type AuthorizeHttpRequest } from "./authorize.js";
import { browserSession, processSignInForm, readBrowserCookie, renderSignIn } from "./signInFlows.js";

interface DeviceLoginState {
  /** set once a valid code was entered */
  userCode?: string;
}

export function handleDeviceLogin(context: EmulatorContext, request: AuthorizeHttpRequest): HttpResponse {
  const { flows, deviceCodes } = context.interactive;
  if (request.method === "GET") {
    const session = browserSession(request.headers, context.url.startsWith("https:"));
    const flow = flows.create<DeviceLoginState>(session.id, {});
    return htmlResponse(200, deviceCodeEntryPage({ action: request.path, flowId: flow.id, code: "" }), session.setCookie);
  }

  const form = request.form ?? {};
  const flow = flows.find<DeviceLoginState>(form.flow, readBrowserCookie(request.headers));
  if (flow === undefined) return sessionNotFound();

  if (flow.data.userCode === undefined || flow.target === undefined) {
    const typed = (form.code ?? "").trim();
    const retry = (error: string) => htmlResponse(200, deviceCodeEntryPage({ action: request.path, flowId: flow.id, code: typed, error }));
    const entry = typed === "" ? undefined : deviceCodes.byUserCode(typed);
    if (entry === undefined) return retry("AADSTS70018: That code didn't work. Check the code and try again.");
    if (entry.expiresAt <= Date.now()) return retry("AADSTS70019: That code has expired. Go back to your device and start again to get a new code.");
    if (entry.status !== "pending") return retry("That code was already used. Go back to your device and start again to get a new code.");
    flow.data.userCode = entry.userCode;
    flow.target = { tenants: entry.tenants, app: entry.app, scope: entry.scope, forceConsent: false };
    return renderSignIn(request.path, flow, flow.target, "");
  }

  const appName = flow.target.app.displayName ?? flow.target.app.clientId;
  const outcome = processSignInForm(flows, request.path, flow, flow.target, form);
  if (outcome.kind === "page") return outcome.response;
  flows.end(flow);
  try {
    if (outcome.kind === "cancelled") {
      deviceCodes.deny(flow.data.userCode);
      return htmlResponse(200, messagePage("Sign-in cancelled", `You declined to sign in to ${appName} on your device. You can close this window.`));
    }
    deviceCodes.approve(flow.data.userCode, outcome.user.username);
  } catch (error) {
    if (error instanceof RangeError)
      return htmlResponse(200, messagePage("That code is no longer valid", `${error.message}. Go back to your device and start again.`));
    throw error;
  }
  return htmlResponse(200, messagePage("You're signed in", `You have signed in to the ${appName} application on your device. You may now close this window.`));
}
