// Proof Key for Code Exchange (RFC 7636, S256) and the random `state` and `nonce` of an
// authorization request. All from the OS CSPRNG.
import { nodeCrypto } from "../../core/nodeBuiltins.js";

export interface Pkce {
  /** 43 characters of base64url (32 random bytes): the minimum length RFC 7636 allows, full entropy. */
  verifier: string;
  /** base64url(SHA-256(verifier)) */
  challenge: string;
  method: "S256";
}

export function createPkce(): Pkce {
  const verifier = randomToken(32);
  return { verifier, challenge: pkceChallenge(verifier), method: "S256" };
}

export function pkceChallenge(verifier: string): string {
  return nodeCrypto().createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/** base64url of `bytes` random bytes. */
export function randomToken(bytes = 24): string {
  return nodeCrypto().randomBytes(bytes).toString("base64url");
}
