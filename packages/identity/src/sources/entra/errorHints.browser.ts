// The browser build's errorHints.ts (scripts/webBuild.mjs picks it): no advice sentences. A page
// meets Entra's token endpoint only in its user's sign-in (code redemption and refresh; app-only flows
// are refused cross-origin, AADSTS9002326), and what it can meet there is named by Entra's own
// description: a missing app, tenant or redirect URI stops the sign-in on Entra's page before any
// redirect, and scopes of several resources are AADSTS28000, "contains more than one resource". Each
// of those codes links its section of the troubleshooting guide (errorAnchors.browser.ts), which says
// what to do; the Node builds add a line of advice as well (errorHints.ts), and the page's bundle
// stays without it.

/** No advice in the browser build; the error's troubleshooting link says what to do. */
export function hintFor(_codes: number[] | undefined, _scope?: string): string | undefined {
  return undefined;
}

/** Every fixed hint: advice text that cannot carry a secret (see core/redact.ts). None here. */
export function allHints(): string[] {
  return [];
}
