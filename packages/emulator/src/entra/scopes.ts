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

export function delegatedScopes(scope: string): DelegatedScopes {
  const scopes = splitScopes(scope);
  const resourceScopes = scopes.filter((item) => !OIDC_SCOPES.has(item.toLowerCase()));
  let resource: string | undefined;
  const permissions: string[] = [];
  for (const item of resourceScopes) {
    const slash = item.lastIndexOf("/");
    const itemResource = item.endsWith("/.default") ? resourceOfDefaultScope(item) : slash > 0 ? item.slice(0, slash) : GRAPH_RESOURCE;
    const permission = item.endsWith("/.default") ? "user_impersonation" : item.slice(slash + 1);
    if (resource !== undefined && resource !== itemResource) {
      throw aadsts.multipleResources(scope);
    }
    resource = itemResource;
    if (permission === "") throw aadsts.invalidScope(scope, `The scope '${item}' names no permission.`);
    permissions.push(permission);
  }
  return {
    resource: resource ?? GRAPH_RESOURCE,
    permissions: permissions.length > 0 ? permissions.join(" ") : "User.Read",
    granted: scopes.filter((item) => item.toLowerCase() !== "offline_access").join(" "),
  };
}
