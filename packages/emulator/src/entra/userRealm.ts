// GET /common/userrealm/{username}?api-version=1.0: home realm discovery. MSAL Python asks it before a
// username/password sign-in to learn whether the account is federated (ADFS) or managed by Entra.
// Every configured tenant is managed, so ROPC proceeds against the token endpoint.
import type { EmulatorContext } from "../context.js";
import { jsonResponse, type HttpResponse } from "../http/response.js";

export function userRealm(context: EmulatorContext, username: string): HttpResponse {
  const domain = username.includes("@") ? username.slice(username.lastIndexOf("@") + 1).toLowerCase() : "";
  const known = context.config.tenants.some((tenant) => (tenant.domains ?? []).some((name) => name.toLowerCase() === domain));
  return jsonResponse(200, {
    ver: "1.0",
    account_type: known ? "Managed" : "Unknown",
    ...(known ? { domain_name: domain } : {}),
    cloud_instance_name: "microsoftonline.com",
    cloud_audience_urn: "urn:federation:MicrosoftOnline",
  });
}
