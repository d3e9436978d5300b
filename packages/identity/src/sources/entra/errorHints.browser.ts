// The browser build's errorHints.ts (scripts/webBuild.mjs picks it): a web page signs users in, so it
// carries only the advice for what a single-page app's sign-in meets; the Node build's hints for app
// credentials (secrets, certificates, federation, ROPC) stay out of the page's bundle. The advice for
// scopes naming several resources (AADSTS70011) is shared: multiResourceHint.ts.
import { multiResourceHint } from "./multiResourceHint.js";

const hints: Record<number, string> = {
  700016: "No application with this client id exists in the tenant: check clientId and tenantId.",
  90002: "The tenant was not found: check the tenant id or domain.",
  50011: "The redirect URI is not registered for the app: add this page's exact address as a Single-page application redirect URI.",
  500011: "The resource was not found in the tenant: check the scope's resource URI.",
  53003: "Conditional Access blocked the sign-in: ask the tenant admin which policy applies.",
};

/** `scope` is the form's space-separated scope as sent: AADSTS70011's cause depends on it. */
export function hintFor(codes: number[] | undefined, scope?: string): string | undefined {
  const multiResource = multiResourceHint(codes, scope);
  if (multiResource !== undefined) return multiResource;
  for (const code of codes ?? []) if (hints[code] !== undefined) return hints[code];
  return undefined;
}

/** Every fixed hint: advice text that cannot carry a secret (see core/redact.ts). */
export function allHints(): string[] {
  return Object.values(hints);
}
