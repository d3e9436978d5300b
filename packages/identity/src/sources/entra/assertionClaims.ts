// The header and claims of a client assertion, shared by the Node signer (clientAssertion.ts,
// node:crypto) and the web builds' (clientAssertion.web.ts, Web Crypto): they differ only in signing.
// Shape follows what @azure/identity + msal-node emit, see reference/protocols.md section 2:
//   header  { alg: PS256 | RS256, typ: "JWT", "x5t#S256", [x5t for RS256], [x5c] }
//   payload { aud: token endpoint, iss = sub = client id, jti, nbf = iat = now, exp = now + 600 }
import { base64UrlEncode } from "../../core/encoding.js";

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

/** The options checked, with defaults: throws a TypeError/RangeError naming the bad one. */
export function checkAssertionOptions(options: ClientAssertionOptions): Required<Omit<ClientAssertionOptions, "sendCertificateChain">> & {
  sendCertificateChain: boolean;
} {
  const { clientId, audience } = options;
  const algorithm = options.algorithm ?? "PS256";
  const lifetimeSeconds = options.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS;
  const now = options.now ?? Date.now();
  if (typeof clientId !== "string" || clientId === "") throw new TypeError(`clientId must be a non-empty string, but received ${JSON.stringify(clientId)}.`);
  if (typeof audience !== "string" || !/^https?:\/\//i.test(audience)) {
    throw new TypeError(`audience must be the token endpoint URL, but received ${JSON.stringify(audience)}.`);
  }
  if (algorithm !== "PS256" && algorithm !== "RS256") throw new TypeError(`algorithm must be "PS256" or "RS256", but received ${JSON.stringify(algorithm)}.`);
  if (!Number.isFinite(lifetimeSeconds) || lifetimeSeconds <= 0) {
    throw new RangeError(`lifetimeSeconds must be a positive number, but received ${lifetimeSeconds}.`);
  }
  if (!Number.isFinite(now)) throw new RangeError(`now must be a finite number of milliseconds, but received ${now}.`);
  return { clientId, audience, algorithm, lifetimeSeconds, now, sendCertificateChain: options.sendCertificateChain === true };
}

/**
 * `base64url(header).base64url(payload)`, the part the signature covers. `x5t` (the SHA-1 thumbprint)
 * is sent with RS256 only, where SHA-1-thumbprint consumers (ADFS, msal with thumbprint only) look
 * the certificate up by it.
 */
export function assertionSigningInput(
  options: ReturnType<typeof checkAssertionOptions>,
  cert: { x5tS256: string; x5c: string[] },
  x5t: string | undefined,
  jti: string,
): string {
  const header: Record<string, unknown> = { alg: options.algorithm, typ: "JWT", "x5t#S256": cert.x5tS256 };
  if (options.algorithm === "RS256") header.x5t = x5t;
  if (options.sendCertificateChain) header.x5c = cert.x5c;
  const issuedAt = Math.floor(options.now / 1000);
  const payload = {
    aud: options.audience,
    iss: options.clientId,
    sub: options.clientId,
    jti,
    nbf: issuedAt,
    iat: issuedAt,
    exp: issuedAt + Math.floor(options.lifetimeSeconds),
  };
  return `${base64UrlEncode(JSON.stringify(header))}.${base64UrlEncode(JSON.stringify(payload))}`;
}
