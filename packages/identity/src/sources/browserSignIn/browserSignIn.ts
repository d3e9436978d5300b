// The browser sign-in, end to end: loopback listener first, then the browser at /authorize, then
// wait (bounded by a timeout and the caller's AbortSignal) for the redirect, redeem the code with
// the PKCE verifier, and show the real outcome in the browser tab. The listener is closed on
// every path.
import { AuthenticationError, CredentialUnavailableError } from "../../core/errors.js";
import type { CredentialLogger } from "../../core/logger.js";
import type { AbortSignalLike } from "../../core/types.js";
import { buildAuthorizeUrl, redeemAuthorizationCode } from "../entra/authorizationCodeFlow.js";
import { accountFromResponse } from "../entra/idToken.js";
import { withinLimits, type Limits } from "../../core/limits.js";
import { createPkce, randomToken } from "../entra/pkce.js";
import type { InteractionResult, UserGrantClient } from "../entra/userGrant.js";
import { startLoopbackServer } from "./loopbackServer.js";
import type { BrowserOpener } from "./openBrowser.js";
import type { BrowserPageTexts } from "./pages.js";

export interface BrowserSignInRequest {
  grants: UserGrantClient;
  tenantId: string;
  scopes: string[];
  claims: string | undefined;
  loginHint: string | undefined;
  domainHint: string | undefined;
  prompt: string | undefined;
  /** Port and path of the loopback redirect (port 0: ephemeral). */
  redirect: { port: number; path: string };
  openBrowser: BrowserOpener;
  pages: BrowserPageTexts | undefined;
  /** How long the user has to complete the sign-in. */
  timeoutMs: number;
  abortSignal: AbortSignalLike | undefined;
  logger: CredentialLogger;
}

const REDEEM_TIMEOUT_MS = 30_000;

export async function runBrowserSignIn(request: BrowserSignInRequest): Promise<InteractionResult> {
  const { grants, logger } = request;
  const deadline = Date.now() + request.timeoutMs;
  const pkce = await createPkce();
  const state = randomToken();
  const nonce = randomToken();
  const authorizeEndpoint = await grants.siblingEndpoint(request.tenantId, "authorize", Math.min(deadline, Date.now() + 60_000), request.abortSignal);
  const server = await startLoopbackServer({ port: request.redirect.port, path: request.redirect.path, state, pages: request.pages });
  let failure = "The sign-in did not complete.";
  try {
    const limits: Limits = {
      deadline,
      abortSignal: request.abortSignal,
      onTimeout: () =>
        new AuthenticationError(0, {
          error: "timeout",
          errorDescription: `InteractiveBrowserCredential: no sign-in completed within ${Math.round(request.timeoutMs / 1000)} s. The browser window may have been closed, or the page could not reach ${server.redirectUri} (a remote or headless session).${server.ignoredRequests > 0 ? ` ${server.ignoredRequests} redirect(s) with another sign-in's state (an old tab, or forged) were ignored.` : ""} Try again, or use DeviceCodeCredential where no local browser is available.`,
        }),
    };
    const url = buildAuthorizeUrl(authorizeEndpoint, {
      clientId: grants.clientId,
      redirectUri: server.redirectUri,
      scopes: request.scopes,
      state,
      nonce,
      codeChallenge: pkce.challenge,
      claims: request.claims,
      loginHint: request.loginHint,
      domainHint: request.domainHint,
      prompt: request.prompt,
    });
    logger.info(`waiting for the sign-in redirect on ${server.redirectUri}.`);
    await withinLimits(openBrowser(request.openBrowser, url), limits);
    const redirect = await withinLimits(server.redirect, limits);
    try {
      const response = await redeemAuthorizationCode(
        grants,
        { code: redirect.code, redirectUri: server.redirectUri, codeVerifier: pkce.verifier },
        {
          tenantId: request.tenantId,
          scopes: request.scopes,
          claims: request.claims,
          deadline: Date.now() + REDEEM_TIMEOUT_MS,
          abortSignal: request.abortSignal,
        },
      );
      accountFromResponse(response, { clientId: grants.clientId, nonce, fallbackTenantId: request.tenantId });
      redirect.finish({ ok: true });
      return { response, nonce };
    } catch (error) {
      redirect.finish({
        ok: false,
        details:
          error instanceof AuthenticationError
            ? `${error.errorResponse.error}: ${error.errorResponse.errorDescription.split("\n")[0]}`
            : "The application could not complete the sign-in.",
      });
      throw error;
    }
  } catch (error) {
    if (error instanceof Error) failure = error.name === "AbortError" ? "The application cancelled this sign-in." : failure;
    throw error;
  } finally {
    server.close(failure);
  }
}

async function openBrowser(opener: BrowserOpener, url: string): Promise<void> {
  try {
    await opener(url);
  } catch (error) {
    if (error instanceof CredentialUnavailableError) throw error;
    throw new CredentialUnavailableError(
      `InteractiveBrowserCredential: the browser could not be opened (${error instanceof Error ? error.message : String(error)}). Use DeviceCodeCredential on machines without a browser.`,
      { cause: error },
    );
  }
}
