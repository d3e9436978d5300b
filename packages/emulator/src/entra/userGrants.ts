// Delegated grants: password (ROPC, protocols.md 1.5.6) and refresh_token (1.5.4). Both return an
// access token for the user, an id_token, a refresh token and, on request, client_info.
import type { AppRegistration, TenantConfig, UserConfig } from "../config.js";
import type { EmulatorContext } from "../context.js";
import type { HttpResponse } from "../http/response.js";
import { pairwiseSubject, userObjectId } from "../principals.js";
import { mintAccessToken, type AppIdAcr } from "../tokens/accessToken.js";
import { clientInfo, mintIdToken, mintRefreshToken, readRefreshToken, type SignedInUser } from "../tokens/userTokens.js";
import { requestsCaeCapability } from "./claimsRequest.js";
import { authenticateClient, requiredParameter } from "./clientAuthentication.js";
import { aadsts } from "./errors.js";
import { requireKnownResource } from "./resources.js";
import { delegatedScopes } from "./scopes.js";
import { secretsEqual } from "./secretComparison.js";
import { checkRedemptionOrigin, formatLifetime, spaClient } from "./spaRules.js";
import { findApp, findUser, type ResolvedTenant } from "./tenants.js";
import { tokenResponse } from "./tokenResponse.js";

/** What MSAL asks for when the caller names no scope on a refresh. */
const DEFAULT_USER_SCOPE = "openid profile offline_access";

export async function passwordGrant(context: EmulatorContext, resolved: ResolvedTenant, form: Record<string, string>): Promise<HttpResponse> {
  requiredParameter(form, "client_id");
  const username = requiredParameter(form, "username");
  const password = requiredParameter(form, "password");
  const scope = requiredParameter(form, "scope");
  const cae = requestsCaeCapability(form.claims);

  // On /common and /organizations the user's own tenant decides where the sign-in happens.
  const tenants = resolved.kind === "tenant" ? [resolved.tenant] : context.config.tenants;
  const found = findUser(tenants, username);
  const tenant = found?.tenant ?? (resolved.kind === "tenant" ? resolved.tenant : undefined);
  if (tenant === undefined) throw aadsts.userNotFound(username, resolved.kind === "multi" ? resolved.alias : "");
  const { app, appidacr } = await authenticateClient(context, tenant, form, false);
  if (found === undefined) throw aadsts.userNotFound(username, tenant.id);
  if (!secretsEqual(found.user.password, password)) throw aadsts.wrongPassword();
  if (found.user.mfaRequired === true) throw aadsts.mfaRequired();

  return issueUserTokens(context, { tenant, app, user: found.user, appidacr, scope, cae, wantsClientInfo: form.client_info === "1" });
}

export async function refreshTokenGrant(
  context: EmulatorContext,
  resolved: ResolvedTenant,
  form: Record<string, string>,
  origin: string | undefined,
): Promise<HttpResponse> {
  const clientId = requiredParameter(form, "client_id");
  const grant = readRefreshToken(requiredParameter(form, "refresh_token"), [context.signingKey]);
  if (typeof grant === "string") throw aadsts.invalidRefreshToken(grant);
  if ("expired" in grant) {
    if (grant.spa) throw aadsts.spaRefreshTokenExpired(formatLifetime(context.spaRefreshTokenLifetimeSeconds), isoTime(grant.issuedAtMs));
    throw aadsts.refreshTokenExpired(isoTime(grant.issuedAtMs));
  }
  const spa = grant.spaExpiresAtMs !== undefined;
  checkRedemptionOrigin(origin, spa);
  const tenant = context.config.tenants.find((candidate) => candidate.id === grant.tenantId);
  if (tenant === undefined || (resolved.kind === "tenant" && resolved.tenant.id !== tenant.id)) {
    throw aadsts.invalidRefreshToken("it was issued in another tenant");
  }
  if (grant.clientId.toLowerCase() !== clientId.toLowerCase() && !sameFamily(tenant, grant.clientId, clientId)) throw aadsts.refreshTokenClientMismatch();
  const { app, appidacr } = spa ? spaClient(tenant, form, clientId) : await authenticateClient(context, tenant, form, false);
  const validFrom = context.interactive.revocations.validFrom(grant.username);
  if (grant.issuedAtMs <= validFrom) throw aadsts.refreshTokenRevoked(isoTime(grant.issuedAtMs), isoTime(validFrom));
  const user = findUser([tenant], grant.username)?.user;
  if (user === undefined) throw aadsts.invalidRefreshToken("its user no longer exists");

  // A claims challenge (CAE, step-up) is satisfied by the fresh grant itself; only cp1 shapes the token.
  const scope = form.scope === undefined || form.scope === "" ? DEFAULT_USER_SCOPE : form.scope;
  const cae = requestsCaeCapability(form.claims);
  return issueUserTokens(context, {
    tenant,
    app,
    user,
    appidacr,
    scope,
    cae,
    wantsClientInfo: form.client_info === "1",
    ...(spa ? { spaRefreshExpiresAtMs: grant.spaExpiresAtMs } : {}),
  });
}

export interface UserTokenRequest {
  tenant: TenantConfig;
  app: AppRegistration;
  user: UserConfig;
  appidacr: AppIdAcr;
  scope: string;
  cae: boolean;
  wantsClientInfo: boolean;
  /** from the authorize request, echoed in the id_token */
  nonce?: string;
  /** the user completed MFA (interactive sign-in of an MFA-required user): amr pwd + mfa */
  mfa?: boolean;
  /** a single-page app's sign-in: the fixed expiry (epoch ms) of its refresh tokens */
  spaRefreshExpiresAtMs?: number;
}

/** Access token (v1, delegated), id_token, a fresh refresh token and, on request, client_info. */
export function issueUserTokens(context: EmulatorContext, request: UserTokenRequest): HttpResponse {
  const { tenant, app, user } = request;
  const scopes = delegatedScopes(request.scope);
  requireKnownResource(context.config, [tenant], scopes.resource);
  const objectId = userObjectId(tenant.id, user);
  const spaExpiry: { spaExpiresAtMs?: number } = request.spaRefreshExpiresAtMs === undefined ? {} : { spaExpiresAtMs: request.spaRefreshExpiresAtMs };
  const signedIn: SignedInUser = {
    tenantId: tenant.id,
    objectId,
    subject: pairwiseSubject(objectId, app.clientId),
    username: user.username,
    ...(user.displayName === undefined ? {} : { name: user.displayName }),
  };
  const accessToken = mintAccessToken(context.signingKey, {
    tenantId: tenant.id,
    clientId: app.clientId,
    resource: scopes.resource,
    appidacr: request.appidacr,
    principal: {
      kind: "user",
      objectId,
      subject: signedIn.subject,
      username: user.username,
      permissions: scopes.permissions,
      ...(user.displayName === undefined ? {} : { name: user.displayName }),
      ...(request.mfa === true ? { amr: ["pwd", "mfa"] } : {}),
    },
    lifetimeSeconds: context.accessTokenLifetimeSeconds,
    cae: request.cae,
  });
  return tokenResponse(context, {
    accessToken,
    scope: scopes.granted,
    // Entra only adds one when offline_access was requested; MSAL always requests it, so the
    // emulator always returns one and keeps the rule out of every test's way. A new one each time
    // (rotation); older ones keep working, as in Entra, until revoked or expired.
    refreshToken: mintRefreshToken(
      context.signingKey,
      { tenantId: tenant.id, clientId: app.clientId, username: user.username, ...spaExpiry },
      context.interactive.revocations.issueTime(),
    ),
    ...(spaExpiry.spaExpiresAtMs === undefined ? {} : { refreshTokenExpiresIn: Math.max(0, Math.ceil((spaExpiry.spaExpiresAtMs - Date.now()) / 1000)) }),
    idToken: mintIdToken(context.signingKey, `${context.url}/${tenant.id}/v2.0`, app.clientId, signedIn, request.nonce),
    ...(request.wantsClientInfo ? { clientInfo: clientInfo(signedIn) } : {}),
    ...(app.familyId !== undefined ? { familyId: app.familyId } : {}),
  });
}

/** Family refresh tokens (FOCI): both apps registered with the same familyId. */
function sameFamily(tenant: TenantConfig, issuedTo: string, redeemer: string): boolean {
  const family = findApp(tenant, issuedTo)?.familyId;
  return family !== undefined && findApp(tenant, redeemer)?.familyId === family;
}

function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}
