// A token source for any grant on the Entra token endpoint: resolve the endpoint for the request's
// tenant, let the credential fill in its grant fields, post, and turn the response into an
// AccessToken. Credentials differ only in `buildForm`.
import type { TokenRequest, TokenSource } from "../../core/tokenSource.js";
import type { HttpContext } from "../../core/http/context.js";
import type { AccessToken } from "../../core/types.js";
import { getTokenEndpoint } from "./authority.js";
import { requestToken, type TokenEndpointResponse } from "./tokenRequest.js";

export interface GrantSourceOptions {
  authorityHost: string;
  disableInstanceDiscovery: boolean;
  http: HttpContext;
  /** The grant-specific form fields (grant_type, client_id, credentials...). */
  buildForm: (request: TokenRequest, tokenEndpoint: string) => Promise<Record<string, string>> | Record<string, string>;
  headers?: (request: TokenRequest) => Record<string, string>;
  /** Sees the full response (refresh tokens, id tokens) for credentials that need more than the access token. */
  onResponse?: (response: TokenEndpointResponse, request: TokenRequest) => void;
  /** Moves the token endpoint to a regional authority (regionalAuthority.ts); assertions keep the global audience. */
  regionalEndpoint?: (tokenEndpoint: string) => string;
}

export function createGrantSource(options: GrantSourceOptions): TokenSource {
  return async (request: TokenRequest): Promise<AccessToken> => {
    const tenantId = request.tenantId ?? "organizations";
    const tokenEndpoint = await getTokenEndpoint({
      host: options.authorityHost,
      tenantId,
      disableInstanceDiscovery: options.disableInstanceDiscovery,
      http: options.http,
      deadline: request.deadline,
      ...(request.abortSignal ? { abortSignal: request.abortSignal } : {}),
    });
    const form = await options.buildForm(request, tokenEndpoint);
    if (request.claims !== undefined) form.claims = request.claims;
    const response = await requestToken({
      tokenEndpoint: options.regionalEndpoint ? options.regionalEndpoint(tokenEndpoint) : tokenEndpoint,
      form,
      ...(options.headers ? { headers: options.headers(request) } : {}),
      http: options.http,
      deadline: request.deadline,
      ...(request.abortSignal ? { abortSignal: request.abortSignal } : {}),
    });
    options.onResponse?.(response, request);
    const token: AccessToken = { token: response.accessToken, expiresOnTimestamp: response.expiresOnTimestamp, tokenType: response.tokenType };
    if (response.refreshAfterTimestamp !== undefined) token.refreshAfterTimestamp = response.refreshAfterTimestamp;
    return token;
  };
}
