// Scope parsing for the token endpoint. Entra tokens carry one audience, so a request names one
// resource; which one, and which permissions, follow from the scope strings (protocols.md 1.5).
import { aadsts } from "./errors.js";

/** Added by MSAL to every user flow; they shape the id_token and refresh token, not the audience. */
const OIDC_SCOPES = new Set(["openid", "profile", "offline_access", "email"]);
/** Bare permission names ("User.Read") belong to Microsoft Graph, as in Entra. */
const GRAPH_RESOURCE = "https://graph.microsoft.com";

export function splitScopes(scope: string): string[] {
  return scope.split(/\s+/).filter((item) => item !== "");
}

/** `resource/.default` -> resource; Storage's trailing slash is dropped because Azurite compares exactly. */
function resourceOfDefaultScope(scope: string): string {
  const resource = scope.slice(0, -"/.default".length);
  return resource === "https://storage.azure.com/" ? "https://storage.azure.com" : resource;
}

/** Client credentials: exactly one `<resource>/.default` scope (Entra's rule for app-only tokens). */
export function clientCredentialsResource(scope: string): string {
  const scopes = splitScopes(scope);
  const only = scopes[0];
  if (scopes.length !== 1 || only === undefined || !only.endsWith("/.default") || only === "/.default") {
    throw aadsts.invalidScope(
      scope,
      "Client credential flows must have a single scope value with /.default suffixed to the resource identifier (application ID URI).",
    );
  }
  return resourceOfDefaultScope(only);
}

export interface DelegatedScopes {
  resource: string;
  /** the `scp` claim: space-separated permissions */
  permissions: string;
  /** the `scope` echoed in the response */
  granted: string;
}

/** One permission a delegated scope asks for, and the resource it belongs to. */
export interface DelegatedPermission {
  resource: string;
  permission: string;
}

/**
 * The permissions a user flow's scopes ask for, across any number of resources (OIDC scopes left
 * out; only OIDC scopes ask for Graph's User.Read, as in Entra). Entra's /authorize takes scopes of
 * several resources (the user consents to all of them); a token request may name one resource only
 * (delegatedScopes).
 */
export function delegatedPermissions(scope: string): DelegatedPermission[] {
  const asked = splitScopes(scope)
    .filter((item) => !OIDC_SCOPES.has(item.toLowerCase()))
    .map((item) => {
      const slash = item.lastIndexOf("/");
      const resource = item.endsWith("/.default") ? resourceOfDefaultScope(item) : slash > 0 ? item.slice(0, slash) : GRAPH_RESOURCE;
      const permission = item.endsWith("/.default") ? "user_impersonation" : item.slice(slash + 1);
      if (permission === "") throw aadsts.invalidScope(scope, `The scope '${item}' names no permission.`);
      return { resource, permission };
    });
  return asked.length > 0 ? asked : [{ resource: GRAPH_RESOURCE, permission: "User.Read" }];
}

/** A user flow's token request: one resource (AADSTS28000 for several, as Entra answers), its permissions, the scope echoed. */
export function delegatedScopes(scope: string): DelegatedScopes {
  const asked = delegatedPermissions(scope);
  const resource = asked[0]!.resource;
  if (asked.some((one) => one.resource !== resource)) throw aadsts.multipleResources(scope);
  return {
    resource,
    permissions: asked.map((one) => one.permission).join(" "),
    granted: splitScopes(scope)
      .filter((item) => item.toLowerCase() !== "offline_access")
      .join(" "),
  };
}
