// An app registration authenticating with an assertion the caller supplies (a federated token from
// another identity provider, or a JWT signed elsewhere, e.g. by a key vault or HSM).
import type { TokenProvider } from "../core/cache/tokenProvider.js";
import { createConfidentialClientProvider, requireString } from "../providers/confidentialClient.js";
import { AuthenticationError } from "../core/errors.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { AuthorityValidationOptions, CredentialPersistenceOptions, MultiTenantTokenCredentialOptions } from "../core/options.js";
import { closeParts } from "../core/closable.js";
import type { RegionalAuthorityOptions } from "../sources/entra/regionalAuthority.js";
import { assertionAuthentication } from "../sources/entra/clientAuthentication.js";

/** Options of {@link ClientAssertionCredential}. */
export interface ClientAssertionCredentialOptions
  extends MultiTenantTokenCredentialOptions, CredentialPersistenceOptions, AuthorityValidationOptions, RegionalAuthorityOptions {}

let instances = 0;

/**
 * An app registration signing in with a client assertion your code supplies: a federated token from
 * another identity provider (GitHub Actions, Kubernetes, another cloud) or a JWT signed elsewhere
 * (an HSM, Key Vault). `getAssertion` is called whenever a new Entra token is needed; if it throws,
 * `getToken` rejects with an {@link AuthenticationError} (`assertion_unavailable`).
 *
 * @example
 * ```ts
 * import { ClientAssertionCredential } from "@azid/identity";
 * import { readFile } from "node:fs/promises";
 * const credential = new ClientAssertionCredential(tenantId, clientId, () => readFile("/var/run/secrets/token", "utf8"));
 * ```
 */
export class ClientAssertionCredential implements TokenCredential {
  readonly #provider: TokenProvider;

  constructor(tenantId: string, clientId: string, getAssertion: () => Promise<string>, options?: ClientAssertionCredentialOptions) {
    const name = "ClientAssertionCredential";
    requireString(tenantId, name, "tenantId");
    requireString(clientId, name, "clientId");
    if (typeof getAssertion !== "function")
      throw new TypeError(`${name}: getAssertion is a required parameter and must be a function returning the assertion (received ${typeof getAssertion}).`);
    this.#provider = createConfidentialClientProvider({
      credentialName: name,
      tenantId,
      clientId,
      authentication: assertionAuthentication(() => callGetAssertion(getAssertion, name)),
      // The callback is opaque: two instances may return different identities, so they never share tokens.
      fingerprint: `callback-${++instances}`,
      // ...and for the same reason the fingerprint means nothing in another process: no fleet cache.
      fleetShareable: false,
      options,
    });
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

export async function callGetAssertion(getAssertion: () => Promise<string> | string, name: string): Promise<string> {
  let assertion: unknown;
  try {
    assertion = await getAssertion();
  } catch (error) {
    throw new AuthenticationError(
      0,
      {
        error: "assertion_unavailable",
        errorDescription: `${name}: the getAssertion callback failed: ${error instanceof Error ? error.message : String(error)}`,
      },
      { cause: error },
    );
  }
  if (typeof assertion !== "string" || assertion.trim() === "") {
    throw new AuthenticationError(0, {
      error: "assertion_unavailable",
      errorDescription: `${name}: the getAssertion callback must return a non-empty string (it returned ${assertion === "" ? "an empty string" : typeof assertion}).`,
    });
  }
  return assertion.trim();
}
