// Scope validation. Scopes travel space-separated in form bodies and as arguments to developer
// tools, so anything that could split or smuggle a value (spaces, control characters, quotes) is
// refused before a request is built.

const SCOPE_PATTERN = /^[!#-[\]-~]+$/; // printable ASCII except space, '"' and '\'

/** Normalizes `string | string[]` to a validated, non-empty array. Throws TypeError on bad input. */
export function ensureScopes(scopes: string | string[]): string[] {
  const list = typeof scopes === "string" ? [scopes] : scopes;
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError("getToken() requires at least one scope, e.g. 'https://management.azure.com/.default'.");
  }
  for (const scope of list) {
    if (typeof scope !== "string" || !SCOPE_PATTERN.test(scope)) throw invalidScope(scope);
  }
  return list;
}

function invalidScope(scope: unknown): TypeError {
  if (typeof scope !== "string") return new TypeError(`Invalid scope: expected a string, received ${typeof scope}.`);
  if (scope.length === 0) return new TypeError("Invalid scope: the empty string. Pass a scope such as 'https://storage.azure.com/.default'.");
  const bad = [...scope].findIndex((c) => !SCOPE_PATTERN.test(c));
  const code = scope.codePointAt(bad)!.toString(16).padStart(4, "0");
  return new TypeError(
    `Invalid scope: character U+${code} at position ${bad} is not allowed (scopes are printable ASCII without spaces or quotes; pass several scopes as an array).`,
  );
}

/** `https://storage.azure.com/.default` → `https://storage.azure.com` (for v1 resource-based endpoints). */
export function scopeToResource(scope: string): string {
  return scope.endsWith("/.default") ? scope.slice(0, -"/.default".length) : scope;
}
