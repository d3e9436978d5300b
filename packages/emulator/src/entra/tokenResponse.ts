// The success body of protocols.md 1.4.1, shared by every grant; numbers stay JSON numbers.
import type { EmulatorContext } from "../context.js";
import { jsonResponse, type HttpResponse } from "../http/response.js";
import type { MintedAccessToken } from "../tokens/accessToken.js";

export interface TokenResponseParts {
  accessToken: MintedAccessToken;
  scope: string;
  refreshToken?: string;
  /** single-page apps: seconds left of the refresh token's fixed lifetime */
  refreshTokenExpiresIn?: number;
  idToken?: string;
  clientInfo?: string;
  /** FOCI family of the app, returned as `foci` */
  familyId?: string;
}

export function tokenResponse(context: EmulatorContext, parts: TokenResponseParts): HttpResponse {
  return jsonResponse(200, {
    token_type: "Bearer",
    scope: parts.scope,
    expires_in: parts.accessToken.expiresIn,
    ext_expires_in: parts.accessToken.expiresIn,
    ...(context.refreshInSeconds === undefined ? {} : { refresh_in: context.refreshInSeconds }),
    access_token: parts.accessToken.token,
    ...(parts.refreshToken === undefined ? {} : { refresh_token: parts.refreshToken }),
    ...(parts.refreshTokenExpiresIn === undefined ? {} : { refresh_token_expires_in: parts.refreshTokenExpiresIn }),
    ...(parts.idToken === undefined ? {} : { id_token: parts.idToken }),
    ...(parts.clientInfo === undefined ? {} : { client_info: parts.clientInfo }),
    ...(parts.familyId === undefined ? {} : { foci: parts.familyId }),
  });
}
