// Builds the signed JWT a certificate credential sends as `client_assertion`
// (client_assertion_type urn:ietf:params:oauth:client-assertion-type:jwt-bearer).
// Header and claims: assertionClaims.ts (shared with the web builds' clientAssertion.web.ts); this
// file signs them with node:crypto.

import { nodeCrypto } from "../../core/nodeBuiltins.js";
import type { LoadedCertificate } from "../../core/certificates/certificate.js";
import { assertionSigningInput, checkAssertionOptions, type ClientAssertionOptions } from "./assertionClaims.js";

export type { AssertionAlgorithm, ClientAssertionOptions } from "./assertionClaims.js";

export function createClientAssertion(cert: LoadedCertificate, options: ClientAssertionOptions): string {
  const checked = checkAssertionOptions(options);
  const { algorithm } = checked;
  if (cert.privateKey.asymmetricKeyType !== "rsa") {
    throw new TypeError(
      `Client assertions need an RSA private key, but the certificate's key is ${cert.privateKey.asymmetricKeyType ?? "of an unknown type"}.`,
    );
  }
  const signingInput = assertionSigningInput(checked, cert, cert.x5t, nodeCrypto().randomUUID());
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
