// On-behalf-of (protocols.md 1.5.7): a web API exchanges the access token its caller sent (the user
// assertion) for a token to a downstream API, authenticating as itself with a secret, a certificate
// or an assertion. Tokens are cached per user assertion: the partition holds a SHA-256 of it, so
// two users' tokens never mix and the assertion itself is never a key.
import { TokenProvider } from "../core/cache/tokenProvider.js";
import { tokenDetailsLogger } from "../core/accountLogging.js";
import { resolveAuthorityHost } from "../sources/entra/authority.js";
import { loadCertificate } from "../core/certificates/certificate.js";
import { buildClaims } from "../sources/entra/claims.js";
import { createClientAssertion } from "../sources/entra/clientAssertion.js";
import { requireString } from "../providers/confidentialClient.js";
import { assertionAuthentication, fingerprintOf, secretAuthentication, type ClientAuthentication } from "../sources/entra/clientAuthentication.js";
import { toAccessToken, UserGrantClient } from "../sources/entra/userGrant.js";
import { AuthenticationError } from "../core/errors.js";
import { createHttpContext } from "../core/http/context.js";
import { credentialLogger } from "../core/logger.js";
import { checkTenantId, resolveAdditionallyAllowedTenants } from "../core/tenants.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { AuthorityValidationOptions, CredentialPersistenceOptions, MultiTenantTokenCredentialOptions } from "../core/options.js";
import { callGetAssertion } from "./clientAssertionCredential.js";
import { resolvePersistence } from "../core/persistenceOptions.js";
import { PersistentTokenCache, withPersistentAppTokens } from "../providers/lazyPersistence.js";
import type { TokenSource } from "../core/tokenSource.js";
import { closeParts } from "../core/closable.js";

/** {@link OnBehalfOfCredential} with the API's client secret. */
export interface OnBehalfOfCredentialSecretOptions {
  /** The API's tenant. */
  tenantId: string;
  /** The API's app registration (client) id. */
  clientId: string;
  /** The API's client secret. */
  clientSecret: string;
  /** The access token the caller presented to this API. */
  userAssertionToken: string;
}

/** {@link OnBehalfOfCredential} with the API's certificate. */
export interface OnBehalfOfCredentialCertificateOptions {
  /** The API's tenant. */
  tenantId: string;
  /** The API's app registration (client) id. */
  clientId: string;
  /** A PEM file with the certificate and its private key (PKCS#12 is accepted too). */
  certificatePath: string;
  /** The access token the caller presented to this API. */
  userAssertionToken: string;
  /** Send the certificate chain (`x5c`) for subject name/issuer authentication. */
  sendCertificateChain?: boolean;
}

/** {@link OnBehalfOfCredential} with a client assertion for the API. */
export interface OnBehalfOfCredentialAssertionOptions {
  /** The API's tenant. */
  tenantId: string;
  /** The API's app registration (client) id. */
  clientId: string;
  /** Returns a client assertion for the app (a federated token, or a JWT signed elsewhere). */
  getAssertion: () => Promise<string>;
  /** The access token the caller presented to this API. */
  userAssertionToken: string;
}

/** Options of {@link OnBehalfOfCredential}: one way for the API to authenticate, plus the common options. */
export type OnBehalfOfCredentialOptions = (OnBehalfOfCredentialSecretOptions | OnBehalfOfCredentialCertificateOptions | OnBehalfOfCredentialAssertionOptions) &
  MultiTenantTokenCredentialOptions &
  CredentialPersistenceOptions &
  AuthorityValidationOptions;

type CommonOptions = MultiTenantTokenCredentialOptions & CredentialPersistenceOptions & AuthorityValidationOptions;

const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
let assertionCallbacks = 0;

/**
 * A web API calling another API as the user who called it (the OAuth 2.0 on-behalf-of flow): the
 * API exchanges the access token it received (`userAssertionToken`) for a token to the downstream
 * API, authenticating itself with a secret, a certificate or an assertion. Create one per incoming
 * request; tokens are cached per user assertion. See docs/troubleshooting.md#onbehalfofcredential.
 *
 * @example
 * ```ts
 * const credential = new OnBehalfOfCredential({ tenantId, clientId, clientSecret, userAssertionToken: bearerTokenFromRequest });
 * const { token } = await credential.getToken("https://graph.microsoft.com/.default");
 * ```
 */
export class OnBehalfOfCredential implements TokenCredential {
  readonly #provider: TokenProvider;

  constructor(options: OnBehalfOfCredentialCertificateOptions & CommonOptions);
  constructor(options: OnBehalfOfCredentialSecretOptions & CommonOptions);
  constructor(options: OnBehalfOfCredentialAssertionOptions & CommonOptions);
  constructor(options: OnBehalfOfCredentialOptions) {
    const name = "OnBehalfOfCredential";
    if (typeof options !== "object" || options === null)
      throw new TypeError(
        `${name}: pass an options object with tenantId, clientId, userAssertionToken and one of clientSecret, certificatePath or getAssertion.`,
      );
    const all = options as Partial<OnBehalfOfCredentialSecretOptions & OnBehalfOfCredentialCertificateOptions & OnBehalfOfCredentialAssertionOptions> &
      CommonOptions;
    const tenantId = requireString(all.tenantId, name, "tenantId");
    const clientId = requireString(all.clientId, name, "clientId");
    const userAssertion = requireString(all.userAssertionToken, name, "userAssertionToken");
    checkTenantId(tenantId);
    const given = (["clientSecret", "certificatePath", "getAssertion"] as const).filter((key) => all[key] !== undefined);
    if (given.length !== 1) {
      throw new TypeError(
        `${name}: pass exactly one of clientSecret, certificatePath or getAssertion to authenticate the app (received ${given.length === 0 ? "none" : given.join(" and ")}).`,
      );
    }
    let authentication: ClientAuthentication;
    let fingerprint: string;
    if (all.clientSecret !== undefined) {
      const secret = requireString(all.clientSecret, name, "clientSecret");
      authentication = secretAuthentication(secret);
      fingerprint = fingerprintOf(secret);
    } else if (all.certificatePath !== undefined) {
      const certificate = loadCertificate({ path: requireString(all.certificatePath, name, "certificatePath") });
      const sendCertificateChain = all.sendCertificateChain === true;
      authentication = assertionAuthentication(async (audience) => createClientAssertion(certificate, { clientId, audience, sendCertificateChain }));
      fingerprint = `${certificate.x5tS256}${sendCertificateChain ? "+x5c" : ""}`;
    } else {
      const getAssertion = all.getAssertion;
      if (typeof getAssertion !== "function")
        throw new TypeError(`${name}: getAssertion must be a function returning the app's client assertion (received ${typeof getAssertion}).`);
      authentication = assertionAuthentication(() => callGetAssertion(getAssertion, name));
      fingerprint = `callback-${++assertionCallbacks}`;
    }
    const authorityHost = resolveAuthorityHost(all.authorityHost);
    const persistence = resolvePersistence(all, name);
    const persistentCache = persistence === undefined ? undefined : new PersistentTokenCache(persistence, credentialLogger(name));
    const http = createHttpContext(all);
    const grants = new UserGrantClient({
      authorityHost,
      clientId,
      disableInstanceDiscovery: all.disableInstanceDiscovery === true,
      http,
      clientAuthentication: authentication,
    });
    this.#provider = new TokenProvider({
      partition: `obo\u0000${authorityHost}\u0000${clientId.toLowerCase()}\u0000${fingerprint}\u0000${fingerprintOf(userAssertion)}`,
      tenantId,
      additionallyAllowedTenants: resolveAdditionallyAllowedTenants(all.additionallyAllowedTenants),
      logger: credentialLogger(name),
      buildClaims,
      onToken: tokenDetailsLogger(credentialLogger(name), all.loggingOptions),
      onClose: () => {
        http.release();
        return persistentCache?.close();
      },
      source: withPersistence(async (request) => {
        try {
          const response = await grants.redeem(
            { grant_type: JWT_BEARER, requested_token_use: "on_behalf_of", assertion: userAssertion },
            { tenantId: request.tenantId ?? tenantId, scopes: request.scopes, claims: request.claims, deadline: request.deadline },
          );
          return toAccessToken(response);
        } catch (error) {
          throw explainAssertionErrors(error);
        }
      }),
    });
    // tokenCachePersistenceOptions: tokens for this user assertion (keyed by its hash, as msal-node) outlive the process.
    function withPersistence(source: TokenSource): TokenSource {
      if (persistentCache === undefined) return source;
      const environment = new URL(authorityHost).host;
      return withPersistentAppTokens(source, {
        cache: persistentCache,
        environment,
        clientId,
        tenantId,
        userAssertion,
        unchallengedClaims: (cae) => buildClaims(undefined, cae),
      });
    }
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.#provider.getToken(scopes, options);
  }

  /** Stops this credential and releases what it holds (azid extension); getToken then rejects with CredentialClosedError. */
  close(): Promise<void> {
    return closeParts(this.#provider);
  }

  /** `await using credential = new ...` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** The user assertion is the usual culprit: say which way it is wrong. */
function explainAssertionErrors(error: unknown): unknown {
  if (!(error instanceof AuthenticationError)) return error;
  const codes = error.errorResponse.errorCodes ?? [];
  const hint = codes.includes(500133)
    ? "The user assertion (the caller's access token) has expired: have the client send a fresh token and create a new OnBehalfOfCredential for it."
    : codes.includes(65001)
      ? "The user (or an admin) has not consented to this API calling the downstream API on their behalf: grant consent for the requested scopes."
      : undefined;
  if (hint === undefined) return error;
  return new AuthenticationError(
    error.statusCode,
    { ...error.errorResponse, errorDescription: `${error.errorResponse.errorDescription}\nHint: ${hint}` },
    { cause: error },
  );
}
