// The web builds' client assertion (selected instead of clientAssertion.ts by scripts/build.mjs): the
// same JWT as the Node code (see clientAssertion.ts for its shape), signed with Web Crypto. Async,
// because Web Crypto is; the credential's getAssertion already is.
import { base64UrlEncode } from "../../core/encoding.js";
import type { LoadedCertificate } from "../../core/certificates/certificate.web.js";
import type { ClientAssertionOptions } from "./clientAssertion.js";
// Types only (erased): the Web Crypto interfaces as @types/node spells them.
import type { webcrypto } from "node:crypto";

type CryptoKey = webcrypto.CryptoKey;

export type { AssertionAlgorithm, ClientAssertionOptions } from "./clientAssertion.js";
export { base64UrlEncode };

const DEFAULT_LIFETIME_SECONDS = 600;

export async function createClientAssertion(cert: LoadedCertificate, options: ClientAssertionOptions): Promise<string> {
  const { clientId, audience } = options;
  const algorithm = options.algorithm ?? "PS256";
  const lifetime = options.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS;
  const now = options.now ?? Date.now();
  if (typeof clientId !== "string" || clientId === "") throw new TypeError(`clientId must be a non-empty string, but received ${JSON.stringify(clientId)}.`);
  if (typeof audience !== "string" || !/^https?:\/\//i.test(audience)) {
    throw new TypeError(`audience must be the token endpoint URL, but received ${JSON.stringify(audience)}.`);
  }
  if (algorithm !== "PS256" && algorithm !== "RS256") throw new TypeError(`algorithm must be "PS256" or "RS256", but received ${JSON.stringify(algorithm)}.`);
  if (!Number.isFinite(lifetime) || lifetime <= 0) throw new RangeError(`lifetimeSeconds must be a positive number, but received ${lifetime}.`);
  const subtle = webCrypto().subtle;
  const header: Record<string, unknown> = { alg: algorithm, typ: "JWT", "x5t#S256": cert.x5tS256 };
  if (algorithm === "RS256") {
    cert.x5t ??= base64UrlEncode(new Uint8Array(await subtle.digest("SHA-1", cert.certificateChain[0]!)));
    header.x5t = cert.x5t;
  }
  if (options.sendCertificateChain === true) header.x5c = cert.x5c;
  const issuedAt = Math.floor(now / 1000);
  const payload = {
    aud: audience,
    iss: clientId,
    sub: clientId,
    jti: webCrypto().randomUUID(),
    nbf: issuedAt,
    iat: issuedAt,
    exp: issuedAt + Math.floor(lifetime),
  };
  const signingInput = `${base64UrlEncode(JSON.stringify(header))}.${base64UrlEncode(JSON.stringify(payload))}`;
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
