// Stable object ids for principals the configuration does not give one: a test that asserts on
// `oid` must see the same value in every run, so ids are derived from names, never random.
import { createHash } from "node:crypto";

/** A GUID (RFC 4122 version-5 layout) derived from the given parts. */
export function deterministicGuid(...parts: string[]): string {
  const hash = createHash("sha256").update(parts.join("\u0000")).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The object id of an app's service principal in a tenant. */
export function servicePrincipalObjectId(tenantId: string, clientId: string): string {
  return deterministicGuid("service-principal", tenantId.toLowerCase(), clientId.toLowerCase());
}

export function userObjectId(tenantId: string, user: { username: string; objectId?: string }): string {
  return user.objectId ?? deterministicGuid("user", tenantId.toLowerCase(), user.username.toLowerCase());
}

/** Entra's `sub` for users is pairwise: the same user looks different to different apps. */
export function pairwiseSubject(objectId: string, clientId: string): string {
  return createHash("sha256").update(`${objectId}|${clientId.toLowerCase()}`).digest("base64url");
}
