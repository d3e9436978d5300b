// The web builds' certificate loader (selected instead of certificate.ts by scripts/build.mjs): a PEM
// string with the certificate and an unencrypted RSA private key (PKCS#8 "PRIVATE KEY" or PKCS#1
// "RSA PRIVATE KEY"), checked synchronously at construction like the Node loader, then imported into
// Web Crypto on first use (importKey is async). Files, PKCS#12 bytes and encrypted keys need Node;
// the errors say how to convert them. Thumbprints use core/sha256.ts (sync), so cache partitions are
// known in the constructor.
import { base64ToBytes, base64UrlEncode, bytesToBase64, bytesToHex } from "../encoding.js";
import { sha256 } from "../sha256.js";
import { CertificateLoadError } from "./certificateLoadError.js";
import type { webcrypto } from "node:crypto"; // types only (erased)

export { CertificateLoadError };

export interface LoadedCertificate {
  /** PKCS#8 DER of the RSA private key. */
  privateKeyPkcs8: Uint8Array;
  /** Web Crypto keys by algorithm, imported on first use. */
  keys: Map<string, Promise<webcrypto.CryptoKey>>;
  privateKey: { asymmetricKeyType: "rsa" };
  /** DER certificates, leaf (the one matching the key) first. */
  certificateChain: Uint8Array[];
  thumbprintSha256: string;
  x5tS256: string;
  /** base64url(SHA-1(leaf DER)); SHA-1 is async in Web Crypto, so computed when an RS256 assertion needs it. */
  x5t: string | undefined;
  x5c: string[];
  notAfter: Date;
}

export type CertificateSource = { path: string } | { pem: string } | { bytes: Uint8Array };

export function loadCertificate(source: CertificateSource, password?: string): LoadedCertificate {
  if (typeof source !== "object" || source === null) throw new TypeError("loadCertificate expects { pem } in this runtime.");
  if ("path" in source) {
    throw new CertificateLoadError(
      "Certificate files can't be read in a browser or a fetch-only runtime (workerd): pass the PEM text instead, " +
        "new ClientCertificateCredential(tenantId, clientId, { certificate: pemString }), e.g. from a secret binding.",
    );
  }
  if (!("pem" in source) || typeof source.pem !== "string") {
    throw new CertificateLoadError(
      "PKCS#12 (PFX) bytes can't be loaded in a browser or a fetch-only runtime: convert the file to PEM " +
        "(`openssl pkcs12 -in cert.pfx -nodes -out cert.pem`) and pass { certificate: pemString }.",
    );
  }
  const label = "the PEM certificate";
  const certificates: Uint8Array[] = [];
  const keys: { type: string; der: Uint8Array }[] = [];
  for (const [, type, body = ""] of source.pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)) {
    if (type === "CERTIFICATE") certificates.push(decode(body, `certificate #${certificates.length + 1} in ${label}`));
    else if (type === "ENCRYPTED PRIVATE KEY" || /Proc-Type:\s*4,\s*ENCRYPTED/.test(body)) {
      throw new CertificateLoadError(
        `The private key in ${label} is encrypted${password === undefined ? "" : " (certificatePassword was given)"}; encrypted keys need the Node build. ` +
          "In a browser or fetch-only runtime pass an unencrypted PKCS#8 key (`openssl pkcs8 -topk8 -nocrypt -in key.pem`), kept in a secret binding.",
      );
    } else if (type === "PRIVATE KEY" || type === "RSA PRIVATE KEY") keys.push({ type, der: decode(body, `the private key in ${label}`) });
    else if (type === "EC PRIVATE KEY" || type === "DSA PRIVATE KEY") {
      throw new CertificateLoadError(`The private key in ${label} is not RSA; client assertions are signed with PS256 or RS256. Use an RSA certificate.`);
    }
  }
  if (keys.length !== 1) {
    throw new CertificateLoadError(
      keys.length === 0
        ? `The PEM certificate contains no private key. It must hold the certificate and its key (a PRIVATE KEY or RSA PRIVATE KEY block).`
        : `The PEM certificate contains ${keys.length} private keys; keep only the one the certificate was issued for.`,
    );
  }
  if (certificates.length === 0) throw new CertificateLoadError(`The PEM certificate contains a private key but no CERTIFICATE block; append the certificate.`);
  const key = keys[0]!;
  const pkcs8 = key.type === "RSA PRIVATE KEY" ? wrapPkcs1(key.der) : key.der;
  let modulus: string;
  try {
    modulus = rsaModulusOfPkcs8(pkcs8);
  } catch (error) {
    if (error instanceof CertificateLoadError) throw error;
    throw new CertificateLoadError(`The private key in ${label} could not be read; it is corrupt or in an unsupported format.`);
  }
  const parsed = certificates.map((der, i) => parseCertificate(der, `certificate #${i + 1} in ${label}`));
  const leafIndex = parsed.findIndex((cert) => cert.modulus === modulus);
  if (leafIndex < 0) {
    throw new CertificateLoadError(
      `None of the ${certificates.length} certificate(s) in ${label} matches its private key. Put the certificate issued for this key in the same PEM.`,
    );
  }
  const chain = [certificates[leafIndex]!, ...certificates.filter((_, i) => i !== leafIndex)];
  const digest = sha256(chain[0]!);
  return {
    privateKeyPkcs8: pkcs8,
    keys: new Map(),
    privateKey: { asymmetricKeyType: "rsa" },
    certificateChain: chain,
    thumbprintSha256: bytesToHex(digest).toUpperCase(),
    x5tS256: base64UrlEncode(digest),
    x5t: undefined,
    x5c: chain.map(bytesToBase64),
    notAfter: parsed[leafIndex]!.notAfter,
  };
}

function decode(body: string, what: string): Uint8Array {
  try {
    return base64ToBytes(body);
  } catch {
    throw new CertificateLoadError(`${what.charAt(0).toUpperCase()}${what.slice(1)} is not valid base64; the PEM is corrupt.`);
  }
}

// A minimal DER reader: enough to find the RSA modulus of a key and a certificate, and its expiry.
interface Element {
  tag: number;
  start: number; // first content byte
  end: number; // one past the last content byte
}

function element(der: Uint8Array, offset: number, limit: number = der.length): Element {
  if (offset + 2 > limit) throw new RangeError("truncated DER");
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || start + count > limit) throw new RangeError("bad DER length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start + i]!;
    start += count;
  }
  if (start + length > limit) throw new RangeError("truncated DER");
  return { tag, start, end: start + length };
}

function children(der: Uint8Array, parent: Element): Element[] {
  const out: Element[] = [];
  for (let offset = parent.start; offset < parent.end;) {
    const child = element(der, offset, parent.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

function integerHex(der: Uint8Array, el: Element | undefined): string {
  if (el === undefined || el.tag !== 0x02) throw new RangeError("expected an INTEGER");
  let start = el.start;
  while (start < el.end - 1 && der[start] === 0) start++;
  return bytesToHex(der.subarray(start, el.end));
}

const RSA_ENCRYPTION_OID = "06092a864886f70d010101";

function rsaModulusOfPkcs8(pkcs8: Uint8Array): string {
  // PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier, OCTET STRING (RSAPrivateKey) }
  const info = children(pkcs8, element(pkcs8, 0));
  const algorithm = children(pkcs8, info[1]!)[0]!;
  if (bytesToHex(pkcs8.subarray(algorithm.start - 2, algorithm.end)) !== RSA_ENCRYPTION_OID) {
    throw new CertificateLoadError(
      `The private key in the PEM certificate is not RSA; client assertions are signed with PS256 or RS256. Use an RSA certificate.`,
    );
  }
  const octets = info[2]!;
  // RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, ... }
  return integerHex(pkcs8, children(pkcs8, element(pkcs8, octets.start, octets.end))[1]);
}

function parseCertificate(der: Uint8Array, what: string): { modulus: string | undefined; notAfter: Date } {
  try {
    // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version?, serial, signature, issuer, validity, subject, spki, ... }, ... }
    const tbs = children(der, children(der, element(der, 0))[0]!);
    const offset = tbs[0]!.tag === 0xa0 ? 1 : 0;
    const validity = children(der, tbs[offset + 3]!);
    const notAfter = readTime(der, validity[1]!);
    const [algorithm, bitString] = children(der, tbs[offset + 5]!);
    const oid = children(der, algorithm!)[0]!;
    if (bytesToHex(der.subarray(oid.start - 2, oid.end)) !== RSA_ENCRYPTION_OID) return { modulus: undefined, notAfter };
    // BIT STRING: one byte of unused bits, then RSAPublicKey ::= SEQUENCE { modulus, publicExponent }
    const publicKey = element(der, bitString!.start + 1, bitString!.end);
    return { modulus: integerHex(der, children(der, publicKey)[0]), notAfter };
  } catch {
    throw new CertificateLoadError(`${what.charAt(0).toUpperCase()}${what.slice(1)} is not a valid X.509 certificate; the PEM is corrupt or truncated.`);
  }
}

function readTime(der: Uint8Array, el: Element): Date {
  const text = String.fromCharCode(...der.subarray(el.start, el.end));
  const match = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (match === null) throw new RangeError("bad time");
  let year = Number(match[1]);
  if (el.tag === 0x17) year += year < 50 ? 2000 : 1900; // UTCTime
  return new Date(Date.UTC(year, Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6])));
}

function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** PKCS#1 RSAPrivateKey → PKCS#8 PrivateKeyInfo, the only private key format Web Crypto imports. */
function wrapPkcs1(pkcs1: Uint8Array): Uint8Array {
  const prefix = [0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x04, ...derLength(pkcs1.length)];
  const body = prefix.length + pkcs1.length;
  const out = new Uint8Array([0x30, ...derLength(body), ...prefix, ...new Uint8Array(pkcs1.length)]);
  out.set(pkcs1, out.length - pkcs1.length);
  return out;
}
