// POST /{tenant}/oauth2/v2.0/token: resolves the tenant, then hands the form to the grant.
// Telemetry fields (x-client-*, client-request-id, ...) are accepted and ignored (protocols.md 1.4).
import type { EmulatorContext } from "../context.js";
import type { HttpResponse } from "../http/response.js";
import { requiredParameter } from "./clientAuthentication.js";
import { clientCredentialsGrant } from "./clientCredentialsGrant.js";
import { aadsts } from "./errors.js";
import { resolveTenant } from "./tenants.js";
import { authorizationCodeGrant } from "./authorizationCodeGrant.js";
import { deviceCodeGrant } from "./deviceCodeFlow.js";
import { onBehalfOfGrant } from "./onBehalfOfGrant.js";
import { passwordGrant, refreshTokenGrant } from "./userGrants.js";

/** `origin` is the request's Origin header: a browser's cross-origin request (single-page apps, spaRules.ts). */
export async function handleTokenRequest(
  context: EmulatorContext,
  tenantSegment: string,
  form: Record<string, string>,
  origin?: string,
): Promise<HttpResponse> {
  const resolved = resolveTenant(context.config, tenantSegment);
  const grantType = requiredParameter(form, "grant_type");
  switch (grantType) {
    case "client_credentials":
      // App-only tokens are issued in the app's own tenant; /common cannot say which (AADSTS9001023).
      if (resolved.kind === "multi") throw aadsts.multiTenantNotSupported(grantType);
      return clientCredentialsGrant(context, resolved.tenant, form);
    case "password":
      return passwordGrant(context, resolved, form);
    case "refresh_token":
      return refreshTokenGrant(context, resolved, form, origin);
    case "authorization_code":
      return authorizationCodeGrant(context, resolved, form, origin);
    // MSAL-JS sends the short form, MSAL Python and the RFC the URN (protocols.md 1.5.5).
    case "device_code":
    case "urn:ietf:params:oauth:grant-type:device_code":
      return deviceCodeGrant(context, resolved, form);
    case "urn:ietf:params:oauth:grant-type:jwt-bearer":
      return onBehalfOfGrant(context, resolved, form);
    default:
      throw aadsts.unsupportedGrantType(grantType);
  }
}
