// Checks a configuration read from JSON (a file, or PUT /_emulator/config) field by field, so a
// typo fails at load time with the path of the bad field instead of as a puzzling AADSTS later.
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import type { AppRegistration, EmulatorConfig, FederatedCredential, ManagedIdentityConfig, TenantConfig, UserConfig } from "./config.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USER_ASSIGNED_RESOURCE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i;

export class EmulatorConfigError extends Error {
  constructor(
    readonly field: string,
    problem: string,
    source?: string,
  ) {
    super(`Invalid emulator configuration${source === undefined ? "" : ` in ${source}`}: ${field} ${problem}`);
    this.name = "EmulatorConfigError";
  }
}

export function loadEmulatorConfig(path: string): EmulatorConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`Cannot read emulator configuration ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`Emulator configuration ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return validateEmulatorConfig(value, path);
}

/** Returns a typed copy of `value`, or throws EmulatorConfigError naming the first bad field. */
export function validateEmulatorConfig(value: unknown, source?: string): EmulatorConfig {
  const fail = (field: string, problem: string): never => {
    throw new EmulatorConfigError(field, problem, source);
  };
  const root = object(value, "config", fail);
  const tenants = array(root.tenants, "tenants", fail).map((tenant, index) => readTenant(tenant, `tenants[${index}]`, fail));
  if (tenants.length === 0) fail("tenants", "must list at least one tenant");
  const seen = new Set<string>();
  tenants.forEach((tenant, index) => {
    for (const name of [tenant.id, ...(tenant.domains ?? [])].map((n) => n.toLowerCase())) {
      if (seen.has(name)) fail(`tenants[${index}]`, `reuses the tenant id or domain "${name}"`);
      seen.add(name);
    }
  });
  return { tenants, ...optional(root.resources, (v) => ({ resources: stringArray(v, "resources", fail) })) };
}

type Fail = (field: string, problem: string) => never;

function readTenant(value: unknown, at: string, fail: Fail): TenantConfig {
  const tenant = object(value, at, fail);
  const id = string(tenant.id, `${at}.id`, fail);
  if (!GUID.test(id)) fail(`${at}.id`, `must be a GUID, got "${id}"`);
  const apps = array(tenant.apps, `${at}.apps`, fail).map((app, index) => readApp(app, `${at}.apps[${index}]`, fail));
  const clientIds = new Set<string>();
  apps.forEach((app, index) => {
    if (clientIds.has(app.clientId.toLowerCase())) fail(`${at}.apps[${index}].clientId`, `duplicates "${app.clientId}"`);
    clientIds.add(app.clientId.toLowerCase());
  });
  return {
    id,
    ...optional(tenant.domains, (v) => ({ domains: stringArray(v, `${at}.domains`, fail) })),
    apps,
    users: array(tenant.users ?? [], `${at}.users`, fail).map((user, index) => readUser(user, `${at}.users[${index}]`, fail)),
    ...optional(tenant.managedIdentities, (v) => ({ managedIdentities: readManagedIdentities(v, `${at}.managedIdentities`, fail) })),
  };
}

function readManagedIdentities(value: unknown, at: string, fail: Fail): ManagedIdentityConfig[] {
  const identities = array(value, at, fail).map((identity, index) => readManagedIdentity(identity, `${at}[${index}]`, fail));
  if (identities.filter((identity) => identity.kind === "system").length > 1) fail(at, "may list only one system-assigned identity");
  const seen = new Set<string>();
  identities.forEach((identity, index) => {
    for (const id of [identity.clientId, identity.objectId, identity.resourceId ?? ""].filter((v) => v !== "").map((v) => v.toLowerCase())) {
      if (seen.has(id)) fail(`${at}[${index}]`, `reuses the id "${id}" of another identity`);
      seen.add(id);
    }
  });
  return identities;
}

function readManagedIdentity(value: unknown, at: string, fail: Fail): ManagedIdentityConfig {
  const identity = object(value, at, fail);
  const kind = identity.kind;
  if (kind !== "system" && kind !== "user") return fail(`${at}.kind`, `must be "system" or "user", got ${describe(kind)}`);
  const guid = (field: "clientId" | "objectId") => {
    const id = string(identity[field], `${at}.${field}`, fail);
    if (!GUID.test(id)) fail(`${at}.${field}`, `must be a GUID, got "${id}"`);
    return id;
  };
  const clientId = guid("clientId");
  const objectId = guid("objectId");
  if (kind === "user" && identity.resourceId === undefined) fail(`${at}.resourceId`, "is required for a user-assigned identity");
  const resourceId = optional(identity.resourceId, (v) => {
    const id = string(v, `${at}.resourceId`, fail);
    if (kind === "user" && !USER_ASSIGNED_RESOURCE_ID.test(id)) {
      fail(
        `${at}.resourceId`,
        `must look like /subscriptions/<id>/resourceGroups/<name>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>, got "${id}"`,
      );
    }
    if (!id.startsWith("/subscriptions/")) fail(`${at}.resourceId`, `must be an Azure resource id starting with /subscriptions/, got "${id}"`);
    return { resourceId: id };
  });
  return {
    kind,
    clientId,
    objectId,
    ...resourceId,
    ...optional(identity.displayName, (v) => ({ displayName: string(v, `${at}.displayName`, fail) })),
    ...optional(identity.roles, (v) => ({ roles: stringArray(v, `${at}.roles`, fail) })),
  };
}

function readApp(value: unknown, at: string, fail: Fail): AppRegistration {
  const app = object(value, at, fail);
  const certificates = optional(app.certificates, (v) => {
    const pems = stringArray(v, `${at}.certificates`, fail);
    pems.forEach((pem, index) => {
      try {
        new X509Certificate(pem);
      } catch {
        fail(`${at}.certificates[${index}]`, "is not a PEM certificate");
      }
    });
    return { certificates: pems };
  });
  return {
    clientId: string(app.clientId, `${at}.clientId`, fail),
    ...optional(app.displayName, (v) => ({ displayName: string(v, `${at}.displayName`, fail) })),
    ...optional(app.secrets, (v) => ({ secrets: stringArray(v, `${at}.secrets`, fail) })),
    ...certificates,
    ...optional(app.redirectUris, (v) => ({ redirectUris: stringArray(v, `${at}.redirectUris`, fail) })),
    ...optional(app.spaRedirectUris, (v) => ({ spaRedirectUris: stringArray(v, `${at}.spaRedirectUris`, fail) })),
    ...optional(app.federatedCredentials, (v) => ({
      federatedCredentials: array(v, `${at}.federatedCredentials`, fail).map((c, i) => readFederated(c, `${at}.federatedCredentials[${i}]`, fail)),
    })),
    ...optional(app.identifierUris, (v) => ({ identifierUris: stringArray(v, `${at}.identifierUris`, fail) })),
    ...optional(app.publicClient, (v) => ({ publicClient: boolean(v, `${at}.publicClient`, fail) })),
    ...optional(app.roles, (v) => ({ roles: stringArray(v, `${at}.roles`, fail) })),
    ...optional(app.requireUserConsent, (v) => ({ requireUserConsent: boolean(v, `${at}.requireUserConsent`, fail) })),
    ...optional(app.familyId, (v) => ({ familyId: string(v, `${at}.familyId`, fail) })),
  };
}

function readFederated(value: unknown, at: string, fail: Fail): FederatedCredential {
  const credential = object(value, at, fail);
  const audiences = stringArray(credential.audiences, `${at}.audiences`, fail);
  if (audiences.length === 0) fail(`${at}.audiences`, "must list at least one audience");
  return { issuer: string(credential.issuer, `${at}.issuer`, fail), subject: string(credential.subject, `${at}.subject`, fail), audiences };
}

function readUser(value: unknown, at: string, fail: Fail): UserConfig {
  const user = object(value, at, fail);
  return {
    username: string(user.username, `${at}.username`, fail),
    password: string(user.password, `${at}.password`, fail),
    ...optional(user.objectId, (v) => {
      const objectId = string(v, `${at}.objectId`, fail);
      if (!GUID.test(objectId)) fail(`${at}.objectId`, `must be a GUID, got "${objectId}"`);
      return { objectId };
    }),
    ...optional(user.displayName, (v) => ({ displayName: string(v, `${at}.displayName`, fail) })),
    ...optional(user.mfaRequired, (v) => ({ mfaRequired: boolean(v, `${at}.mfaRequired`, fail) })),
  };
}

function optional<T>(value: unknown, read: (value: unknown) => T): T | Record<string, never> {
  return value === undefined ? {} : read(value);
}

function object(value: unknown, at: string, fail: Fail): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fail(at, `must be an object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

function array(value: unknown, at: string, fail: Fail): unknown[] {
  if (!Array.isArray(value)) return fail(at, `must be an array, got ${describe(value)}`);
  return value;
}

function string(value: unknown, at: string, fail: Fail): string {
  if (typeof value !== "string" || value.trim() === "") return fail(at, `must be a non-empty string, got ${describe(value)}`);
  return value;
}

function stringArray(value: unknown, at: string, fail: Fail): string[] {
  return array(value, at, fail).map((item, index) => string(item, `${at}[${index}]`, fail));
}

function boolean(value: unknown, at: string, fail: Fail): boolean {
  if (typeof value !== "boolean") return fail(at, `must be true or false, got ${describe(value)}`);
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? `"${value.slice(0, 40)}"` : typeof value;
}
