// An app registration authenticating with a certificate: PEM (path or string, key optionally
// encrypted) or PKCS#12/PFX (path or bytes). The certificate is loaded at construction, so a wrong
// path or password fails at once with a CertificateLoadError instead of at the first getToken().
import type { TokenProvider } from "../core/cache/tokenProvider.js";
import { loadCertificate, type LoadedCertificate } from "../core/certificates/certificate.js";
import { createClientAssertion, type AssertionAlgorithm } from "../sources/entra/clientAssertion.js";
import { createConfidentialClientProvider, requireString } from "../providers/confidentialClient.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { AuthorityValidationOptions, CredentialPersistenceOptions, MultiTenantTokenCredentialOptions } from "../core/options.js";

export interface ClientCertificatePEMCertificatePath {
  /** Path to a PEM file (certificate + private key) or a PKCS#12 (.pfx/.p12) file. */
  certificatePath: string;
  certificatePassword?: string;
}

export interface ClientCertificatePEMCertificate {
  /** PEM text (certificate + private key), or PKCS#12 bytes. */
  certificate: string | Uint8Array;
  certificatePassword?: string;
}

export type ClientCertificateCredentialPEMConfiguration = ClientCertificatePEMCertificate | ClientCertificatePEMCertificatePath;

export interface ClientCertificateCredentialOptions extends MultiTenantTokenCredentialOptions, CredentialPersistenceOptions, AuthorityValidationOptions {
  /** Send the certificate chain (`x5c`) for subject name/issuer authentication. */
  sendCertificateChain?: boolean;
  /** Assertion signature algorithm; PS256 (the default, like @azure/identity) or RS256. */
  assertionAlgorithm?: AssertionAlgorithm;
}

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
      authentication: {
        kind: "assertion",
        getAssertion: async (tokenEndpoint) => createClientAssertion(loaded, { clientId, audience: tokenEndpoint, algorithm, sendCertificateChain }),
      },
      fingerprint: `${loaded.x5tS256}${sendCertificateChain ? "+x5c" : ""}`,
      options,
    });
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.#provider.getToken(scopes, options);
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
