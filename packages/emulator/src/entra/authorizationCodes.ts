// Authorization codes (protocols.md 1.5.3, 1.6): issued by /authorize after a sign-in, redeemed
// once with grant_type=authorization_code. A code is bound to the client, the redirect URI, the
// PKCE challenge, the nonce, the scopes and the user, and lives 10 minutes. The store is its own
// file so the emulator context can hold it without importing the grant that reads it.
import { randomBytes } from "node:crypto";

const CODE_LIFETIME_MS = 10 * 60_000;

export interface AuthorizationCodeGrant {
  tenantId: string;
  clientId: string;
  redirectUri: string;
  /** S256 challenge; undefined only for confidential clients that sent none */
  codeChallenge: string | undefined;
  nonce: string | undefined;
  scope: string;
  username: string;
  cae: boolean;
  mfa: boolean;
  /** sent to one of the app's spaRedirectUris: only a browser may redeem it (spaRules.ts) */
  spa: boolean;
}

interface StoredCode {
  grant: AuthorizationCodeGrant;
  expiresAt: number;
  redeemed: boolean;
}

export class AuthorizationCodes {
  private readonly codes = new Map<string, StoredCode>();

  issue(grant: AuthorizationCodeGrant): string {
    const now = Date.now();
    // Redeemed codes stay until they expire, so a second redemption is told "already redeemed".
    for (const [code, stored] of this.codes) if (stored.expiresAt <= now) this.codes.delete(code);
    // Entra's codes are long opaque strings starting with a version marker.
    const code = `1.AZID${randomBytes(48).toString("base64url")}`;
    this.codes.set(code, { grant, expiresAt: now + CODE_LIFETIME_MS, redeemed: false });
    return code;
  }

  lookup(code: string): StoredCode | undefined {
    return this.codes.get(code);
  }
}
