// Who signed in: the account a user flow's token response describes, from `client_info`
// (protocols.md 1.7: home_account_id = uid.utid) and the id_token claims (1.8). Like MSAL we do not
// verify the id_token signature (it came straight from the token endpoint over TLS), but we do
// check what binds it to this request: `aud` must be our client id and `nonce` the one we sent.
import { decodeBase64Json, decodeJwtPayload } from "../../core/encoding.js";
import { AuthenticationError } from "../../core/errors.js";
import type { TokenEndpointResponse } from "./tokenRequest.js";

/** A signed-in user, as the cache and AuthenticationRecord know it. */
export interface UserAccount {
  /** `<uid>.<utid>` from client_info (else the id_token's `sub`). */
  homeAccountId: string;
  /** The account's tenant (`tid`, else `utid`). */
  tenantId: string;
  /** `preferred_username`, else `upn`, else `email`; may be empty for some accounts. */
  username: string;
}

export interface AccountCheck {
  clientId: string;
  /** The nonce sent on /authorize, when there was one. */
  nonce?: string;
  /** Used when neither client_info nor the id_token names the tenant. */
  fallbackTenantId: string;
}

export { decodeJwtPayload };

function parseClientInfo(value: string | undefined): { uid: string; utid: string } | undefined {
  // An unusable client_info is treated as absent, as MSAL does.
  const { uid, utid } = (value === undefined ? undefined : decodeBase64Json(value)) ?? {};
  return typeof uid === "string" && uid !== "" && typeof utid === "string" && utid !== "" ? { uid, utid } : undefined;
}

function invalid(error: string, description: string): AuthenticationError {
  return new AuthenticationError(0, { error, errorDescription: description });
}

const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** The account a user-flow response is for; throws when the id_token is not for this client or request. */
export function accountFromResponse(response: TokenEndpointResponse, check: AccountCheck): UserAccount {
  const clientInfo = parseClientInfo(response.clientInfo);
  let claims: Record<string, unknown> = {};
  if (response.idToken !== undefined) {
    const decoded = decodeJwtPayload(response.idToken);
    if (decoded === undefined) throw invalid("invalid_id_token", "The token response carried an id_token that is not a JWT.");
    claims = decoded;
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.some((aud) => typeof aud === "string" && aud.toLowerCase() === check.clientId.toLowerCase())) {
      throw invalid(
        "invalid_id_token",
        `The id_token was issued to another application (aud '${String(claims.aud)}', expected '${check.clientId}'); refusing it.`,
      );
    }
  }
  if (check.nonce !== undefined && response.idToken !== undefined && claims.nonce !== check.nonce) {
    throw invalid(
      "nonce_mismatch",
      "The id_token's nonce does not match the one this sign-in sent: the response belongs to another sign-in attempt. Sign in again.",
    );
  }
  const homeAccountId = clientInfo !== undefined ? `${clientInfo.uid}.${clientInfo.utid}` : str(claims.sub);
  if (homeAccountId === undefined) {
    throw invalid(
      "invalid_response",
      "The token response names no account (neither client_info nor an id_token with 'sub'), so its refresh token cannot be kept for silent sign-in.",
    );
  }
  return {
    homeAccountId,
    tenantId: str(claims.tid) ?? clientInfo?.utid ?? check.fallbackTenantId,
    username: str(claims.preferred_username) ?? str(claims.upn) ?? str(claims.email) ?? "",
  };
}
