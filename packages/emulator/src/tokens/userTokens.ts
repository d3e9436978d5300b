// What user flows return besides the access token: the id_token MSAL builds its account from
// (protocols.md 1.8), client_info (1.7) and a refresh token the emulator can redeem later.
import { randomUUID } from "node:crypto";
import { base64url } from "./jwt.js";
import { verifyOwnToken, type SigningKey } from "./signingKey.js";

export interface SignedInUser {
  tenantId: string;
  objectId: string;
  subject: string;
  username: string;
  name?: string;
}

const ID_TOKEN_LIFETIME_SECONDS = 3600;
const REFRESH_TOKEN_LIFETIME_SECONDS = 90 * 24 * 3600;
/** marks our refresh tokens so an access or id token can never be redeemed as one */
const REFRESH_TOKEN_TYPE = "azid-emulator-refresh-token";

/** `nonce` is echoed from the authorize request, which MSAL checks (protocols.md 1.8). */
export function mintIdToken(key: SigningKey, issuer: string, clientId: string, user: SignedInUser, nonce?: string): string {
  const now = Math.floor(Date.now() / 1000);
  return key.sign({
    aud: clientId,
    iss: issuer,
    iat: now,
    nbf: now,
    exp: now + ID_TOKEN_LIFETIME_SECONDS,
    oid: user.objectId,
    sub: user.subject,
    tid: user.tenantId,
    preferred_username: user.username,
    ...(user.name === undefined ? {} : { name: user.name }),
    ...(nonce === undefined ? {} : { nonce }),
    uti: randomUUID(),
    ver: "2.0",
  });
}

/** base64url (no padding) of {"uid","utid"}; MSAL derives home_account_id = uid.utid from it. */
export function clientInfo(user: SignedInUser): string {
  return base64url(JSON.stringify({ uid: user.objectId, utid: user.tenantId }));
}

export interface RefreshGrant {
  tenantId: string;
  clientId: string;
  username: string;
  /**
   * Set for refresh tokens issued to a single-page app: their fixed expiry (epoch ms), 24 hours after
   * the sign-in. Tokens minted by redeeming one keep it (Entra's SPA lifetime does not slide).
   */
  spaExpiresAtMs?: number;
}

export interface RedeemableRefreshGrant extends RefreshGrant {
  /** epoch ms, compared with revocations */
  issuedAtMs: number;
}

/** Self-contained and signed, so the emulator keeps no session state between requests. */
export function mintRefreshToken(key: SigningKey, grant: RefreshGrant, issuedAtMs: number = Date.now()): string {
  const iat = Math.floor(issuedAtMs / 1000);
  return key.sign({
    typ: REFRESH_TOKEN_TYPE,
    tid: grant.tenantId,
    cid: grant.clientId,
    usr: grant.username,
    iat,
    ims: issuedAtMs,
    exp: grant.spaExpiresAtMs === undefined ? iat + REFRESH_TOKEN_LIFETIME_SECONDS : Math.floor(grant.spaExpiresAtMs / 1000),
    ...(grant.spaExpiresAtMs === undefined ? {} : { sxp: grant.spaExpiresAtMs }),
    jti: randomUUID(),
  });
}

/** Returns the grant, "expired" (past its 90 days, or a SPA's 24 hours), or a reason the token cannot be redeemed. */
export function readRefreshToken(token: string, keys: SigningKey[]): RedeemableRefreshGrant | { expired: true; issuedAtMs: number; spa: boolean } | string {
  let payload: Record<string, unknown>;
  try {
    payload = verifyOwnToken(token, keys).payload;
  } catch (error) {
    return `it was not issued by this emulator run (${(error as Error).message})`;
  }
  const { typ, tid, cid, usr, exp, iat, ims, sxp } = payload;
  if (typ !== REFRESH_TOKEN_TYPE || typeof tid !== "string" || typeof cid !== "string" || typeof usr !== "string") return "it is not a refresh token";
  const issuedAtMs = typeof ims === "number" ? ims : typeof iat === "number" ? iat * 1000 : 0;
  const spa = typeof sxp === "number" ? { spaExpiresAtMs: sxp } : {};
  if (typeof exp !== "number" || exp < Date.now() / 1000 || (spa.spaExpiresAtMs ?? Infinity) <= Date.now())
    return { expired: true, issuedAtMs, spa: spa.spaExpiresAtMs !== undefined };
  return { tenantId: tid, clientId: cid, username: usr, issuedAtMs, ...spa };
}
