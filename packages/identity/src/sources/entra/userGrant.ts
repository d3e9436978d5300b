// The token-endpoint half of every user flow (authorization code, refresh token, device code,
// password, on-behalf-of): the endpoint for a tenant, the fields every user grant carries
// (client_id, scopes + OIDC scopes, client_info=1, claims) and, for confidential clients, the
// client secret or assertion. The flows add only their grant-specific fields.
import type { HttpContext } from "../../core/http/context.js";
import type { AbortSignalLike, AccessToken } from "../../core/types.js";
import { getTokenEndpoint } from "./authority.js";
import type { ClientAuthentication } from "./clientAuthentication.js";
import { requestToken, type TokenEndpointResponse } from "./tokenRequest.js";

/** MSAL adds these to every user flow: an id_token, a refresh token and the account's profile. */
export const OIDC_SCOPES = ["openid", "profile", "offline_access"] as const;

export function withOidcScopes(scopes: readonly string[]): string {
  return [...scopes, ...OIDC_SCOPES.filter((scope) => !scopes.includes(scope))].join(" ");
}

export interface UserGrantClientSettings {
  authorityHost: string;
  clientId: string;
  disableInstanceDiscovery: boolean;
  http: HttpContext;
  /** Confidential clients only (AuthorizationCodeCredential with a secret, OnBehalfOfCredential). */
  clientAuthentication?: ClientAuthentication;
}

export interface GrantCall {
  tenantId: string;
  scopes: readonly string[];
  claims?: string | undefined;
  deadline: number;
  abortSignal?: AbortSignalLike | undefined;
  headers?: Record<string, string>;
}

export class UserGrantClient {
  readonly settings: UserGrantClientSettings;

  constructor(settings: UserGrantClientSettings) {
    this.settings = settings;
  }

  get clientId(): string {
    return this.settings.clientId;
  }

  tokenEndpoint(tenantId: string, deadline: number, abortSignal?: AbortSignalLike): Promise<string> {
    const { authorityHost, disableInstanceDiscovery, http } = this.settings;
    return getTokenEndpoint({ host: authorityHost, tenantId, disableInstanceDiscovery, http, deadline, ...(abortSignal ? { abortSignal } : {}) });
  }

  /** `/authorize` and `/devicecode` sit next to `/token` on every Entra authority (and ADFS). */
  async siblingEndpoint(tenantId: string, name: "authorize" | "devicecode", deadline: number, abortSignal?: AbortSignalLike): Promise<string> {
    return (await this.tokenEndpoint(tenantId, deadline, abortSignal)).replace(/\/token$/, `/${name}`);
  }

  /** Posts one grant; `fields` are the grant-specific form fields (grant_type, code, refresh_token...). */
  async redeem(fields: Record<string, string>, call: GrantCall): Promise<TokenEndpointResponse> {
    const tokenEndpoint = await this.tokenEndpoint(call.tenantId, call.deadline, call.abortSignal);
    const form: Record<string, string> = { client_id: this.settings.clientId, scope: withOidcScopes(call.scopes), ...fields, client_info: "1" };
    if (call.claims !== undefined) form.claims = call.claims;
    await this.settings.clientAuthentication?.(form, tokenEndpoint);
    return requestToken({
      tokenEndpoint,
      form,
      http: this.settings.http,
      deadline: call.deadline,
      ...(call.headers ? { headers: call.headers } : {}),
      ...(call.abortSignal ? { abortSignal: call.abortSignal } : {}),
    });
  }
}

export function toAccessToken(response: TokenEndpointResponse): AccessToken {
  const token: AccessToken = { token: response.accessToken, expiresOnTimestamp: response.expiresOnTimestamp, tokenType: response.tokenType };
  if (response.refreshAfterTimestamp !== undefined) token.refreshAfterTimestamp = response.refreshAfterTimestamp;
  return token;
}

/** What an interactive sign-in (browser, device code) produced: the code redemption's answer. */
export interface InteractionResult {
  response: TokenEndpointResponse;
  /** The nonce sent on /authorize, checked against the id_token. */
  nonce?: string;
}
