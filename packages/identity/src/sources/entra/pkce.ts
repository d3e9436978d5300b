// Proof Key for Code Exchange (RFC 7636, S256) and the random `state` and `nonce` of an
// authorization request. All from the OS CSPRNG.
import { base64UrlEncode } from "../../core/encoding.js";
import { sha256Async } from "../../core/hash.js";

export interface Pkce {
  /** 43 characters of base64url (32 random bytes): the minimum length RFC 7636 allows, full entropy. */
  verifier: string;
  /** base64url(SHA-256(verifier)) */
  challenge: string;
  method: "S256";
}

export async function createPkce(): Promise<Pkce> {
  const verifier = randomToken(32);
  return { verifier, challenge: await pkceChallenge(verifier), method: "S256" };
}

/** Asynchronous so that the browser build uses Web Crypto's digest (core/hash.web.ts). */
export async function pkceChallenge(verifier: string): Promise<string> {
  return base64UrlEncode(await sha256Async(verifier));
}

/** base64url of `bytes` random bytes (Web Crypto's CSPRNG, a global in every runtime azid supports). */
export function randomToken(bytes = 24): string {
  return base64UrlEncode(globalThis.crypto.getRandomValues(new Uint8Array(bytes)));
}
