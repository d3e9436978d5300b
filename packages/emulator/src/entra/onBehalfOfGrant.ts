// On-behalf-of (protocols.md 1.5.7): a web API trades the user's access token it received for a
// token to a downstream API, as the same user. The assertion must be a user token this emulator
// signed, still valid, and addressed to the calling app (its client id or api://<client id>).
import type { EmulatorContext } from "../context.js";
import type { HttpResponse } from "../http/response.js";
import { verifyOwnToken } from "../tokens/signingKey.js";
import { requestsCaeCapability } from "./claimsRequest.js";
import { authenticateClient, requiredParameter } from "./clientAuthentication.js";
import { aadsts, entraTimestamp } from "./errors.js";
import { findUser, type ResolvedTenant } from "./tenants.js";
import { issueUserTokens } from "./userGrants.js";

export async function onBehalfOfGrant(context: EmulatorContext, resolved: ResolvedTenant, form: Record<string, string>): Promise<HttpResponse> {
  const clientId = requiredParameter(form, "client_id");
  const use = requiredParameter(form, "requested_token_use");
  if (use !== "on_behalf_of") throw aadsts.malformedRequest(`requested_token_use must be 'on_behalf_of', got '${use}'.`);
  const assertion = requiredParameter(form, "assertion");
  const scope = requiredParameter(form, "scope");
  const cae = requestsCaeCapability(form.claims);

  let payload: Record<string, unknown>;
  try {
    payload = verifyOwnToken(assertion, [context.signingKey]).payload;
  } catch (error) {
    throw aadsts.oboAssertionInvalid(`the assertion is not a token this emulator signed: ${(error as Error).message}`);
  }
  const tenantId = typeof payload.tid === "string" ? payload.tid : "";
  const tenant = context.config.tenants.find((candidate) => candidate.id === tenantId);
  if (tenant === undefined || (resolved.kind === "tenant" && resolved.tenant.id !== tenant.id)) {
    throw aadsts.oboAssertionInvalid(`the assertion was issued in tenant '${tenantId}', not the one this request was sent to`);
  }
  const { app, appidacr } = await authenticateClient(context, tenant, form, true);

  const exp = typeof payload.exp === "number" ? payload.exp : 0;
  const now = Date.now() / 1000;
  if (exp <= now) throw aadsts.oboAssertionExpired(entraTimestamp(new Date()), entraTimestamp(new Date(exp * 1000)));
  const audience = String(payload.aud);
  const accepted = [app.clientId.toLowerCase(), `api://${app.clientId.toLowerCase()}`];
  if (!accepted.includes(audience.toLowerCase())) throw aadsts.oboAudienceMismatch(audience, app.clientId);
  if (payload.idtyp === "app" || typeof payload.upn !== "string")
    throw aadsts.oboAssertionInvalid("the assertion is not a user's token (app-only tokens cannot be exchanged on behalf of a user)");
  const user = findUser([tenant], payload.upn)?.user;
  if (user === undefined) throw aadsts.userNotFound(payload.upn, tenant.id);

  const amr = payload.amr;
  return issueUserTokens(context, {
    tenant,
    app,
    user,
    appidacr,
    scope,
    cae,
    wantsClientInfo: form.client_info === "1",
    mfa: Array.isArray(amr) && amr.includes("mfa"),
  });
}
