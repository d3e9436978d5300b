// Which resources a token may be issued for. Entra issues a token only for a resource whose
// service principal exists in the tenant: Microsoft's first-party APIs (present in every tenant),
// the tenant's own apps (by client id, `api://<client id>` or an identifier URI), and APIs other
// tenants' apps expose there. Anything else is AADSTS500011 (invalid_resource).
import type { EmulatorConfig, TenantConfig } from "../config.js";
import { aadsts } from "./errors.js";

/**
 * Microsoft's first-party resources, by app ID URI or app id. `*` stands for one DNS label, as in
 * Storage's and Cosmos DB's account-specific audiences (`https://<account>.blob.core.windows.net`).
 */
export const WELL_KNOWN_RESOURCES: readonly string[] = [
  "https://management.azure.com",
  "https://management.core.windows.net",
  "797f4846-ba00-4fd7-ba43-dac1f8f63013", // Azure Resource Manager
  "https://storage.azure.com",
  "e406a681-f3d4-42a8-90b6-c2b029497af1", // Azure Storage
  "https://*.blob.core.windows.net",
  "https://*.queue.core.windows.net",
  "https://*.table.core.windows.net",
  "https://*.file.core.windows.net",
  "https://*.dfs.core.windows.net",
  "https://vault.azure.net",
  "cfa8b339-82a2-471a-a3c9-0fc0be7a4093", // Azure Key Vault
  "https://managedhsm.azure.net",
  "https://graph.microsoft.com",
  "00000003-0000-0000-c000-000000000000", // Microsoft Graph
  "https://graph.windows.net",
  "https://database.windows.net",
  "https://ossrdbms-aad.database.windows.net",
  "https://servicebus.azure.net",
  "https://eventhubs.azure.net",
  "https://cognitiveservices.azure.com",
  "https://ai.azure.com",
  "https://search.azure.com",
  "https://monitor.azure.com",
  "https://api.loganalytics.io",
  "https://api.applicationinsights.io",
  "https://cosmos.azure.com",
  "https://*.documents.azure.com",
  "https://appconfig.azure.com",
  "https://redis.azure.com",
  "https://batch.core.windows.net",
  "https://datalake.azure.net",
  "https://digitaltwins.azure.net",
  "https://kusto.kusto.windows.net",
  "https://containerregistry.azure.net",
  "https://analysis.windows.net/powerbi/api",
  "https://api.fabric.microsoft.com",
  "499b84ac-1321-427f-aa17-267ca6975798", // Azure DevOps
  "6dae42f8-4368-4678-94ff-3960e28e3630", // AKS Entra integration (kubelogin)
];

/** Throws AADSTS500011 unless some principal in `tenants` answers to `resource`. */
export function requireKnownResource(config: EmulatorConfig, tenants: readonly TenantConfig[], resource: string): void {
  if (isKnownResource(config, tenants, resource)) return;
  const tenant = tenants.length === 1 ? tenants[0] : undefined;
  throw aadsts.resourceNotFound(resource, tenant?.domains?.[0] ?? tenant?.id ?? "the directory");
}

export function isKnownResource(config: EmulatorConfig, tenants: readonly TenantConfig[], resource: string): boolean {
  const wanted = normalize(resource);
  const identifiers = [
    ...WELL_KNOWN_RESOURCES,
    ...(config.resources ?? []),
    ...tenants.flatMap((tenant) => tenant.apps.flatMap((app) => [app.clientId, `api://${app.clientId}`, ...(app.identifierUris ?? [])])),
  ];
  return identifiers.some((identifier) => matches(normalize(identifier), wanted));
}

/** App ID URIs compare without case and without trailing slashes (Entra treats `…/` and `…` alike). */
function normalize(uri: string): string {
  return uri.toLowerCase().replace(/\/+$/, "");
}

function matches(identifier: string, resource: string): boolean {
  const star = identifier.indexOf("*");
  if (star === -1) return identifier === resource;
  const prefix = identifier.slice(0, star);
  const suffix = identifier.slice(star + 1);
  if (!resource.startsWith(prefix) || !resource.endsWith(suffix) || resource.length <= prefix.length + suffix.length) return false;
  return /^[a-z0-9-]+$/.test(resource.slice(prefix.length, resource.length - suffix.length));
}
