// cacheLocation: "sessionStorage" (opt-in): the signed-in account and its refresh token kept in this
// tab's sessionStorage, so a reload signs the user in silently. By default they live only in memory:
// anything in storage is readable by every script on the origin (an XSS hole becomes a stolen
// 24-hour session), so an app chooses it knowingly. Access tokens are never stored.
import type { AuthenticationRecord } from "../entra/authenticationRecord.js";
import { validate } from "../entra/authenticationRecord.js";
import { sessionStore } from "./browserWindow.js";

export interface StoredSession {
  account: AuthenticationRecord;
  refreshToken: string;
}

const PREFIX = "azid.spa.session.";

function keyFor(authorityHost: string, clientId: string): string {
  return `${PREFIX}${new URL(authorityHost).host.toLowerCase()}.${clientId.toLowerCase()}`;
}

export function loadSession(authorityHost: string, clientId: string): StoredSession | undefined {
  const text = sessionStore()?.getItem(keyFor(authorityHost, clientId));
  if (text === null || text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as { account: unknown; refreshToken: unknown };
    if (typeof parsed.refreshToken !== "string" || parsed.refreshToken === "") return undefined;
    return { account: validate(parsed.account, "stored session"), refreshToken: parsed.refreshToken };
  } catch {
    return undefined; // unreadable: the user signs in again
  }
}

export function saveSession(authorityHost: string, clientId: string, session: StoredSession | undefined): void {
  const store = sessionStore();
  const key = keyFor(authorityHost, clientId);
  if (session === undefined) store?.removeItem(key);
  else store?.setItem(key, JSON.stringify(session));
}
