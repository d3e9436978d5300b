// How a confidential client proves who it is at the token endpoint: a secret, or a signed assertion
// (RFC 7523; a certificate's JWT or a federated token), and the fingerprint that tells two
// credentials of the same client id apart in cache keys without holding the secret.
import { sha256Text } from "../../core/hash.js";

export const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

export type ClientAuthentication =
  | { kind: "secret"; secret: string }
  /** Returns a signed assertion for the given token endpoint (the JWT's audience). */
  | { kind: "assertion"; getAssertion: (tokenEndpoint: string) => Promise<string> };

export function fingerprintOf(secret: string): string {
  return sha256Text(secret, "base64url").slice(0, 22);
}
