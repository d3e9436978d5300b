// Tenant ids: validated before any request (they become URL path segments), and the multi-tenant
// rules of @azure/identity: a per-request tenant must be the configured one or allowed explicitly.
import { CredentialUnavailableError } from "./errors.js";

const TENANT_PATTERN = /^[0-9a-zA-Z.-]+$/;

/** The developer sign-on client id used by Azure CLI; its default tenant is `organizations`. */
export const DeveloperSignOnClientId = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

/** Throws a RangeError naming the offending character (never echoing the whole value: it may be a misplaced secret). */
export function checkTenantId(tenantId: string, what = "tenantId"): void {
  if (typeof tenantId !== "string" || tenantId.length === 0) {
    throw new RangeError(`${what} is required: pass your directory (tenant) id, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47, or a verified domain.`);
  }
  if (tenantId.length > 256 || !TENANT_PATTERN.test(tenantId)) {
    const bad = [...tenantId].findIndex((c) => !TENANT_PATTERN.test(c));
    const where = bad >= 0 ? ` (character U+${tenantId.codePointAt(bad)!.toString(16).padStart(4, "0")} at position ${bad})` : " (longer than 256 characters)";
    throw new RangeError(
      `Invalid ${what}${where}: a tenant id is a GUID or domain made of letters, digits, '-' and '.'. ` +
        "You can locate your tenant id by following https://learn.microsoft.com/partner-center/find-ids-and-domain-names.",
    );
  }
}

/** Returns the tenant to use for this request, or throws if it is not allowed. */
export function processMultiTenantRequest(
  configuredTenant: string | undefined,
  requestedTenant: string | undefined,
  additionallyAllowedTenants: readonly string[],
): string | undefined {
  if (requestedTenant === undefined || requestedTenant === configuredTenant) return configuredTenant;
  if (configuredTenant === "adfs" || process.env.AZURE_IDENTITY_DISABLE_MULTITENANTAUTH) return configuredTenant;
  checkTenantId(requestedTenant, "getToken() tenantId");
  if (configuredTenant === undefined) return requestedTenant;
  if (additionallyAllowedTenants.includes("*") || additionallyAllowedTenants.includes(requestedTenant)) {
    return requestedTenant;
  }
  throw new CredentialUnavailableError(
    `The current credential is not configured to acquire tokens for tenant ${requestedTenant}. ` +
      "To enable acquiring tokens for this tenant add it to the additionallyAllowedTenants on the credential options " +
      '(or AZURE_ADDITIONALLY_ALLOWED_TENANTS), or add "*" to allow acquiring tokens for any tenant.',
  );
}

/** Merges the option with AZURE_ADDITIONALLY_ALLOWED_TENANTS (`;`-separated); a `*` anywhere wins. */
export function resolveAdditionallyAllowedTenants(fromOptions: readonly string[] | undefined, readEnv = false): string[] {
  const fromEnv = readEnv ? (process.env.AZURE_ADDITIONALLY_ALLOWED_TENANTS ?? "").split(";") : [];
  const all = [...(fromOptions ?? []), ...fromEnv].map((t) => t.trim()).filter((t) => t.length > 0);
  if (all.includes("*")) return ["*"];
  for (const tenant of all) checkTenantId(tenant, "additionallyAllowedTenants entry");
  return [...new Set(all)];
}
