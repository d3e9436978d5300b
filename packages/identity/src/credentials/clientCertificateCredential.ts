// An app registration authenticating with a certificate: PEM (path or string, key optionally
// encrypted) or PKCS#12/PFX (path or bytes). The certificate is loaded at construction, so a wrong
// path or password fails at once with a CertificateLoadError instead of at the first getToken().
import type { TokenProvider } from "../core/cache/tokenProvider.js";
import { loadCertificate, type LoadedCertificate } from "../core/certificates/certificate.js";
import { createClientAssertion, type AssertionAlgorithm } from "../sources/entra/clientAssertion.js";
import { createConfidentialClientProvider, requireString } from "../providers/confidentialClient.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { AuthorityValidationOptions, CredentialPersistenceOptions, MultiTenantTokenCredentialOptions } from "../core/options.js";
import { closeParts } from "../core/closable.js";
import type { RegionalAuthorityOptions } from "../sources/entra/regionalAuthority.js";
import { assertionAuthentication } from "../sources/entra/clientAuthentication.js";

/** A certificate given by file path (see {@link ClientCertificateCredential}). */
export interface ClientCertificatePEMCertificatePath {
  /** Path to a PEM file (certificate + private key) or a PKCS#12 (.pfx/.p12) file. */
  certificatePath: string;
  /** The password of an encrypted private key or PKCS#12 file. */
  certificatePassword?: string;
}

/** A certificate given as PEM text or PKCS#12 bytes (see {@link ClientCertificateCredential}). */
export interface ClientCertificatePEMCertificate {
  /** PEM text (certificate + private key), or PKCS#12 bytes. */
  certificate: string | Uint8Array;
  /** The password of an encrypted private key or PKCS#12 data. */
  certificatePassword?: string;
}

/** The certificate argument of {@link ClientCertificateCredential}: contents or a path. */
export type ClientCertificateCredentialPEMConfiguration = ClientCertificatePEMCertificate | ClientCertificatePEMCertificatePath;

/** Options of {@link ClientCertificateCredential}. */
export interface ClientCertificateCredentialOptions
  extends MultiTenantTokenCredentialOptions, CredentialPersistenceOptions, AuthorityValidationOptions, RegionalAuthorityOptions {
  /** Send the certificate chain (`x5c`) for subject name/issuer authentication. */
  sendCertificateChain?: boolean;
  /** Assertion signature algorithm; PS256 (the default, like @azure/identity) or RS256. */
  assertionAlgorithm?: AssertionAlgorithm;
}

/**
 * An app registration signing in with a certificate: a client assertion (a JWT signed with the
 * certificate's private key, PS256 by default) in the client credentials grant. Accepts PEM
 * (certificate and private key, optionally encrypted) and PKCS#12 (.pfx/.p12), by path or contents;
 * the file is read and checked once, in the constructor.
 *
 * Throws {@link CertificateLoadError} when the certificate can't be used (docs/troubleshooting.md#clientcertificatecredential);
 * `getToken` rejects with {@link AuthenticationError} when Entra refuses it (AADSTS700027, AADSTS50012).
 *
 * @example
 * ```ts
 * import { ClientCertificateCredential } from "@azid/identity";
 * const credential = new ClientCertificateCredential(tenantId, clientId, "/etc/secrets/app.pem");
 * // or: new ClientCertificateCredential(tenantId, clientId, { certificate: pemText, certificatePassword });
 * const { token } = await credential.getToken("https://vault.azure.net/.default");
 * ```
 */
export class ClientCertificateCredential implements TokenCredential {
  readonly #provider: TokenProvider;

  constructor(tenantId: string, clientId: string, certificatePath: string, options?: ClientCertificateCredentialOptions);
  constructor(tenantId: string, clientId: string, configuration: ClientCertificateCredentialPEMConfiguration, options?: ClientCertificateCredentialOptions);
  constructor(
    tenantId: string,
    clientId: string,
    certificate: string | ClientCertificateCredentialPEMConfiguration,
    options?: ClientCertificateCredentialOptions,
  ) {
    const name = "ClientCertificateCredential";
    requireString(tenantId, name, "tenantId");
    requireString(clientId, name, "clientId");
    const loaded = loadFromConfiguration(certificate, name);
    const algorithm = options?.assertionAlgorithm ?? "PS256";
    if (algorithm !== "PS256" && algorithm !== "RS256")
      throw new RangeError(`${name}: assertionAlgorithm must be "PS256" or "RS256" (received ${String(algorithm)}).`);
    const sendCertificateChain = options?.sendCertificateChain === true;
    this.#provider = createConfidentialClientProvider({
      credentialName: name,
      tenantId,
      clientId,
      authentication: assertionAuthentication(async (tokenEndpoint) =>
        createClientAssertion(loaded, { clientId, audience: tokenEndpoint, algorithm, sendCertificateChain }),
      ),
      fingerprint: `${loaded.x5tS256}${sendCertificateChain ? "+x5c" : ""}`,
      options,
    });
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.#provider.getToken(scopes, options);
  }

  /** Stops this credential and releases what it holds (azid extension); getToken then rejects with CredentialClosedError. */
  close(): Promise<void> {
    return closeParts(this.#provider);
  }

  /** `await using credential = new ...` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function loadFromConfiguration(configuration: string | ClientCertificateCredentialPEMConfiguration, name: string): LoadedCertificate {
  if (typeof configuration === "string") return loadCertificate({ path: requireString(configuration, name, "certificatePath") });
  if (typeof configuration !== "object" || configuration === null) {
    throw new TypeError(`${name}: pass a certificate path, { certificatePath, certificatePassword? } or { certificate, certificatePassword? }.`);
  }
  const hasPath = "certificatePath" in configuration && configuration.certificatePath !== undefined;
  const hasCertificate = "certificate" in configuration && configuration.certificate !== undefined;
  if (hasPath === hasCertificate) {
    throw new TypeError(
      `${name}: ${hasPath ? "providing both the contents of a certificate and the path to a certificate is forbidden" : "provide either a PEM certificate in string form, PKCS#12 bytes, or the path to that certificate in the filesystem"}. To troubleshoot, visit https://aka.ms/azsdk/js/identity/serviceprincipalauthentication/troubleshoot.`,
    );
  }
  const password = configuration.certificatePassword;
  if (hasPath)
    return loadCertificate({ path: requireString((configuration as ClientCertificatePEMCertificatePath).certificatePath, name, "certificatePath") }, password);
  const value = (configuration as ClientCertificatePEMCertificate).certificate;
  return typeof value === "string" ? loadCertificate({ pem: value }, password) : loadCertificate({ bytes: value }, password);
}
