// Scope checks made before any credential runs, so a typo is a usage error (exit 2) that says
// what to fix, not an AADSTS error from the server or a library TypeError.
import { UsageError } from "./args.js";

/** What @azid/identity accepts: printable ASCII without space, '"' or '\'. */
const SCOPE_PATTERN = /^[!#-[\]-~]+$/;
/** MSAL adds these to user sign-ins; they shape the id_token, not the access token's audience. */
const OIDC_SCOPES = new Set(["openid", "profile", "offline_access", "email"]);
const GRAPH = "https://graph.microsoft.com";

export function checkScopes(scopes: readonly string[]): void {
  for (const scope of scopes) {
    if (!SCOPE_PATTERN.test(scope)) {
      throw new UsageError(
        `--scope '${scope}' is not a valid scope: no spaces or quotes; give each scope its own --scope, e.g. --scope https://management.azure.com/.default`,
      );
    }
  }
  const resources = [...new Set(scopes.filter((scope) => !OIDC_SCOPES.has(scope.toLowerCase())).map(resourceOf))];
  if (resources.length > 1) {
    throw new UsageError(
      `one token serves one resource, and these scopes name ${resources.length} (${resources.join(", ")}): run azid token once per resource`,
    );
  }
}

/** The resource (audience) a scope asks for: `R/.default` -> R, `R/Permission` -> R, `Permission` -> Microsoft Graph. */
export function resourceOf(scope: string): string {
  if (scope.endsWith("/.default")) return normalize(scope.slice(0, -"/.default".length));
  if (!scope.includes("/")) return GRAPH;
  const afterScheme = scope.indexOf("://") + 1; // 0 when there is no scheme
  const slash = scope.lastIndexOf("/");
  return normalize(slash > afterScheme + 1 ? scope.slice(0, slash) : scope);
}

function normalize(resource: string): string {
  return resource.replace(/\/+$/, "").toLowerCase();
}
