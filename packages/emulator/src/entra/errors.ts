// Entra-shaped OAuth errors (protocols.md 1.4.2, Appendix B). Handlers throw EntraError; the
// router renders it with fresh trace/correlation ids. The catalogue keeps each AADSTS code's
// `error` string and wording in one place so every route fails the same way Entra does.
import { randomUUID } from "node:crypto";

export class EntraError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly code: number,
    readonly text: string,
    readonly suberror?: string,
  ) {
    super(`AADSTS${code}: ${text}`);
    this.name = "EntraError";
  }
}

const invalidRequest = (code: number, text: string) => new EntraError(400, "invalid_request", code, text);
const invalidClient = (code: number, text: string) => new EntraError(401, "invalid_client", code, text);
const invalidGrant = (code: number, text: string, suberror?: string) => new EntraError(400, "invalid_grant", code, text, suberror);

export const aadsts = {
  tenantNotFound: (tenant: string) =>
    invalidRequest(
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ),
  missingParameter: (name: string) => invalidRequest(900144, `The request body must contain the following parameter: '${name}'.`),
  malformedRequest: (why: string) => invalidRequest(9002313, `Invalid request. Request is malformed or invalid. ${why}`),
  invalidClaims: () => invalidRequest(9002313, "Invalid request. The 'claims' parameter is not valid JSON."),
  postOnly: () => invalidRequest(900561, "The endpoint only accepts POST requests. Received a GET request."),
  unknownInstance: () => new EntraError(400, "invalid_instance", 50049, "Unknown or invalid instance."),
  multiTenantNotSupported: (grant: string) =>
    invalidRequest(
      9001023,
      `The grant type '${grant}' is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.`,
    ),
  unsupportedGrantType: (grant: string) => new EntraError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grant}'.`),
  invalidScope: (scope: string, why: string) =>
    new EntraError(
      400,
      "invalid_scope",
      70011,
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid. ${why}`,
    ),
  /** User flows (authorization code, refresh token, device code, password): Entra's code for scopes of several resources. */
  multipleResources: (scope: string) =>
    new EntraError(
      400,
      "invalid_scope",
      28000,
      `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scope} is not valid.`,
    ),
  resourceNotFound: (resource: string, tenantName: string) =>
    new EntraError(
      400,
      "invalid_resource",
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),
  appNotFound: (clientId: string, tenantId: string) =>
    new EntraError(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  invalidSecret: (clientId: string) =>
    invalidClient(
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  missingClientCredential: () => invalidClient(7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
  publicClientCredential: () => invalidClient(700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented."),
  assertionSignature: (reason: string) => invalidClient(700027, `Client assertion failed signature validation. ${reason}`),
  assertionInvalid: (reason: string) => invalidClient(50012, `Client assertion contains an invalid signature or claims. ${reason}`),
  assertionExpired: (reason: string) => invalidClient(700024, `Client assertion is not within its valid time range. ${reason}`),
  noFederatedMatch: (issuer: string, subject: string, audience: string) =>
    invalidRequest(
      70021,
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${issuer}'. Assertion Subject: '${subject}'. Assertion Audience: '${audience}'. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
    ),
  federatedIssuerUnreachable: (issuer: string, why: string) =>
    invalidClient(50166, `Request to External OIDC endpoint failed. Could not retrieve the signing keys of issuer '${issuer}': ${why}`),
  userNotFound: (username: string, tenantId: string) =>
    invalidGrant(
      50034,
      `The user account ${username} does not exist in the ${tenantId} directory. To sign into this application, the account must be added to the directory.`,
    ),
  wrongPassword: () => invalidGrant(50126, "Error validating credentials due to invalid username or password."),
  mfaRequired: () =>
    invalidGrant(
      50076,
      "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.",
      "basic_action",
    ),
  invalidRefreshToken: (why: string) => invalidGrant(9002313, `Invalid request. Request is malformed or invalid. The refresh token is not valid: ${why}`),
  refreshTokenClientMismatch: () => invalidGrant(70000, "Provided grant is invalid or malformed. The refresh token was issued to a different client."),
  transientError: () => new EntraError(503, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again."),

  // Interactive sign-in and the authorization code (protocols.md 1.5.3, 1.6).
  redirectUriMismatch: (redirectUri: string, clientId: string) =>
    invalidRequest(
      50011,
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
    ),
  unsupportedResponseType: (responseType: string) =>
    new EntraError(400, "unsupported_response_type", 700054, `response_type '${responseType}' is not enabled for the application.`),
  unsupportedResponseMode: (mode: string) => invalidRequest(900351, `The response_mode '${mode}' is not supported. Use query, fragment or form_post.`),
  pkceRequired: () =>
    invalidRequest(
      9002325,
      "Proof Key for Code Exchange is required for cross-origin authorization code redemption. Send code_challenge and code_challenge_method=S256.",
    ),
  invalidCodeChallenge: (why: string) => invalidRequest(50147, `The code_challenge is not valid: ${why}`),
  invalidPrompt: (prompt: string) => invalidRequest(90023, `Unsupported 'prompt' value '${prompt}'.`),
  loginRequired: () => new EntraError(400, "login_required", 50058, "A silent sign-in request was sent but no user is signed in."),
  userCancelled: () => new EntraError(400, "access_denied", 65004, "User declined to consent to access the app."),
  invalidAuthorizationCode: (why: string) => invalidGrant(70000, `Provided grant is invalid or malformed. ${why}`),
  codeAlreadyRedeemed: () =>
    invalidGrant(54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token."),
  codeExpired: () =>
    invalidGrant(
      70008,
      "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
    ),
  redirectUriNotCodeRedirect: () =>
    invalidGrant(50011, "The redirect URI specified in the request does not match the redirect URI used to obtain the authorization code."),
  pkceVerifierMismatch: () => invalidGrant(501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request."),

  // Single-page applications: browser-only redemption, fixed 24-hour refresh tokens (spaRules.ts).
  spaRedemptionNeedsOrigin: () =>
    invalidRequest(9002327, "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests."),
  crossOriginNotSpa: (origin: string) =>
    invalidRequest(9002326, `Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type. Request origin: '${origin}'.`),
  spaRefreshTokenExpired: (lifetime: string, issued: string) =>
    invalidGrant(
      700084,
      `The refresh token was issued to a single page app (SPA), and therefore has a fixed, limited lifetime of ${lifetime}, which can't be extended. It is now expired and a new sign in request must be sent by the SPA to the sign in page. The token was issued on ${issued}.`,
    ),

  // Device code (1.5.5). Polling errors are HTTP 400 with the RFC 8628 error names.
  authorizationPending: () => new EntraError(400, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling."),
  slowDown: (interval: number) =>
    new EntraError(400, "slow_down", 70016, `OAuth 2.0 device flow error. Polling too frequently: wait at least ${interval} seconds between requests.`),
  authorizationDeclined: () => new EntraError(400, "authorization_declined", 65004, "The user declined the authorization request on the device sign-in page."),
  badVerificationCode: () => new EntraError(400, "bad_verification_code", 70018, "Invalid verification code entered."),
  expiredDeviceCode: () => new EntraError(400, "expired_token", 70019, "Verification code expired."),

  // Refresh tokens (1.5.4).
  refreshTokenExpired: (issued: string) =>
    invalidGrant(700082, `The refresh token has expired due to inactivity. The token was issued on ${issued} and was inactive for 90.00:00:00.`),
  refreshTokenRevoked: (issued: string, validFrom: string) =>
    invalidGrant(
      50173,
      `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${issued}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${validFrom}'.`,
      "bad_token",
    ),

  // On-behalf-of (1.5.7).
  oboAssertionExpired: (now: string, expiry: string) =>
    invalidGrant(
      500133,
      `Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token. Current time: ${now}, expiry time of assertion ${expiry}.`,
    ),
  oboAudienceMismatch: (audience: string, clientId: string) =>
    invalidGrant(
      50013,
      `Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '${audience}' and the expected audience is '${clientId}' or one of the Application Uris of this application with App ID '${clientId}'.`,
    ),
  oboAssertionInvalid: (why: string) => invalidGrant(50013, `Assertion failed signature validation. [Reason - ${why}]`),
} as const;

export interface ErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
  suberror?: string;
}

/** Renders the JSON body; `correlationId` is the caller's client-request-id when it sent one. */
export function entraErrorBody(error: EntraError, host: string, correlationId: string = randomUUID()): ErrorBody {
  const traceId = randomUUID();
  const timestamp = entraTimestamp(new Date());
  return {
    error: error.error,
    error_description: `AADSTS${error.code}: ${error.text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [error.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${host}/error?code=${error.code}`,
    ...(error.suberror === undefined ? {} : { suberror: error.suberror }),
  };
}

/** `yyyy-mm-dd hh:mm:ssZ`, the format Entra uses in bodies and descriptions. */
export function entraTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, "Z");
}
