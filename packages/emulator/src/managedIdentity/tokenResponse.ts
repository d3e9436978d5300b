// Access tokens for managed identities and the fields every host's success body draws from.
// The token is the v1 app-only shape Entra issues to a managed identity's service principal:
// appid = the identity's client id, oid = its object id, appidacr 2, and xms_mirid = its resource id.
import type { ManagedIdentityConfig, TenantConfig } from "../config.js";
import { requireKnownResource } from "../entra/resources.js";
import { mintAccessToken } from "../tokens/accessToken.js";
import type { ManagedIdentityContext } from "./context.js";

export interface ManagedIdentityToken {
  accessToken: string;
  /** seconds */
  expiresIn: number;
  /** epoch seconds */
  expiresOn: number;
  /** epoch seconds */
  notBefore: number;
  resource: string;
  identity: ManagedIdentityConfig;
}

export function issueManagedIdentityToken(
  context: ManagedIdentityContext,
  tenant: TenantConfig,
  identity: ManagedIdentityConfig,
  resource: string,
  params: Record<string, string> = {},
): ManagedIdentityToken {
  // The host relays Entra's answer: an unknown resource is AADSTS500011, in the host's error shape.
  requireKnownResource(context.emulator.config, [tenant], resource);
  const now = Math.floor(Date.now() / 1000);
  const lifetime = context.tokenLifetimeSeconds;
  const { token } = mintAccessToken(context.emulator.signingKey, {
    tenantId: tenant.id,
    clientId: identity.clientId,
    resource,
    appidacr: "2",
    principal: { kind: "app", objectId: identity.objectId, roles: identity.roles ?? [] },
    lifetimeSeconds: lifetime,
    // msal-node forwards client capabilities as xms_cc=cp1 on managed-identity requests.
    cae: (params.xms_cc ?? "").split(",").includes("cp1"),
    extraClaims: identity.resourceId === undefined ? {} : { xms_mirid: identity.resourceId },
  });
  return { accessToken: token, expiresIn: lifetime, expiresOn: now + lifetime, notBefore: now, resource, identity };
}

/** The IMDS-style body: every value a string, as IMDS, Azure Arc and Cloud Shell send it. */
export function stringTokenFields(token: ManagedIdentityToken): Record<string, string> {
  return {
    access_token: token.accessToken,
    expires_in: String(token.expiresIn),
    expires_on: String(token.expiresOn),
    ext_expires_in: String(token.expiresIn),
    not_before: String(token.notBefore),
    resource: token.resource,
    token_type: "Bearer",
  };
}
