// Single-page applications: redirect URIs an app registers under the "spa" platform. Entra treats
// the codes and refresh tokens they lead to as the browser's own
// (learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#redirect-uris-for-single-page-apps-spas):
//  - the code needs PKCE, and only the browser may redeem it: the token request must be a
//    cross-origin one, which a browser marks with an Origin header (AADSTS9002327 without it);
//  - any other code or refresh token redeemed cross-origin is refused (AADSTS9002326), so a web page
//    never holds a token meant for a native or web app;
//  - no client secret: the browser cannot keep one, so the app is treated as a public client;
//  - refresh tokens live 24 hours from the sign-in, and tokens redeemed from them keep that expiry.
import type { AppRegistration, TenantConfig } from "../config.js";
import type { AuthenticatedClient } from "./clientAuthentication.js";
import { aadsts } from "./errors.js";
import { findApp } from "./tenants.js";

export const DEFAULT_SPA_REFRESH_TOKEN_LIFETIME_SECONDS = 24 * 3600;

export function isSpaRedirectUri(app: AppRegistration, redirectUri: string): boolean {
  return (app.spaRedirectUris ?? []).includes(redirectUri);
}

/** Throws unless the request's origin fits the kind of grant it redeems. */
export function checkRedemptionOrigin(origin: string | undefined, spa: boolean): void {
  if (spa && origin === undefined) throw aadsts.spaRedemptionNeedsOrigin();
  if (!spa && origin !== undefined) throw aadsts.crossOriginNotSpa(origin);
}

/** The app, as a public client: a SPA redemption carries no secret or assertion. */
export function spaClient(tenant: TenantConfig, form: Record<string, string>, clientId: string): AuthenticatedClient {
  const app = findApp(tenant, clientId);
  if (app === undefined) throw aadsts.appNotFound(clientId, tenant.id);
  if (form.client_secret !== undefined || form.client_assertion !== undefined) throw aadsts.publicClientCredential();
  return { app, appidacr: "0" };
}

/** Entra's d.hh:mm:ss, as in AADSTS700084's text ("1.00:00:00"). */
export function formatLifetime(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const rest = seconds % 86400;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${days}.${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
}
