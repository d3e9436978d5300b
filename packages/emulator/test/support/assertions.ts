// Builds client assertions the way MSAL does (protocols.md 2.1), with knobs to break each rule.
import { constants, createHash, randomUUID, sign, X509Certificate, type KeyObject } from "node:crypto";

export interface AssertionOptions {
  alg?: "PS256" | "RS256";
  thumbprint?: "x5t#S256" | "x5t" | "none";
  /** base64 with `=` padding, as msal-python sends x5t (RFC 7515 says without) */
  padded?: boolean;
  header?: Record<string, unknown>;
  claims: Record<string, unknown>;
}

export function signAssertion(certPem: string, privateKey: KeyObject, options: AssertionOptions): string {
  const alg = options.alg ?? "PS256";
  const raw = new X509Certificate(certPem).raw;
  const thumbprint = options.thumbprint ?? "x5t#S256";
  const header: Record<string, unknown> = { alg, typ: "JWT", ...options.header };
  const encode = (digest: Buffer) =>
    options.padded === true ? digest.toString("base64").replace(/\+/g, "-").replace(/\//g, "_") : digest.toString("base64url");
  if (thumbprint === "x5t#S256") header["x5t#S256"] = encode(createHash("sha256").update(raw).digest());
  if (thumbprint === "x5t") header.x5t = encode(createHash("sha1").update(raw).digest());
  const input = `${b64(header)}.${b64(options.claims)}`;
  const key = alg === "PS256" ? { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : privateKey;
  return `${input}.${sign("sha256", Buffer.from(input), key).toString("base64url")}`;
}

/** The claims msal-node sends: aud = token endpoint, iss = sub = client id, nbf/exp, jti. */
export function assertionClaims(audience: string, clientId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { aud: audience, iss: clientId, sub: clientId, jti: randomUUID(), nbf: now, exp: now + 600, ...overrides };
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
