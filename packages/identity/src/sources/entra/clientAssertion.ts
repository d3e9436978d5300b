// Builds the signed JWT a certificate credential sends as `client_assertion`
// (client_assertion_type urn:ietf:params:oauth:client-assertion-type:jwt-bearer).
// Shape follows what @azure/identity + msal-node emit, see reference/protocols.md section 2:
//   header  { alg: PS256 | RS256, typ: "JWT", "x5t#S256", [x5t for RS256], [x5c] }
//   payload { aud: token endpoint, iss = sub = client id, jti, nbf = iat = now, exp = now + 600 }

import { nodeCrypto } from "../../core/nodeBuiltins.js";
import type { LoadedCertificate } from "../../core/certificates/certificate.js";

export type AssertionAlgorithm = "PS256" | "RS256";

export interface ClientAssertionOptions {
  clientId: string;
  /** The token endpoint URL, e.g. https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token. */
  audience: string;
  /** PS256 (default, what Entra recommends) or RS256 (for ADFS and older stacks). */
  algorithm?: AssertionAlgorithm;
  /** Adds `x5c` (the whole chain) so subject-name/issuer (SNI) registrations can validate it. */
  sendCertificateChain?: boolean;
  /** Seconds until `exp`; 600 like MSAL. Entra wants it to stay within about 10 minutes. */
  lifetimeSeconds?: number;
  /** Current time in milliseconds, for tests. */
  now?: number;
}

const DEFAULT_LIFETIME_SECONDS = 600;

export function createClientAssertion(cert: LoadedCertificate, options: ClientAssertionOptions): string {
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
  if (!Number.isFinite(now)) throw new RangeError(`now must be a finite number of milliseconds, but received ${now}.`);
  if (cert.privateKey.asymmetricKeyType !== "rsa") {
    throw new TypeError(
      `Client assertions need an RSA private key, but the certificate's key is ${cert.privateKey.asymmetricKeyType ?? "of an unknown type"}.`,
    );
  }

  const header: Record<string, unknown> = { alg: algorithm, typ: "JWT", "x5t#S256": cert.x5tS256 };
  // RS256 is what SHA-1-thumbprint consumers (ADFS, msal with thumbprint only) expect, and they
  // look the certificate up by `x5t`.
  if (algorithm === "RS256") header.x5t = cert.x5t;
  if (options.sendCertificateChain === true) header.x5c = cert.x5c;

  const issuedAt = Math.floor(now / 1000);
  const payload = {
    aud: audience,
    iss: clientId,
    sub: clientId,
    jti: nodeCrypto().randomUUID(),
    nbf: issuedAt,
    iat: issuedAt,
    exp: issuedAt + Math.floor(lifetime),
  };

  const signingInput = `${base64UrlEncode(JSON.stringify(header))}.${base64UrlEncode(JSON.stringify(payload))}`;
  const signature = nodeCrypto().sign("sha256", Buffer.from(signingInput, "ascii"), {
    key: cert.privateKey,
    // PS256 per RFC 7518 section 3.5: MGF1 with the same hash, salt as long as the digest.
    ...(algorithm === "PS256"
      ? { padding: nodeCrypto().constants.RSA_PKCS1_PSS_PADDING, saltLength: nodeCrypto().constants.RSA_PSS_SALTLEN_DIGEST }
      : { padding: nodeCrypto().constants.RSA_PKCS1_PADDING }),
  });
  return `${signingInput}.${base64UrlEncode(signature)}`;
}

/** base64url without padding (RFC 7515 section 2); strings are encoded as UTF-8. */
export function base64UrlEncode(data: Buffer | string): string {
  return (typeof data === "string" ? Buffer.from(data, "utf8") : data).toString("base64url");
}
