// The web builds' client assertion (selected instead of clientAssertion.ts by scripts/build.mjs): the
// same JWT as the Node code (header and claims from assertionClaims.ts), signed with Web Crypto. Async,
// because Web Crypto is; the credential's getAssertion already is.
import { base64UrlEncode } from "../../core/encoding.js";
import type { LoadedCertificate } from "../../core/certificates/certificate.web.js";
import { assertionSigningInput, checkAssertionOptions, type ClientAssertionOptions } from "./assertionClaims.js";
// Types only (erased): the Web Crypto interfaces as @types/node spells them.
import type { webcrypto } from "node:crypto";

type CryptoKey = webcrypto.CryptoKey;

export type { AssertionAlgorithm, ClientAssertionOptions } from "./assertionClaims.js";
export { base64UrlEncode };

export async function createClientAssertion(cert: LoadedCertificate, options: ClientAssertionOptions): Promise<string> {
  const checked = checkAssertionOptions(options);
  const { algorithm } = checked;
  const subtle = webCrypto().subtle;
  if (algorithm === "RS256") cert.x5t ??= base64UrlEncode(new Uint8Array(await subtle.digest("SHA-1", cert.certificateChain[0]!)));
  const signingInput = assertionSigningInput(checked, cert, cert.x5t, webCrypto().randomUUID());
  const key = await signingKey(cert, algorithm);
  // PS256 per RFC 7518 section 3.5: MGF1 with SHA-256, salt as long as the digest (32 bytes).
  const params = algorithm === "PS256" ? { name: "RSA-PSS", saltLength: 32 } : { name: "RSASSA-PKCS1-v1_5" };
  const signature = await subtle.sign(params, key, new TextEncoder().encode(signingInput));
  return `${signingInput}.${base64UrlEncode(new Uint8Array(signature))}`;
}

function signingKey(cert: LoadedCertificate, algorithm: "PS256" | "RS256"): Promise<CryptoKey> {
  const cached = cert.keys.get(algorithm);
  if (cached !== undefined) return cached;
  const name = algorithm === "PS256" ? "RSA-PSS" : "RSASSA-PKCS1-v1_5";
  const key = webCrypto().subtle.importKey("pkcs8", cert.privateKeyPkcs8, { name, hash: "SHA-256" }, false, ["sign"]);
  cert.keys.set(algorithm, key);
  key.catch(() => cert.keys.delete(algorithm));
  return key;
}

function webCrypto(): webcrypto.Crypto {
  const crypto = (globalThis as { crypto?: webcrypto.Crypto }).crypto;
  if (crypto?.subtle === undefined) throw new Error("This runtime has no Web Crypto (globalThis.crypto.subtle), which certificate credentials need to sign.");
  return crypto;
}
