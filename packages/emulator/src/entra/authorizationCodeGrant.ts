// grant_type=authorization_code (protocols.md 1.5.3, 1.6): redeems, once, a code /authorize issued
// after a sign-in (authorizationCodes.ts keeps them). A code sent to a SPA redirect URI is the
// browser's: redeemed cross-origin only, without a client secret (spaRules.ts).
import { createHash, timingSafeEqual } from "node:crypto";
import type { EmulatorContext } from "../context.js";
import type { HttpResponse } from "../http/response.js";
import { requestsCaeCapability } from "./claimsRequest.js";
import { authenticateClient, requiredParameter } from "./clientAuthentication.js";
import { aadsts } from "./errors.js";
import { checkRedemptionOrigin, spaClient } from "./spaRules.js";
import { findUser, type ResolvedTenant } from "./tenants.js";
import { issueUserTokens } from "./userGrants.js";

export async function authorizationCodeGrant(
  context: EmulatorContext,
  resolved: ResolvedTenant,
  form: Record<string, string>,
  origin: string | undefined,
): Promise<HttpResponse> {
  const clientId = requiredParameter(form, "client_id");
  const code = requiredParameter(form, "code");
  const redirectUri = requiredParameter(form, "redirect_uri");
  const cae = requestsCaeCapability(form.claims);

  const stored = context.interactive.codes.lookup(code);
  if (stored === undefined) throw aadsts.invalidAuthorizationCode("The authorization code was not issued by this emulator run.");
  const { grant } = stored;
  if (grant.clientId.toLowerCase() !== clientId.toLowerCase()) throw aadsts.invalidAuthorizationCode("The code was issued to a different client.");
  const tenant = context.config.tenants.find((candidate) => candidate.id === grant.tenantId);
  if (tenant === undefined || (resolved.kind === "tenant" && resolved.tenant.id !== tenant.id))
    throw aadsts.invalidAuthorizationCode("The code was issued in another tenant.");
  checkRedemptionOrigin(origin, grant.spa);
  const { app, appidacr } = grant.spa ? spaClient(tenant, form, clientId) : await authenticateClient(context, tenant, form, false);
  if (stored.redeemed) throw aadsts.codeAlreadyRedeemed();
  if (stored.expiresAt <= Date.now()) throw aadsts.codeExpired();
  // From here on the code is spent, whatever the outcome: a wrong verifier gets no second guess.
  stored.redeemed = true;
  if (redirectUri !== grant.redirectUri) throw aadsts.redirectUriNotCodeRedirect();
  if (grant.codeChallenge !== undefined && !verifierMatches(form.code_verifier, grant.codeChallenge)) throw aadsts.pkceVerifierMismatch();
  const user = findUser([tenant], grant.username)?.user;
  if (user === undefined) throw aadsts.invalidAuthorizationCode("Its user no longer exists.");

  const scope = form.scope === undefined || form.scope === "" ? grant.scope : form.scope;
  return issueUserTokens(context, {
    tenant,
    app,
    user,
    appidacr,
    scope,
    cae: cae || grant.cae,
    wantsClientInfo: form.client_info === "1",
    ...(grant.nonce === undefined ? {} : { nonce: grant.nonce }),
    mfa: grant.mfa,
    ...(grant.spa ? { spaRefreshExpiresAtMs: Date.now() + context.spaRefreshTokenLifetimeSeconds * 1000 } : {}),
  });
}

/** base64url(SHA-256(code_verifier)) = code_challenge (RFC 7636 4.6), compared in constant time. */
function verifierMatches(verifier: string | undefined, challenge: string): boolean {
  if (verifier === undefined || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  const computed = Buffer.from(createHash("sha256").update(verifier).digest("base64url"));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
