// The authorization code grant (protocols.md 1.5.3, 1.6): the /authorize URL a browser opens, and
// the redemption of the code it brings back. PKCE (S256) binds the code to this client instance;
// `state` binds the redirect to this attempt; `nonce` binds the id_token to it.
import type { GrantCall, UserGrantClient } from "./userGrant.js";
import { withOidcScopes } from "./userGrant.js";
import type { TokenEndpointResponse } from "./tokenRequest.js";

export interface AuthorizeParameters {
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  state: string;
  nonce: string;
  codeChallenge: string;
  claims?: string | undefined;
  loginHint?: string | undefined;
  domainHint?: string | undefined;
  prompt?: string | undefined;
  /** Where Entra puts the code: the query (default; a loopback listener reads it) or the fragment (a SPA's page reads it; its server never sees it). */
  responseMode?: "query" | "fragment";
}

export function buildAuthorizeUrl(authorizeEndpoint: string, parameters: AuthorizeParameters): string {
  const query = new URLSearchParams({
    client_id: parameters.clientId,
    response_type: "code",
    redirect_uri: parameters.redirectUri,
    scope: withOidcScopes(parameters.scopes),
    response_mode: parameters.responseMode ?? "query",
    code_challenge: parameters.codeChallenge,
    code_challenge_method: "S256",
    state: parameters.state,
    nonce: parameters.nonce,
    client_info: "1",
    "client-request-id": crypto.randomUUID(),
  });
  // As @azure/identity: a login hint means "sign this user in"; otherwise let the user pick an account.
  const prompt = parameters.prompt ?? (parameters.loginHint !== undefined ? "login" : "select_account");
  query.set("prompt", prompt);
  if (parameters.loginHint !== undefined) query.set("login_hint", parameters.loginHint);
  if (parameters.domainHint !== undefined) query.set("domain_hint", parameters.domainHint);
  if (parameters.claims !== undefined) query.set("claims", parameters.claims);
  return `${authorizeEndpoint}?${query.toString()}`;
}

export interface CodeRedemption {
  code: string;
  redirectUri: string;
  /** Absent when the code was obtained elsewhere without PKCE (AuthorizationCodeCredential). */
  codeVerifier?: string;
}

export function redeemAuthorizationCode(grants: UserGrantClient, redemption: CodeRedemption, call: GrantCall): Promise<TokenEndpointResponse> {
  const fields: Record<string, string> = { grant_type: "authorization_code", code: redemption.code, redirect_uri: redemption.redirectUri };
  if (redemption.codeVerifier !== undefined) fields.code_verifier = redemption.codeVerifier;
  return grants.redeem(fields, call);
}
