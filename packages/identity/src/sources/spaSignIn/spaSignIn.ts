// A single-page app's sign-in (authorization code + PKCE S256, state and nonce), in a popup or by
// leaving the page (redirect). Entra answers in the URL fragment (response_mode=fragment), so the
// code never reaches the app's server; the page redeems it itself, cross-origin, which Entra allows
// only for redirect URIs registered as "spa" (and then issues 24-hour refresh tokens).
//  - popup: the window opens first (inside the user's click), then goes to /authorize; this page
//    reads the response when the popup is back on the app's origin, and redeems the code at once;
//  - redirect: the checks and the verifier wait in sessionStorage (pendingSignIn.ts), the page goes to
//    /authorize; when the app loads again completeRedirectSignIn() checks the response and the
//    credential's next interaction redeems the code (redeemSignIn).
// The response is removed from the address bar as soon as it is read.
import { AuthenticationError } from "../../core/errors.js";
import type { CredentialLogger } from "../../core/logger.js";
import type { AbortSignalLike } from "../../core/types.js";
import { buildAuthorizeUrl, redeemAuthorizationCode } from "../entra/authorizationCodeFlow.js";
import { withinLimits } from "../../core/limits.js";
import { createPkce, randomToken } from "../entra/pkce.js";
import type { InteractionResult, UserGrantClient } from "../entra/userGrant.js";
import { codeFromAuthResponse, readAuthResponse, withoutAuthResponse } from "./authResponse.js";
import { browserWindow, type BrowserWindow, type PopupWindow } from "./browserWindow.js";
import { savePendingSignIn, takePendingSignIn, type PendingSignIn } from "./pendingSignIn.js";
import { isSignInPopup, openSignInPopup, popupRedirect } from "./popup.js";

/** How a page signs the user in: in a popup window, or by redirecting the page itself (and back). */
export type BrowserLoginStyle = "popup" | "redirect";

export interface SpaSignInRequest {
  grants: UserGrantClient;
  loginStyle: BrowserLoginStyle;
  redirectUri: string;
  tenantId: string;
  scopes: string[];
  claims: string | undefined;
  loginHint: string | undefined;
  /** How long the user has to finish in the popup. */
  timeoutMs: number;
  abortSignal: AbortSignalLike | undefined;
  logger: CredentialLogger;
}

const REDEEM_TIMEOUT_MS = 30_000;

/** Popup: signs in and redeems the code. Redirect: leaves the page (the promise never settles). */
export function runSpaSignIn(request: SpaSignInRequest): Promise<InteractionResult> {
  const window = browserWindow();
  // Before any await: browsers allow a popup only while the click that asked for it is recent.
  const popup = request.loginStyle === "popup" ? openSignInPopup(window, request.grants.clientId) : undefined;
  return popup === undefined ? leaveForSignIn(window, request) : signInWithPopup(popup, request);
}

async function authorizeUrl(request: SpaSignInRequest, pending: PendingSignIn, codeChallenge: string): Promise<string> {
  const endpoint = await request.grants.siblingEndpoint(request.tenantId, "authorize", Date.now() + REDEEM_TIMEOUT_MS, request.abortSignal);
  return buildAuthorizeUrl(endpoint, {
    clientId: request.grants.clientId,
    redirectUri: pending.redirectUri,
    scopes: request.scopes,
    state: pending.state,
    nonce: pending.nonce,
    codeChallenge,
    claims: request.claims,
    loginHint: request.loginHint,
    responseMode: "fragment",
  });
}

async function newPendingSignIn(request: SpaSignInRequest): Promise<{ pending: PendingSignIn; codeChallenge: string }> {
  const pkce = await createPkce();
  const pending: PendingSignIn = {
    state: randomToken(),
    nonce: randomToken(),
    codeVerifier: pkce.verifier,
    redirectUri: request.redirectUri,
    scopes: request.scopes,
    tenantId: request.tenantId,
    claims: request.claims,
    expiresAt: Date.now() + request.timeoutMs,
  };
  return { pending, codeChallenge: pkce.challenge };
}

async function signInWithPopup(popup: PopupWindow, request: SpaSignInRequest): Promise<InteractionResult> {
  const watch = { cancelled: false };
  try {
    const { pending, codeChallenge } = await newPendingSignIn(request);
    popup.location.href = await authorizeUrl(request, pending, codeChallenge);
    request.logger.info("waiting for the sign-in popup to return to the redirect URI.");
    const returned = await withinLimits(popupRedirect(popup, request.redirectUri, watch), {
      deadline: pending.expiresAt,
      abortSignal: request.abortSignal,
      onTimeout: () =>
        new AuthenticationError(0, {
          error: "timeout",
          errorDescription: `InteractiveBrowserCredential: no sign-in completed in the popup within ${Math.round(request.timeoutMs / 1000)} s. Call getToken() or authenticate() again; if the popup never came back to ${request.redirectUri}, register that exact URI as a "spa" redirect URI of the app.`,
        }),
    });
    return await redeemSignIn(request.grants, { code: codeFromAuthResponse(readAuthResponse(returned)!, pending.state), pending });
  } finally {
    watch.cancelled = true;
    if (!popup.closed) popup.close();
  }
}

async function leaveForSignIn(window: BrowserWindow, request: SpaSignInRequest): Promise<InteractionResult> {
  const { pending, codeChallenge } = await newPendingSignIn(request);
  const url = await authorizeUrl(request, pending, codeChallenge);
  savePendingSignIn(request.grants.clientId, pending);
  request.logger.info("leaving the page for the sign-in (loginStyle 'redirect').");
  window.location.assign(url);
  // The page unloads; nothing waiting here ever resumes.
  return new Promise<never>(() => undefined);
}

/** A redirect sign-in's response, checked against this tab's pending sign-in: its code, to redeem. */
export interface ReturnedSignIn {
  code: string;
  pending: PendingSignIn;
}

/**
 * On page load: if the address carries a sign-in response (and this page is not a sign-in popup,
 * whose opener reads it), removes it from the address bar and checks it against this tab's pending
 * sign-in (a typed error when it doesn't match or is an error response). Undefined when there is
 * nothing to handle. The credential redeems the code (redeemSignIn) with its client's settings.
 */
export async function completeRedirectSignIn(clientId: string): Promise<ReturnedSignIn | undefined> {
  const window = (globalThis as { window?: BrowserWindow }).window;
  if (window === undefined || isSignInPopup(window)) return undefined;
  const fields = readAuthResponse(window.location.href);
  if (fields === undefined) return undefined;
  const pending = takePendingSignIn(clientId);
  // First of all, whatever the response turns out to be: no code or error stays in the address bar or history.
  window.history.replaceState(window.history.state, "", withoutAuthResponse(window.location.href));
  return { code: codeFromAuthResponse(fields, pending?.state), pending: pending! };
}

/** Redeems a checked response's code with the verifier, redirect URI, scopes and tenant its sign-in used. */
export async function redeemSignIn(grants: UserGrantClient, { code, pending }: ReturnedSignIn): Promise<InteractionResult> {
  const { redirectUri, codeVerifier, tenantId, scopes, claims, nonce } = pending;
  const response = await redeemAuthorizationCode(
    grants,
    { code, redirectUri, codeVerifier },
    { tenantId, scopes, claims, deadline: Date.now() + REDEEM_TIMEOUT_MS },
  );
  return { response, nonce };
}
