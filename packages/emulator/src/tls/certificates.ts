// X.509 v3 certificates for the emulator's own CA and the server certificates it issues
// (RFC 5280), signed with sha256WithRSAEncryption by node:crypto.
import { createHash, generateKeyPair, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from "node:crypto";
import { isIP } from "node:net";
import { promisify } from "node:util";
import * as der from "./der.js";

const generateKeyPairAsync = promisify(generateKeyPair);

const OID = {
  sha256WithRsa: "1.2.840.113549.1.1.11",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
} as const;

const KEY_USAGE = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface IssuedCertificate extends KeyPair {
  certPem: string;
  keyPem: string;
}

/** The CA as the emulator holds it: enough to sign new certificates. */
export interface CertificateAuthority {
  certPem: string;
  privateKey: KeyObject;
  /** the DER-encoded subject Name, reused verbatim as the issuer of what it signs */
  subjectName: Buffer;
  publicKey: KeyObject;
}

export async function generateRsaKeyPair(): Promise<KeyPair> {
  return generateKeyPairAsync("rsa", { modulusLength: 2048 });
}

export async function createCertificateAuthority(): Promise<CertificateAuthority & { keyPem: string }> {
  const keys = await generateRsaKeyPair();
  // A random suffix keeps two CAs (two machines, or a deleted dataDir) distinguishable by name.
  const name = distinguishedName(`azid emulator CA ${randomBytes(4).toString("hex")}`);
  const certDer = buildCertificate({
    subject: name,
    subjectKey: keys.publicKey,
    issuer: { name, privateKey: keys.privateKey, publicKey: keys.publicKey },
    lifetimeDays: 3650,
    extensions: [
      extension(OID.basicConstraints, true, der.sequence(der.boolean(true))),
      extension(OID.keyUsage, true, der.namedBits([KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign])),
    ],
  });
  return {
    certPem: toPem("CERTIFICATE", certDer),
    keyPem: exportKeyPem(keys.privateKey),
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
    subjectName: name,
  };
}

/** Rebuilds the signing view of a CA read back from disk; throws if the pair does not belong together. */
export function certificateAuthorityFromPem(certPem: string, privateKey: KeyObject): CertificateAuthority {
  const cert = new X509Certificate(certPem);
  if (!cert.ca) throw new Error("the certificate is not a CA certificate (basicConstraints CA:TRUE missing)");
  if (!cert.checkPrivateKey(privateKey)) throw new Error("the private key does not match the CA certificate");
  if (Date.parse(cert.validTo) < Date.now()) throw new Error(`the CA certificate expired on ${cert.validTo}`);
  return { certPem, privateKey, publicKey: cert.publicKey, subjectName: subjectNameOf(cert.raw) };
}

/**
 * A TLS server certificate for the given DNS names and IP addresses, signed by the CA. The key is
 * ECDSA P-256: generated in about a millisecond where RSA takes up to a second, and every TLS
 * client (Node, Azurite's clients, curl, browsers) accepts it.
 */
export function issueServerCertificate(ca: CertificateAuthority, hosts: string[]): IssuedCertificate {
  const keys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  if (hosts.length === 0) throw new TypeError("A server certificate needs at least one host name or IP address");
  const certDer = buildCertificate({
    subject: distinguishedName(hosts[0]!),
    subjectKey: keys.publicKey,
    issuer: { name: ca.subjectName, privateKey: ca.privateKey, publicKey: ca.publicKey },
    lifetimeDays: 397, // the longest lifetime browsers and TLS stacks accept for server certificates
    extensions: [
      extension(OID.basicConstraints, true, der.sequence()),
      // keyEncipherment is meaningless for an EC key; digitalSignature is what ECDHE suites need.
      extension(OID.keyUsage, true, der.namedBits([KEY_USAGE.digitalSignature])),
      extension(OID.extKeyUsage, false, der.sequence(der.oid(OID.serverAuth))),
      extension(OID.subjectAltName, false, der.sequence(...hosts.map(generalName))),
    ],
  });
  return { ...keys, certPem: toPem("CERTIFICATE", certDer), keyPem: exportKeyPem(keys.privateKey) };
}

/** A self-signed leaf certificate, the kind users register on an app for certificate credentials. */
export async function createSelfSignedCertificate(commonName: string, lifetimeDays = 365): Promise<IssuedCertificate> {
  const keys = await generateRsaKeyPair();
  const name = distinguishedName(commonName);
  const certDer = buildCertificate({
    subject: name,
    subjectKey: keys.publicKey,
    issuer: { name, privateKey: keys.privateKey, publicKey: keys.publicKey },
    lifetimeDays,
    extensions: [
      extension(OID.keyUsage, true, der.namedBits([KEY_USAGE.digitalSignature])),
      extension(OID.extKeyUsage, false, der.sequence(der.oid(OID.clientAuth))),
    ],
  });
  return { ...keys, certPem: toPem("CERTIFICATE", certDer), keyPem: exportKeyPem(keys.privateKey) };
}

/**
 * A self-signed ECDSA P-256 TLS server certificate for `hosts`, issued by no CA: what a Service
 * Fabric node's token service presents, which clients accept only by pinning its thumbprint.
 */
export function createSelfSignedServerCertificate(hosts: string[], lifetimeDays = 30): IssuedCertificate {
  if (hosts.length === 0) throw new TypeError("A server certificate needs at least one host name or IP address");
  const keys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const name = distinguishedName(hosts[0]!);
  const certDer = buildCertificate({
    subject: name,
    subjectKey: keys.publicKey,
    issuer: { name, privateKey: keys.privateKey, publicKey: keys.publicKey },
    lifetimeDays,
    extensions: [
      extension(OID.keyUsage, true, der.namedBits([KEY_USAGE.digitalSignature])),
      extension(OID.extKeyUsage, false, der.sequence(der.oid(OID.serverAuth))),
      extension(OID.subjectAltName, false, der.sequence(...hosts.map(generalName))),
    ],
  });
  return { ...keys, certPem: toPem("CERTIFICATE", certDer), keyPem: exportKeyPem(keys.privateKey) };
}

interface CertificateTemplate {
  subject: Buffer;
  subjectKey: KeyObject;
  issuer: { name: Buffer; privateKey: KeyObject; publicKey: KeyObject };
  lifetimeDays: number;
  extensions: Buffer[];
}

function buildCertificate(template: CertificateTemplate): Buffer {
  // RFC 5758 3.2: ECDSA algorithm identifiers carry no parameters; RSA ones carry NULL.
  const signatureAlgorithm =
    template.issuer.privateKey.asymmetricKeyType === "ec"
      ? der.sequence(der.oid(OID.ecdsaWithSha256))
      : der.sequence(der.oid(OID.sha256WithRsa), der.nullValue());
  // Backdate an hour so a client whose clock runs a little behind still accepts the certificate.
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = new Date(notBefore.getTime() + template.lifetimeDays * DAY_MS);
  const extensions = [
    ...template.extensions,
    extension(OID.subjectKeyIdentifier, false, der.octetString(keyIdentifier(template.subjectKey))),
    extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicit(0, keyIdentifier(template.issuer.publicKey)))),
  ];
  const tbs = der.sequence(
    der.explicit(0, der.integer(2)), // v3
    der.integer(serialNumber()),
    signatureAlgorithm,
    template.issuer.name,
    der.sequence(der.time(notBefore), der.time(notAfter)),
    template.subject,
    template.subjectKey.export({ type: "spki", format: "der" }),
    der.explicit(3, der.sequence(...extensions)),
  );
  const signature = sign("sha256", tbs, template.issuer.privateKey);
  return der.sequence(tbs, signatureAlgorithm, der.bitString(signature));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

function distinguishedName(commonName: string): Buffer {
  const attribute = (id: string, value: string) => der.set(der.sequence(der.oid(id), der.utf8String(value)));
  return der.sequence(attribute(OID.organization, "azid"), attribute(OID.commonName, commonName));
}

function generalName(host: string): Buffer {
  const version = isIP(host);
  if (version === 4) return der.implicit(7, Buffer.from(host.split(".").map((part) => Number(part))));
  if (version === 6) return der.implicit(7, ipv6Bytes(host));
  if (!/^[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host)) throw new TypeError(`Not a host name or IP address: "${host}"`);
  return der.implicit(2, Buffer.from(host, "ascii"));
}

function ipv6Bytes(address: string): Buffer {
  const [head = "", tail] = address.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  if (left.concat(right).some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) {
    throw new TypeError(`Unsupported IPv6 address form: "${address}"`);
  }
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  const bytes = Buffer.alloc(16);
  all.forEach((group, index) => bytes.writeUInt16BE(parseInt(group, 16), index * 2));
  return bytes;
}

/** RFC 5280 4.2.1.2 method (1)-like: SHA-1 over the encoded public key. */
function keyIdentifier(publicKey: KeyObject): Buffer {
  return createHash("sha1")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest();
}

function serialNumber(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive and never zero-led
  return serial;
}

/** The subject Name of a DER certificate: the sixth field of its TBSCertificate. */
function subjectNameOf(certDer: Buffer): Buffer {
  const tbs = der.readChildren(der.readElement(certDer))[0];
  const fields = tbs === undefined ? [] : der.readChildren(tbs);
  const hasVersion = fields[0]?.tag === 0xa0;
  const subject = fields[hasVersion ? 5 : 4];
  if (subject === undefined) throw new Error("Malformed certificate: no subject");
  return subject.raw;
}

export function toPem(label: string, body: Buffer): string {
  const lines = body.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

function exportKeyPem(privateKey: KeyObject): string {
  return privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}
