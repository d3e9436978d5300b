// How a confidential client proves who it is at the token endpoint: a secret, or a signed assertion
// (RFC 7523; a certificate's JWT or a federated token), and the fingerprint that tells two
// credentials of the same client id apart in cache keys without holding the secret. The client
// credentials grant (providers/confidentialClient.ts) and the confidential user flows
// (sources/entra/userGrant.ts: a code redeemed with a secret, on-behalf-of) call it; a public client
// (a page's InteractiveBrowserCredential) has none, and so carries none of this.
import { sha256Text } from "../../core/hash.js";

export const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** Adds the client's proof to a token request's form; `tokenEndpoint` is an assertion's audience. */
export type ClientAuthentication = (form: Record<string, string>, tokenEndpoint: string) => Promise<void>;

/** `client_secret`. */
export function secretAuthentication(secret: string): ClientAuthentication {
  return async (form) => {
    form.client_secret = secret;
  };
}

/** `client_assertion`: `getAssertion` returns a signed assertion for the given token endpoint (the JWT's audience). */
export function assertionAuthentication(getAssertion: (tokenEndpoint: string) => Promise<string>): ClientAuthentication {
  return async (form, tokenEndpoint) => {
    form.client_assertion_type = CLIENT_ASSERTION_TYPE;
    form.client_assertion = await getAssertion(tokenEndpoint);
  };
}

export function fingerprintOf(secret: string): string {
  return sha256Text(secret, "base64url").slice(0, 22);
}
