// GET /{tenant}/oauth2/v2.0/authorize shows the sign-in page; its form posts back to the same
// path (protocols.md 1.6). Until the app and its redirect URI are known to be genuine, errors are
// shown on an error page like Entra's; after that they go back to the app as query parameters
// (error, error_description, error_uri, state), and a sign-in returns code + client_info + state.
import { randomBytes, randomUUID } from "node:crypto";
import type { AppRegistration, TenantConfig } from "../config.js";
import type { EmulatorContext } from "../context.js";
import { htmlResponse, redirectResponse, type HttpResponse } from "../http/response.js";
import { errorPage, formPostPage } from "../pages/signInPages.js";
import { clientInfo } from "../tokens/userTokens.js";
import { pairwiseSubject, userObjectId } from "../principals.js";
import { requestsCaeCapability } from "./claimsRequest.js";
import { aadsts, EntraError, entraErrorBody } from "./errors.js";
import { isRegisteredRedirectUri } from "./redirectUris.js";
import { isSpaRedirectUri } from "./spaRules.js";
import { requireKnownResource } from "./resources.js";
import { delegatedPermissions } from "./scopes.js";
import { browserSession, processSignInForm, readBrowserCookie, renderSignIn, type SignInFlow } from "./signInFlows.js";
import { candidateTenants, findAppForUserFlow, resolveTenant } from "./tenants.js";

const PROMPTS = ["login", "select_account", "consent", "none", "create"];
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** A validated authorize request, kept with the page until the user signs in or cancels. */
interface AuthorizeRequest {
  app: AppRegistration;
  redirectUri: string;
  /** the redirect URI is one of the app's spaRedirectUris */
  spa: boolean;
  responseMode: "query" | "fragment" | "form_post";
  state: string | undefined;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  scope: string;
  cae: boolean;
  wantsClientInfo: boolean;
}

export interface AuthorizeHttpRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  form: Record<string, string> | undefined;
}

export function handleAuthorize(context: EmulatorContext, tenantSegment: string, request: AuthorizeHttpRequest): HttpResponse {
  try {
    return request.method === "GET" ? showSignIn(context, tenantSegment, request) : continueSignIn(context, request);
  } catch (error) {
    if (error instanceof EntraError) return entraErrorPage(context, error);
    throw error;
  }
}

function showSignIn(context: EmulatorContext, tenantSegment: string, request: AuthorizeHttpRequest): HttpResponse {
  const q = request.query;
  const resolved = resolveTenant(context.config, tenantSegment);
  const clientId = q.client_id;
  if (clientId === undefined || clientId === "") throw aadsts.missingParameter("client_id");
  const found = findAppForUserFlow(context.config, resolved, clientId);
  if (found === undefined) throw aadsts.appNotFound(clientId, resolved.kind === "tenant" ? resolved.tenant.id : resolved.alias);
  const redirectUri = q.redirect_uri;
  if (redirectUri === undefined || redirectUri === "") throw aadsts.missingParameter("redirect_uri");
  if (!isRegisteredRedirectUri(found.app, redirectUri)) throw aadsts.redirectUriMismatch(redirectUri, found.app.clientId);

  // The redirect URI is the app's own: from here on, errors are the app's to handle.
  const base: AuthorizeRequest = {
    app: found.app,
    redirectUri,
    spa: isSpaRedirectUri(found.app, redirectUri),
    responseMode: q.response_mode === "form_post" || q.response_mode === "fragment" ? q.response_mode : "query",
    state: q.state,
    nonce: q.nonce,
    codeChallenge: undefined,
    scope: q.scope ?? "",
    cae: false,
    wantsClientInfo: q.client_info === "1",
  };
  let authorize: AuthorizeRequest;
  try {
    authorize = validate(base, q, (resource) => requireKnownResource(context.config, candidateTenants(context.config, resolved), resource));
  } catch (error) {
    if (error instanceof EntraError) return redirectToApp(base, errorParameters(context, error));
    throw error;
  }
  const session = browserSession(request.headers, context.url.startsWith("https:"));
  const target = { tenants: candidateTenants(context.config, resolved), app: found.app, scope: authorize.scope, forceConsent: q.prompt === "consent" };
  const flow = context.interactive.flows.create(session.id, authorize, target);
  return renderSignIn(request.path, flow, target, q.login_hint ?? "", undefined, session.setCookie);
}

function validate(base: AuthorizeRequest, q: Record<string, string>, requireKnown: (resource: string) => void): AuthorizeRequest {
  const responseMode = q.response_mode ?? "query";
  if (responseMode !== "query" && responseMode !== "fragment" && responseMode !== "form_post") throw aadsts.unsupportedResponseMode(responseMode);
  const responseType = q.response_type;
  if (responseType === undefined || responseType === "") throw aadsts.missingParameter("response_type");
  if (responseType !== "code") throw aadsts.unsupportedResponseType(responseType);
  if (base.scope === "") throw aadsts.missingParameter("scope");
  // Scopes of several resources are accepted here, as by Entra (the user consents to all of them); the
  // code's redemption names one resource (AADSTS28000 otherwise, at the token endpoint).
  for (const resource of new Set(delegatedPermissions(base.scope).map((one) => one.resource))) requireKnown(resource);
  // Other claims (the id_token defaults MSAL always sends, step-up challenges) are accepted as asked.
  const cae = requestsCaeCapability(q.claims);

  const challenge = q.code_challenge;
  if (challenge === undefined || challenge === "") {
    if (base.app.publicClient === true || base.spa) throw aadsts.pkceRequired();
  } else {
    const method = q.code_challenge_method ?? "plain";
    if (method !== "S256") throw aadsts.invalidCodeChallenge(`code_challenge_method '${method}' is not supported; use S256.`);
    if (!S256_CHALLENGE.test(challenge)) throw aadsts.invalidCodeChallenge("it must be the 43-character base64url SHA-256 of the code_verifier.");
  }
  const prompt = q.prompt;
  if (prompt !== undefined && !PROMPTS.includes(prompt)) throw aadsts.invalidPrompt(prompt);
  // The emulator keeps no single-sign-on session, so a silent request always needs the user.
  if (prompt === "none") throw aadsts.loginRequired();
  return { ...base, cae, codeChallenge: challenge === "" ? undefined : challenge };
}

function continueSignIn(context: EmulatorContext, request: AuthorizeHttpRequest): HttpResponse {
  const form = request.form ?? {};
  const { flows } = context.interactive;
  const flow = flows.find<AuthorizeRequest>(form.flow, readBrowserCookie(request.headers));
  if (flow?.target === undefined) return sessionNotFound();
  const outcome = processSignInForm(flows, request.path, flow, flow.target, form);
  if (outcome.kind === "page") return outcome.response;
  flows.end(flow);
  if (outcome.kind === "cancelled") return redirectToApp(flow.data, errorParameters(context, aadsts.userCancelled()));
  return redirectToApp(flow.data, codeParameters(context, flow, outcome.tenant, outcome.user));
}

function codeParameters(
  context: EmulatorContext,
  flow: SignInFlow<AuthorizeRequest>,
  tenant: TenantConfig,
  user: TenantConfig["users"][number],
): Record<string, string> {
  const authorize = flow.data;
  const code = context.interactive.codes.issue({
    tenantId: tenant.id,
    clientId: authorize.app.clientId,
    redirectUri: authorize.redirectUri,
    codeChallenge: authorize.codeChallenge,
    nonce: authorize.nonce,
    scope: authorize.scope,
    username: user.username,
    cae: authorize.cae,
    mfa: user.mfaRequired === true,
    spa: authorize.spa,
  });
  const objectId = userObjectId(tenant.id, user);
  const info = clientInfo({ tenantId: tenant.id, objectId, subject: pairwiseSubject(objectId, authorize.app.clientId), username: user.username });
  return {
    code,
    ...(authorize.wantsClientInfo ? { client_info: info } : {}),
    ...(authorize.state === undefined ? {} : { state: authorize.state }),
    session_state: randomUUID(),
  };
}

function errorParameters(context: EmulatorContext, error: EntraError): Record<string, string> {
  const body = entraErrorBody(error, context.url);
  return {
    error: body.error,
    error_description: body.error_description,
    error_uri: body.error_uri,
    ...(body.suberror === undefined ? {} : { suberror: body.suberror }),
  };
}

function redirectToApp(authorize: AuthorizeRequest, parameters: Record<string, string>): HttpResponse {
  const fields = { ...parameters, ...(authorize.state === undefined || "state" in parameters ? {} : { state: authorize.state }) };
  if (authorize.responseMode === "form_post") {
    const nonce = randomBytes(16).toString("base64");
    return htmlResponse(200, formPostPage(authorize.redirectUri, fields, nonce), {
      "content-security-policy": `default-src 'none'; script-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'`,
    });
  }
  const location = new URL(authorize.redirectUri);
  // fragment: the browser keeps the code to itself; it never reaches the app's web server.
  if (authorize.responseMode === "fragment") location.hash = new URLSearchParams(fields).toString();
  else for (const [name, value] of Object.entries(fields)) location.searchParams.append(name, value);
  return redirectResponse(location.toString());
}

function entraErrorPage(context: EmulatorContext, error: EntraError): HttpResponse {
  const body = entraErrorBody(error, context.url);
  return htmlResponse(
    error.status,
    errorPage({
      title: "Sorry, but we're having trouble signing you in.",
      message: `AADSTS${error.code}: ${error.text}`,
      details: { Error: body.error, "Request Id": body.trace_id, "Correlation Id": body.correlation_id, Timestamp: body.timestamp },
    }),
  );
}

export function sessionNotFound(): HttpResponse {
  return htmlResponse(
    400,
    errorPage({
      title: "This sign-in page is no longer valid",
      message:
        "The page expired, was already used, or was opened in another browser (its cookie is missing). Go back to the application and start the sign-in again.",
      details: {},
    }),
  );
}
