// grant_type=client_credentials (protocols.md 1.5.1, 1.5.2): an app-only token for one resource.
// Never returns refresh_token, id_token or client_info, even when client_info=1 was sent.
import type { TenantConfig } from "../config.js";
import type { EmulatorContext } from "../context.js";
import type { HttpResponse } from "../http/response.js";
import { servicePrincipalObjectId } from "../principals.js";
import { mintAccessToken } from "../tokens/accessToken.js";
import { requestsCaeCapability } from "./claimsRequest.js";
import { authenticateClient, requiredParameter } from "./clientAuthentication.js";
import { requireKnownResource } from "./resources.js";
import { clientCredentialsResource } from "./scopes.js";
import { tokenResponse } from "./tokenResponse.js";

export async function clientCredentialsGrant(context: EmulatorContext, tenant: TenantConfig, form: Record<string, string>): Promise<HttpResponse> {
  // Cheap request checks come before authentication, as in Entra: a malformed request fails the
  // same way whatever credential it carries.
  requiredParameter(form, "client_id");
  const scope = requiredParameter(form, "scope");
  const resource = clientCredentialsResource(scope);
  const cae = requestsCaeCapability(form.claims);
  const { app, appidacr } = await authenticateClient(context, tenant, form, true);
  requireKnownResource(context.config, [tenant], resource);

  const accessToken = mintAccessToken(context.signingKey, {
    tenantId: tenant.id,
    clientId: app.clientId,
    resource,
    appidacr,
    principal: { kind: "app", objectId: servicePrincipalObjectId(tenant.id, app.clientId), roles: app.roles ?? [] },
    lifetimeSeconds: context.accessTokenLifetimeSeconds,
    cae,
  });
  return tokenResponse(context, { accessToken, scope });
}
