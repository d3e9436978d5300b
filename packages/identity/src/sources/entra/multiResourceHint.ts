// Scopes that name more than one resource: Entra issues a token for one audience only. App-only
// flows hear AADSTS70011 ("the provided value for scope is not valid"), which has another cause too
// (no '<resource>/.default'); user flows hear AADSTS28000 ("contains more than one resource"). The
// advice names the resources and what to do. Used by the Node builds' hint table (errorHints.ts).

/** MSAL adds these to user sign-ins; they shape the id token, not the access token's audience. */
const OIDC_SCOPES = new Set(["openid", "profile", "offline_access", "email"]);

/** The advice when `codes` has 70011 or 28000 and `scope` (the form's space-separated scope as sent) names several resources. */
export function multiResourceHint(codes: number[] | undefined, scope: string | undefined): string | undefined {
  if (scope === undefined || !(codes?.includes(70011) || codes?.includes(28000))) return undefined;
  const resources = resourcesOf(scope);
  return resources.length > 1
    ? `One token serves one resource, and the scopes name ${resources.length} (${resources.join(", ")}): call getToken once per resource, with that resource's scopes.`
    : undefined;
}

/** The distinct resources (audiences) a scope list asks for: `R/.default` and `R/permission` → R, a bare permission → Microsoft Graph. */
function resourcesOf(scope: string): string[] {
  const resources = new Set<string>();
  for (const one of scope.split(" ")) {
    if (one === "" || OIDC_SCOPES.has(one.toLowerCase())) continue;
    const slash = one.lastIndexOf("/");
    const hasPath = slash > one.indexOf("://") + 2;
    resources.add((hasPath ? one.slice(0, slash) : one.includes("/") ? one : "https://graph.microsoft.com").replace(/\/+$/, "").toLowerCase());
  }
  return [...resources];
}
