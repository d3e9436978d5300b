// Maps the `{tenant}` path segment to a configured tenant (protocols.md 1.1): a GUID, one of the
// tenant's verified domains, or a multi-tenant alias that only user flows can resolve further.
import type { AppRegistration, EmulatorConfig, TenantConfig, UserConfig } from "../config.js";
import { aadsts } from "./errors.js";

const MULTI_TENANT_ALIASES = ["common", "organizations", "consumers"] as const;
export type MultiTenantAlias = (typeof MULTI_TENANT_ALIASES)[number];

export type ResolvedTenant = { kind: "tenant"; tenant: TenantConfig } | { kind: "multi"; alias: MultiTenantAlias };

/** Throws AADSTS90002 for names the directory does not know. */
export function resolveTenant(config: EmulatorConfig, segment: string): ResolvedTenant {
  const name = segment.toLowerCase();
  const alias = MULTI_TENANT_ALIASES.find((candidate) => candidate === name);
  if (alias !== undefined) return { kind: "multi", alias };
  const tenant = config.tenants.find((t) => t.id.toLowerCase() === name || (t.domains ?? []).some((domain) => domain.toLowerCase() === name));
  if (tenant === undefined) throw aadsts.tenantNotFound(segment);
  return { kind: "tenant", tenant };
}

/** Client ids are GUIDs and compared case-insensitively, as in Entra. */
export function findApp(tenant: TenantConfig, clientId: string): AppRegistration | undefined {
  return tenant.apps.find((app) => app.clientId.toLowerCase() === clientId.toLowerCase());
}

/** The tenant a user signs in to, for multi-tenant aliases: the one that has the user. */
export function findUser(tenants: TenantConfig[], username: string): { tenant: TenantConfig; user: UserConfig } | undefined {
  for (const tenant of tenants) {
    const user = tenant.users.find((candidate) => candidate.username.toLowerCase() === username.toLowerCase());
    if (user !== undefined) return { tenant, user };
  }
  return undefined;
}

/** The tenants a user signing in here may belong to: the named one, or all of them for an alias. */
export function candidateTenants(config: EmulatorConfig, resolved: ResolvedTenant): TenantConfig[] {
  return resolved.kind === "tenant" ? [resolved.tenant] : config.tenants;
}

/** The app a user flow names, looked up in the named tenant or, for an alias, in any tenant. */
export function findAppForUserFlow(
  config: EmulatorConfig,
  resolved: ResolvedTenant,
  clientId: string,
): { tenant: TenantConfig; app: AppRegistration } | undefined {
  for (const tenant of candidateTenants(config, resolved)) {
    const app = findApp(tenant, clientId);
    if (app !== undefined) return { tenant, app };
  }
  return undefined;
}
