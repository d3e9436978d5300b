// Metadata routes: the tenant's OIDC discovery document (protocols.md 1.3), its signing keys, and
// instance discovery for the emulator's own host (1.2).
import type { EmulatorContext } from "../context.js";
import { jsonResponse, type HttpResponse } from "../http/response.js";
import { jwksDocument } from "../tokens/signingKey.js";
import { aadsts } from "./errors.js";
import { resolveTenant } from "./tenants.js";

export function openidConfiguration(context: EmulatorContext, tenantSegment: string): HttpResponse {
  const resolved = resolveTenant(context.config, tenantSegment);
  // Like Entra: a named tenant's document uses its GUID everywhere; a multi-tenant alias keeps the
  // alias in endpoints and a `{tenantid}` placeholder in the issuer, which MSAL fills in.
  const tenant = resolved.kind === "tenant" ? resolved.tenant.id : resolved.alias;
  const issuerTenant = resolved.kind === "tenant" ? resolved.tenant.id : "{tenantid}";
  const base = `${context.url}/${tenant}`;
  return jsonResponse(200, {
    issuer: `${context.url}/${issuerTenant}/v2.0`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/oauth2/v2.0/token`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    userinfo_endpoint: `${context.url}/oidc/userinfo`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    response_modes_supported: ["query", "fragment", "form_post"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "nbf", "name", "preferred_username", "oid", "tid", "ver"],
    request_uri_parameter_supported: false,
    frontchannel_logout_supported: true,
    http_logout_supported: true,
    tenant_region_scope: "EMU",
    cloud_instance_name: new URL(context.url).host,
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
    rbac_url: "https://pas.windows.net",
  });
}

export function signingKeys(context: EmulatorContext, tenantSegment: string): HttpResponse {
  resolveTenant(context.config, tenantSegment); // unknown tenants fail here like everywhere else
  return jsonResponse(200, jwksDocument([context.signingKey]));
}

/** GET /common/discovery/instance: trusted metadata for our own host, invalid_instance otherwise. */
export function instanceDiscovery(context: EmulatorContext, query: Record<string, string>): HttpResponse {
  const endpoint = query.authorization_endpoint;
  if (endpoint === undefined || endpoint === "") throw aadsts.missingParameter("authorization_endpoint");
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw aadsts.unknownInstance();
  }
  const hosts = context.origins.map((origin) => new URL(origin).host);
  if (url.protocol !== new URL(context.url).protocol || !hosts.includes(url.host.toLowerCase())) throw aadsts.unknownInstance();
  const tenant = url.pathname.split("/")[1] || "common";
  return jsonResponse(200, {
    tenant_discovery_endpoint: `${context.url}/${tenant}/v2.0/.well-known/openid-configuration`,
    "api-version": query["api-version"] ?? "1.1",
    metadata: [{ preferred_network: url.host.toLowerCase(), preferred_cache: url.host.toLowerCase(), aliases: hosts }],
  });
}
