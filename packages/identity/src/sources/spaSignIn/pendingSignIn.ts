// A redirect sign-in leaves the page, so what its return must be checked against (state, nonce) and
// the PKCE verifier that redeems its code wait in this tab's sessionStorage: per tab, gone with the
// tab, never sent anywhere. The record is read once and removed at once, whether or not the return
// checks out, and it expires, so a stale one can't be matched by a response that arrives much later.
// (A popup sign-in never leaves the page: its record stays in memory.)

import { sessionStore } from "./browserWindow.js";

export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  scopes: string[];
  tenantId: string;
  claims: string | undefined;
  /** epoch ms; the record is ignored afterwards */
  expiresAt: number;
}

const PREFIX = "azid.spa.pending.";

export function savePendingSignIn(clientId: string, pending: PendingSignIn): void {
  const store = sessionStore();
  if (store === undefined) {
    throw new TypeError("InteractiveBrowserCredential: loginStyle 'redirect' needs sessionStorage, which this page lacks. Use loginStyle 'popup'.");
  }
  store.setItem(PREFIX + clientId.toLowerCase(), JSON.stringify(pending));
}

/** The pending sign-in of this client in this tab, removed as it is read. */
export function takePendingSignIn(clientId: string): PendingSignIn | undefined {
  const store = sessionStore();
  const key = PREFIX + clientId.toLowerCase();
  const text = store?.getItem(key);
  if (text === null || text === undefined) return undefined;
  store!.removeItem(key);
  try {
    const pending = JSON.parse(text) as PendingSignIn;
    return typeof pending.state === "string" && typeof pending.codeVerifier === "string" && pending.expiresAt > Date.now() ? pending : undefined;
  } catch {
    return undefined;
  }
}
