// Which identity a managed-identity request asks for (protocols.md 3.9). Each host names the
// selectors differently (client_id / clientid, object_id / principal_id, msi_res_id / mi_res_id),
// so hosts pass their own parameter names; the lookup rules are shared.
import type { ManagedIdentityConfig, TenantConfig } from "../config.js";
import type { ManagedIdentityContext } from "./context.js";

export type SelectorKind = "clientId" | "objectId" | "resourceId";
export type SelectorNames = Partial<Record<SelectorKind, readonly string[]>>;

export type IdentitySelector = { kind: "none" } | { kind: SelectorKind; parameter: string; value: string };

export type SelectorResult = { ok: true; selector: IdentitySelector } | { ok: false; parameters: string[] };

/** The selector in `params`, or every selector parameter present when there is more than one. */
export function readSelector(params: Record<string, string>, names: SelectorNames): SelectorResult {
  const present: { kind: SelectorKind; parameter: string; value: string }[] = [];
  for (const kind of ["clientId", "objectId", "resourceId"] as const) {
    for (const parameter of names[kind] ?? []) {
      const value = params[parameter];
      if (value !== undefined && value !== "") present.push({ kind, parameter, value });
    }
  }
  if (present.length > 1) return { ok: false, parameters: present.map((entry) => entry.parameter) };
  return { ok: true, selector: present[0] ?? { kind: "none" } };
}

/** Selector parameters a host does not support, when the request carries any. */
export function presentParameters(params: Record<string, string>, names: readonly string[]): string[] {
  return names.filter((name) => params[name] !== undefined && params[name] !== "");
}

/** The tenant whose identities the hosts serve: the configured one, else the first tenant. */
export function hostTenant(context: ManagedIdentityContext): TenantConfig | undefined {
  const { tenants } = context.emulator.config;
  if (context.tenantId === undefined) return tenants[0];
  return tenants.find((tenant) => tenant.id.toLowerCase() === context.tenantId!.toLowerCase());
}

/**
 * No selector means the system-assigned identity or, when the host has none, its only
 * user-assigned identity (IMDS and App Service behave so); ids compare case-insensitively.
 */
export function findIdentity(tenant: TenantConfig | undefined, selector: IdentitySelector): ManagedIdentityConfig | undefined {
  const identities = tenant?.managedIdentities ?? [];
  if (selector.kind === "none") {
    const system = identities.find((identity) => identity.kind === "system");
    const users = identities.filter((identity) => identity.kind === "user");
    return system ?? (users.length === 1 ? users[0] : undefined);
  }
  const wanted = selector.value.toLowerCase();
  return identities.find((identity) => (identity[selector.kind] ?? "").toLowerCase() === wanted);
}

export function systemIdentity(tenant: TenantConfig | undefined): ManagedIdentityConfig | undefined {
  return tenant?.managedIdentities?.find((identity) => identity.kind === "system");
}
