// Compact JWS (RFC 7515) encoding, decoding and signature checks for the algorithms Entra clients
// and federation issuers actually use. Decoding never trusts content: callers verify afterwards.
import { constants, createHash, createPublicKey, sign, verify, type JsonWebKey, type KeyObject } from "node:crypto";

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `header.payload` exactly as received: the bytes the signature covers */
  signingInput: string;
  signature: Buffer;
}

export class JwtFormatError extends Error {
  override name = "JwtFormatError";
}

const SUPPORTED_ALGORITHMS = ["RS256", "PS256", "ES256"] as const;
export type JwtAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];

export function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

export function encodeJwt(header: Record<string, unknown>, payload: Record<string, unknown>, privateKey: KeyObject): string {
  const signingInput = `${base64url(JSON.stringify({ typ: "JWT", ...header, alg: "RS256" }))}.${base64url(JSON.stringify(payload))}`;
  return `${signingInput}.${base64url(sign("sha256", Buffer.from(signingInput), privateKey))}`;
}

export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) {
    throw new JwtFormatError("not a compact JWT (three base64url parts separated by dots)");
  }
  const [header = "", payload = "", signature = ""] = parts;
  return {
    header: jsonObject(header, "header"),
    payload: jsonObject(payload, "payload"),
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, "base64url"),
  };
}

function jsonObject(part: string, name: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    throw new JwtFormatError(`the JWT ${name} is not base64url-encoded JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new JwtFormatError(`the JWT ${name} is not a JSON object`);
  return value as Record<string, unknown>;
}

export function isSupportedAlgorithm(alg: unknown): alg is JwtAlgorithm {
  return typeof alg === "string" && (SUPPORTED_ALGORITHMS as readonly string[]).includes(alg);
}

export function verifyJwtSignature(jwt: DecodedJwt, alg: JwtAlgorithm, publicKey: KeyObject): boolean {
  const data = Buffer.from(jwt.signingInput);
  try {
    switch (alg) {
      case "RS256":
        return verify("sha256", data, publicKey, jwt.signature);
      case "PS256":
        // RFC 7518 fixes the salt at the digest length; AUTO also accepts signers that deviate.
        return verify("sha256", data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, jwt.signature);
      case "ES256":
        return verify("sha256", data, { key: publicKey, dsaEncoding: "ieee-p1363" }, jwt.signature);
    }
  } catch {
    return false; // key type and algorithm disagree (an RSA key for ES256 and so on)
  }
}

export interface PublicJwk extends JsonWebKey {
  kid: string;
  kty: string;
  use: "sig";
  alg?: string;
}

/** Public JWK with an RFC 7638 thumbprint as its `kid`. */
export function publicJwk(publicKey: KeyObject, extra: Partial<PublicJwk> = {}): PublicJwk {
  const jwk = publicKey.export({ format: "jwk" });
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  const kid = base64url(createHash("sha256").update(canonical).digest());
  return { kty: String(jwk.kty), use: "sig", kid, n: jwk.n, e: jwk.e, alg: "RS256", ...extra };
}

/** A key from someone else's JWKS; undefined for key types we cannot use. */
export function importJwk(jwk: unknown): KeyObject | undefined {
  if (typeof jwk !== "object" || jwk === null) return undefined;
  try {
    return createPublicKey({ key: jwk as JsonWebKey, format: "jwk" });
  } catch {
    return undefined;
  }
}

/** NumericDate claims may be fractional (MSAL Python); anything else is not a time. */
export function numericDate(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
