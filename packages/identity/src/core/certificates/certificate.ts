// Loads the certificate and private key a certificate credential signs its client assertions with,
// from a PEM file (as @azure/identity accepts) or a PKCS#12/PFX file (as Windows, Key Vault and
// `openssl pkcs12` export). Everything a caller needs afterwards is computed once here: the chain
// with the leaf first, the thumbprints Entra matches on, and the expiry.
//
// Errors say what was wrong with the file and how to fix it. They never include the password, the
// key, or OpenSSL's own messages (which can't help and might echo input).

import type { KeyObject, X509Certificate } from "node:crypto";
import { nodeCrypto } from "../nodeBuiltins.js";
import { FileReadError, readRegularFileSync } from "../regularFile.js";
import { Asn1Error, parseDer, readSequence, readTime } from "./asn1.js";
import { parsePkcs12, Pkcs12Error, type Pkcs12Contents } from "./pkcs12.js";
import { CertificateLoadError } from "./certificateLoadError.js";

export { CertificateLoadError };

export interface LoadedCertificate {
  privateKey: KeyObject;
  /** DER certificates, leaf (the one matching `privateKey`) first, then the rest in file order. */
  certificateChain: Buffer[];
  /** SHA-1 of the leaf DER, uppercase hex: what the Azure portal shows as the thumbprint. */
  thumbprintSha1: string;
  /** SHA-256 of the leaf DER, uppercase hex. */
  thumbprintSha256: string;
  /** base64url(SHA-256(leaf DER)), the `x5t#S256` JWT header. */
  x5tS256: string;
  /** base64url(SHA-1(leaf DER)), the `x5t` JWT header. */
  x5t: string;
  /** The chain as base64 DER, the `x5c` JWT header. */
  x5c: string[];
  /** When the leaf expires. Expired certificates still load: Entra ID makes the call. */
  notAfter: Date;
}

export type CertificateSource = { path: string } | { pem: string } | { bytes: Uint8Array };

// Certificate files are a few KiB; a chain with every intermediate stays well under a megabyte.
const MAX_FILE_BYTES = 10 * 1024 * 1024;

export function loadCertificate(source: CertificateSource, password?: string): LoadedCertificate {
  if (password !== undefined && typeof password !== "string") {
    throw new TypeError(`The certificate password must be a string, but received ${typeof password}.`);
  }
  const { label, content } = readSource(source);
  const { privateKey, certificates } = typeof content === "string" ? readPem(content, label, password) : readPkcs12(content, label, password);

  if (privateKey.asymmetricKeyType !== "rsa") {
    throw new CertificateLoadError(
      `The private key in ${label} is ${describeKeyType(privateKey.asymmetricKeyType)}, but only RSA keys are supported: ` +
        "client assertions are signed with PS256 or RS256. Create an RSA certificate, e.g. `openssl req -x509 -newkey rsa:2048 ...`.",
    );
  }
  const leafIndex = certificates.findIndex((cert) => matchesKey(cert, privateKey));
  if (leafIndex < 0) {
    throw new CertificateLoadError(
      `None of the ${certificates.length} certificate(s) in ${label} matches its private key. ` +
        "Put the certificate issued for this key (the one registered on the app) in the same file.",
    );
  }
  const ordered = [certificates[leafIndex] as X509Certificate, ...certificates.filter((_, i) => i !== leafIndex)];
  const certificateChain = ordered.map((cert) => Buffer.from(cert.raw));
  const leaf = certificateChain[0] as Buffer;
  const sha1 = nodeCrypto().createHash("sha1").update(leaf).digest();
  const sha256 = nodeCrypto().createHash("sha256").update(leaf).digest();
  return {
    privateKey,
    certificateChain,
    thumbprintSha1: sha1.toString("hex").toUpperCase(),
    thumbprintSha256: sha256.toString("hex").toUpperCase(),
    x5tS256: sha256.toString("base64url"),
    x5t: sha1.toString("base64url"),
    x5c: certificateChain.map((der) => der.toString("base64")),
    notAfter: readNotAfter(ordered[0] as X509Certificate),
  };
}

function readSource(source: CertificateSource): { label: string; content: string | Buffer } {
  if (typeof source !== "object" || source === null) {
    throw new TypeError(`loadCertificate expects { path }, { pem } or { bytes }, but received ${source === null ? "null" : typeof source}.`);
  }
  if ("path" in source) {
    if (typeof source.path !== "string" || source.path === "") throw new TypeError("The certificate path must be a non-empty string.");
    const bytes = readCertificateFile(source.path);
    return { label: `the certificate file "${source.path}"`, content: looksLikePem(bytes) ? bytes.toString("utf8") : bytes };
  }
  if ("pem" in source) {
    if (typeof source.pem !== "string") throw new TypeError(`The certificate PEM must be a string, but received ${typeof source.pem}.`);
    return { label: "the PEM certificate", content: source.pem };
  }
  if ("bytes" in source && source.bytes instanceof Uint8Array) {
    const bytes = Buffer.from(source.bytes.buffer, source.bytes.byteOffset, source.bytes.byteLength);
    return { label: "the certificate data", content: looksLikePem(bytes) ? bytes.toString("utf8") : bytes };
  }
  throw new TypeError("loadCertificate expects { path: string }, { pem: string } or { bytes: Uint8Array }.");
}

function looksLikePem(bytes: Buffer): boolean {
  return bytes.includes("-----BEGIN");
}

function readCertificateFile(path: string): Buffer {
  try {
    // Opened without blocking and checked on the descriptor: a FIFO at the path can't hang the constructor.
    const bytes = readRegularFileSync(path, MAX_FILE_BYTES);
    if (bytes.length === 0) throw new CertificateLoadError(`The certificate file "${path}" is empty.`);
    return bytes;
  } catch (error) {
    if (error instanceof CertificateLoadError) throw error;
    if (error instanceof FileReadError) {
      throw new CertificateLoadError(
        error.code === "EFBIG"
          ? `"${path}" is too large to be a certificate file (${error.message}).`
          : `"${path}" can't be used: ${error.message}; set the certificate path to a PEM or PFX file.`,
      );
    }
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? `There is no file at "${path}"; check the certificate path (relative paths resolve from ${process.cwd()}).`
        : code === "EACCES" || code === "EPERM"
          ? `Permission denied reading the certificate file "${path}"; make it readable by this process.`
          : code === "EISDIR"
            ? `"${path}" is a directory; set the certificate path to a PEM or PFX file.`
            : `Could not read the certificate file "${path}" (${code ?? "unknown error"}).`;
    throw new CertificateLoadError(reason, { cause: error });
  }
}

interface KeyAndCertificates {
  privateKey: KeyObject;
  certificates: X509Certificate[];
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const KEY_LABELS = new Set(["PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY"]);

function readPem(text: string, label: string, password: string | undefined): KeyAndCertificates {
  const certificates: X509Certificate[] = [];
  const keys: { block: string; encrypted: boolean }[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const [block, type, body = ""] = match;
    if (type === "CERTIFICATE") {
      certificates.push(parseCertificate(Buffer.from(body.replace(/\s+/g, ""), "base64"), `certificate #${certificates.length + 1} in ${label}`));
    } else if (type !== undefined && KEY_LABELS.has(type)) {
      keys.push({ block, encrypted: type === "ENCRYPTED PRIVATE KEY" || /Proc-Type:\s*4,\s*ENCRYPTED/.test(body) });
    } else if (type === "OPENSSH PRIVATE KEY") {
      throw new CertificateLoadError(
        `${capitalize(label)} holds an OpenSSH key, which can't be used here; convert it to PKCS#8 with \`ssh-keygen -p -m PKCS8 -f <file>\`.`,
      );
    }
  }
  if (keys.length === 0) {
    throw new CertificateLoadError(
      `${capitalize(label)} contains no private key. The PEM must hold the certificate and its private key ` +
        "(a PRIVATE KEY, RSA PRIVATE KEY or ENCRYPTED PRIVATE KEY block); append the key, e.g. `cat cert.pem key.pem > combined.pem`.",
    );
  }
  if (keys.length > 1)
    throw new CertificateLoadError(`${capitalize(label)} contains ${keys.length} private keys; keep only the one the certificate was issued for.`);
  if (certificates.length === 0) {
    throw new CertificateLoadError(`${capitalize(label)} contains a private key but no CERTIFICATE block; append the certificate issued for this key.`);
  }
  const key = keys[0] as { block: string; encrypted: boolean };
  if (key.encrypted && (password === undefined || password === "")) {
    throw new CertificateLoadError(`The private key in ${label} is encrypted; pass its password (certificatePassword).`);
  }
  try {
    return { privateKey: nodeCrypto().createPrivateKey({ key: key.block, format: "pem", passphrase: key.encrypted ? password : undefined }), certificates };
  } catch {
    if (key.encrypted) throw new CertificateLoadError(`The password for the private key in ${label} is wrong (or the key is corrupt).`);
    throw new CertificateLoadError(`The private key in ${label} could not be read; it is corrupt or in an unsupported format.`);
  }
}

function readPkcs12(bytes: Buffer, label: string, password: string | undefined): KeyAndCertificates {
  if (bytes[0] !== 0x30) {
    throw new CertificateLoadError(`${capitalize(label)} is neither PEM nor a PKCS#12 (PFX) file; provide a PEM file with the certificate and key, or a PFX.`);
  }
  let contents: Pkcs12Contents;
  try {
    contents = parsePkcs12(bytes, password ?? "");
  } catch (error) {
    if (!(error instanceof Pkcs12Error)) throw error;
    throw new CertificateLoadError(pkcs12Advice(error, bytes, label, password));
  }
  return {
    privateKey: contents.privateKey,
    certificates: contents.certificates.map((der, i) => parseCertificate(der, `certificate #${i + 1} in ${label}`)),
  };
}

function pkcs12Advice(error: Pkcs12Error, bytes: Buffer, label: string, password: string | undefined): string {
  switch (error.reason) {
    case "wrong-password":
      return password === undefined || password === ""
        ? `${capitalize(label)} is password-protected; pass its password (certificatePassword).`
        : `The password for ${label} is wrong.`;
    case "missing-key":
      return `${capitalize(label)} contains no private key; export the PFX including the private key.`;
    case "missing-certificate":
      return `${capitalize(label)} contains a private key but no certificate; export the PFX with its certificate.`;
    case "unsupported":
    case "too-much-work":
      return `${capitalize(label)} can't be loaded: ${error.message}.`;
    case "malformed":
      if (isBareCertificate(bytes)) {
        return `${capitalize(label)} is a certificate alone (DER, .cer); provide a PEM or PFX file that also holds the private key.`;
      }
      return `${capitalize(label)} is not a valid PKCS#12 (PFX) file: ${error.message}.`;
  }
}

function isBareCertificate(bytes: Buffer): boolean {
  try {
    new (nodeCrypto().X509Certificate)(bytes);
    return true;
  } catch {
    return false;
  }
}

function parseCertificate(der: Buffer, what: string): X509Certificate {
  try {
    return new (nodeCrypto().X509Certificate)(der);
  } catch {
    throw new CertificateLoadError(`${capitalize(what)} is not a valid X.509 certificate; the file is corrupt or truncated.`);
  }
}

function matchesKey(cert: X509Certificate, privateKey: KeyObject): boolean {
  try {
    return cert.checkPrivateKey(privateKey);
  } catch {
    return false; // e.g. an EC certificate next to an RSA key
  }
}

function readNotAfter(cert: X509Certificate): Date {
  try {
    // Certificate ::= SEQUENCE { tbsCertificate, ... }; validity is the fifth (or, without the
    // optional [0] version, fourth) field of tbsCertificate.
    const tbs = readSequence(readSequence(parseDer(cert.raw), "Certificate")[0], "TBSCertificate");
    const offset = tbs[0]?.tagClass === "context" ? 1 : 0;
    return readTime(readSequence(tbs[offset + 3], "Validity")[1], "notAfter");
  } catch (error) {
    if (!(error instanceof Asn1Error)) throw error;
    return new Date(cert.validTo);
  }
}

function describeKeyType(type: string | undefined): string {
  if (type === "ec") return "an EC key";
  if (type === "rsa-pss") return "an RSA-PSS-restricted key";
  return type === undefined ? "of an unknown type" : `a ${type} key`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
