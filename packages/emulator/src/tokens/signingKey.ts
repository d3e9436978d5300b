// An RS256 signing key with its published JWK (kid = RFC 7638 thumbprint).
import { createPublicKey, type KeyObject } from "node:crypto";
import { decodeJwt, encodeJwt, publicJwk, verifyJwtSignature, type DecodedJwt, type PublicJwk } from "./jwt.js";

export interface SigningKey {
  readonly kid: string;
  readonly publicKey: KeyObject;
  readonly jwk: PublicJwk;
  sign(payload: Record<string, unknown>, header?: Record<string, unknown>): string;
}

export function createSigningKey(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey);
  const jwk = publicJwk(publicKey);
  return {
    kid: jwk.kid,
    publicKey,
    jwk,
    sign: (payload, header = {}) => encodeJwt({ ...header, kid: jwk.kid }, payload, privateKey),
  };
}

/** Decodes a JWT and checks it was signed (RS256) by one of `keys`; throws otherwise. */
export function verifyOwnToken(token: string, keys: SigningKey[]): DecodedJwt {
  const jwt = decodeJwt(token);
  if (jwt.header.alg !== "RS256") throw new Error(`unexpected alg ${String(jwt.header.alg)}`);
  const key = keys.find((candidate) => candidate.kid === jwt.header.kid);
  if (key === undefined) throw new Error(`no emulator key with kid ${String(jwt.header.kid)}`);
  if (!verifyJwtSignature(jwt, "RS256", key.publicKey)) throw new Error("signature verification failed");
  return jwt;
}

export function jwksDocument(keys: SigningKey[]): { keys: PublicJwk[] } {
  return { keys: keys.map((key) => key.jwk) };
}
