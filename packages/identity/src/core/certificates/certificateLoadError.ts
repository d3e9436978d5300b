// The error of a certificate that can't be used, shared by the Node loader (certificate.ts) and the
// Web Crypto one (certificate.web.ts).
/**
 * A certificate (file or bytes) can't be used: unreadable, wrong format, wrong password, no private
 * key, a key that does not match. Thrown by the constructor of {@link ClientCertificateCredential}
 * (and OnBehalfOfCredential with a certificate); the message names the problem and its fix, see
 * docs/troubleshooting.md#clientcertificatecredential.
 */
export class CertificateLoadError extends TypeError {
  /** `"CertificateLoadError"`. */
  override name = "CertificateLoadError";
}
