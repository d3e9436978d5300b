// Device code (protocols.md 1.5.5): POST /{tenant}/oauth2/v2.0/devicecode starts a sign-in that a
// person finishes at /devicelogin (or a test with emu.deviceCode.approve), while the client polls
// the token endpoint with grant_type device_code (or its URN): authorization_pending until then,
// slow_down when it polls faster than `interval`, then tokens once, or declined / expired.
import type { EmulatorContext } from "../context.js";
import { jsonResponse, type HttpResponse } from "../http/response.js";
import { requestsCaeCapability } from "./claimsRequest.js";
import { authenticateClient, requiredParameter } from "./clientAuthentication.js";
import { aadsts } from "./errors.js";
import { requireKnownResource } from "./resources.js";
import { delegatedScopes } from "./scopes.js";
import type { DeviceAuthorization } from "./deviceCodes.js";
import { candidateTenants, findAppForUserFlow, findUser, resolveTenant, type ResolvedTenant } from "./tenants.js";
import { issueUserTokens } from "./userGrants.js";

/** Poll timing measured at arrival jitters by network and event-loop delays; forgive a little. */
const SLOW_DOWN_TOLERANCE_MS = 200;

/** POST /{tenant}/oauth2/v2.0/devicecode */
export function startDeviceCode(context: EmulatorContext, tenantSegment: string, form: Record<string, string>): HttpResponse {
  const resolved = resolveTenant(context.config, tenantSegment);
  const clientId = requiredParameter(form, "client_id");
  const scope = requiredParameter(form, "scope");
  const scopes = delegatedScopes(scope); // invalid scopes fail now, not at the end of the sign-in
  const cae = requestsCaeCapability(form.claims);
  const found = findAppForUserFlow(context.config, resolved, clientId);
  if (found === undefined) throw aadsts.appNotFound(clientId, resolved.kind === "tenant" ? resolved.tenant.id : resolved.alias);
  requireKnownResource(context.config, candidateTenants(context.config, resolved), scopes.resource);

  const entry = context.interactive.deviceCodes.start({
    tenants: candidateTenants(context.config, resolved),
    appTenant: found.tenant,
    app: found.app,
    scope,
    cae,
  });
  const verificationUri = `${context.url}/devicelogin`;
  return jsonResponse(200, {
    user_code: entry.userCode,
    device_code: entry.deviceCode,
    verification_uri: verificationUri,
    expires_in: context.interactive.deviceCodes.settings.lifetimeSeconds,
    interval: entry.intervalSeconds,
    message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${entry.userCode} to authenticate.`,
  });
}

/** grant_type=device_code or urn:ietf:params:oauth:grant-type:device_code */
export async function deviceCodeGrant(context: EmulatorContext, resolved: ResolvedTenant, form: Record<string, string>): Promise<HttpResponse> {
  const clientId = requiredParameter(form, "client_id");
  const deviceCode = requiredParameter(form, "device_code");
  const codes = context.interactive.deviceCodes;
  const entry = codes.byCode(deviceCode);
  if (entry === undefined || entry.app.clientId.toLowerCase() !== clientId.toLowerCase() || !inTenant(entry, resolved)) throw aadsts.badVerificationCode();
  const { app, appidacr } = await authenticateClient(context, entry.appTenant, form, false);

  const now = Date.now();
  if (now >= entry.expiresAt) throw aadsts.expiredDeviceCode();
  const previous = entry.lastPollAt;
  entry.lastPollAt = now;
  if (codes.settings.slowDown && previous !== undefined && now - previous < entry.intervalSeconds * 1000 - SLOW_DOWN_TOLERANCE_MS)
    throw aadsts.slowDown(entry.intervalSeconds);
  if (entry.status === "pending") throw aadsts.authorizationPending();
  if (entry.status === "denied") throw aadsts.authorizationDeclined();

  const signedIn = entry.user!;
  const user = findUser([signedIn.tenant], signedIn.username)?.user;
  if (user === undefined) throw aadsts.userNotFound(signedIn.username, signedIn.tenant.id);
  codes.remove(entry); // tokens once; the code is unknown afterwards
  const scope = form.scope === undefined || form.scope === "" ? entry.scope : form.scope;
  return issueUserTokens(context, {
    tenant: signedIn.tenant,
    app,
    user,
    appidacr,
    scope,
    cae: entry.cae || requestsCaeCapability(form.claims),
    wantsClientInfo: form.client_info === "1",
    mfa: signedIn.mfa,
  });
}

function inTenant(entry: DeviceAuthorization, resolved: ResolvedTenant): boolean {
  return resolved.kind === "multi" || entry.tenants.some((tenant) => tenant.id === resolved.tenant.id);
}
