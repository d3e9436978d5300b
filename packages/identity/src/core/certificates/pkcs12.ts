// Reads a PKCS#12 (PFX) file into a private key and its certificates (RFC 7292). Only the
// password-integrity, password-privacy mode is supported: that is what OpenSSL, Windows, macOS,
// Java and Azure Key Vault export. The integrity MAC is checked before anything is decrypted so that
// a wrong password is reported as exactly that.

import type { KeyObject } from "node:crypto";
import { nodeCrypto } from "../nodeBuiltins.js";
import {
  type Asn1Node,
  Asn1Error,
  encodeBmpPassword,
  isContext,
  parseDer,
  readExplicit,
  readImplicitOctets,
  readOctetString,
  readOid,
  readSequence,
  readSmallInteger,
} from "./asn1.js";
import { Pkcs12Error, type Pkcs12Password, pbeDecrypt, verifyMac, WorkBudget } from "./pkcs12Crypto.js";

export { Pkcs12Error } from "./pkcs12Crypto.js";

export interface Pkcs12Contents {
  privateKey: KeyObject;
  /** DER certificates; the one whose public key matches `privateKey` first, then file order. */
  certificates: Buffer[];
}

const OID = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  envelopedData: "1.2.840.113549.1.7.3",
  encryptedData: "1.2.840.113549.1.7.6",
  keyBag: "1.2.840.113549.1.12.10.1.1",
  shroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
  safeContentsBag: "1.2.840.113549.1.12.10.1.6",
  x509Certificate: "1.2.840.113549.1.9.22.1",
} as const;

/**
 * Parses a PFX. `password` may be "" for files exported without one; both empty-password
 * conventions (BMPString "00 00" and zero bytes) are tried. Throws Pkcs12Error.
 */
export function parsePkcs12(bytes: Uint8Array, password: string): Pkcs12Contents {
  try {
    return parse(bytes, password);
  } catch (error) {
    if (error instanceof Asn1Error) throw new Pkcs12Error("malformed", `the PFX data is corrupt or not PKCS#12 (${error.message})`);
    throw error;
  }
}

function parse(bytes: Uint8Array, password: string): Pkcs12Contents {
  const [versionNode, authSafe, macData] = readSequence(parseDer(bytes), "PFX");
  const version = readSmallInteger(versionNode, "PFX version");
  if (version !== 3) throw new Pkcs12Error("unsupported", `the PFX has version ${version}; only version 3 (RFC 7292) is supported`);

  const [contentType, wrapped] = readSequence(authSafe, "PFX authSafe");
  const authSafeType = readOid(contentType, "PFX authSafe content type");
  if (authSafeType === OID.signedData) {
    throw new Pkcs12Error("unsupported", "the PFX uses public-key integrity mode (signedData), which is not supported; re-export it with a password");
  }
  if (authSafeType !== OID.data) throw new Pkcs12Error("unsupported", `the PFX authSafe has an unsupported content type (OID ${authSafeType})`);
  const content = readOctetString(readExplicit(wrapped, 0, "PFX authSafe content"), "PFX authSafe content");

  // One budget for the whole file: every MAC attempt and every bag's key derivation draws on it.
  const budget = new WorkBudget();
  const candidates = passwordCandidates(password);
  let verified = false;
  if (macData !== undefined) {
    const match = candidates.find((candidate) => verifyMac(macData, content, candidate.bmp, budget));
    if (match === undefined) throw new Pkcs12Error("wrong-password", "the password is wrong: the PFX integrity check (MAC) failed");
    candidates.splice(0, candidates.length, match);
    verified = true;
  }
  const decryptor = new Decryptor(candidates, verified, budget);

  const bags: Bags = { keys: [], certificates: [], count: 0 };
  for (const info of readSequence(parseDer(content), "PFX AuthenticatedSafe")) {
    readSafeContents(info, decryptor, bags);
  }
  if (bags.keys.length === 0) throw new Pkcs12Error("missing-key", "the PFX contains no private key");
  if (bags.keys.length > 1) {
    throw new Pkcs12Error("unsupported", `the PFX contains ${bags.keys.length} private keys; export a PFX with exactly one key and its certificate chain`);
  }
  if (bags.certificates.length === 0) throw new Pkcs12Error("missing-certificate", "the PFX contains a private key but no certificate");
  const privateKey = bags.keys[0] as KeyObject;
  return { privateKey, certificates: leafFirst(bags.certificates, privateKey) };
}

function passwordCandidates(password: string): Pkcs12Password[] {
  const utf8 = Buffer.from(password, "utf8");
  const candidates = [{ utf8, bmp: encodeBmpPassword(password) }];
  if (password === "") candidates.push({ utf8, bmp: Buffer.alloc(0) });
  return candidates;
}

/**
 * Decrypts bags with the password form the MAC confirmed. Files without a MAC give no such
 * confirmation, so there each candidate is tried and a failure means the password is wrong.
 */
class Decryptor {
  constructor(
    private candidates: Pkcs12Password[],
    private readonly verified: boolean,
    private readonly budget: WorkBudget,
  ) {}

  decrypt<T>(algorithm: Asn1Node, data: Buffer, what: string, parse: (plain: Buffer) => T): T {
    for (const candidate of this.candidates) {
      try {
        const result = parse(pbeDecrypt(algorithm, data, candidate, what, this.budget));
        this.candidates = [candidate];
        return result;
      } catch (error) {
        const undecryptable = (error instanceof Pkcs12Error && error.reason === "wrong-password") || error instanceof Asn1Error;
        if (!undecryptable) throw error;
      }
    }
    if (this.verified) throw new Pkcs12Error("malformed", `the ${what} could not be decrypted although the password is right; the PFX is corrupt`);
    throw new Pkcs12Error("wrong-password", `the password is wrong: the ${what} could not be decrypted`);
  }
}

interface Bags {
  keys: KeyObject[];
  certificates: Buffer[];
  /** Bags seen so far, of any type: a file of a million empty bags is work too. */
  count: number;
}

/** Far beyond a key with a long chain (real files hold 1 to 10 bags). */
const MAX_BAGS = 1_000;

function readSafeContents(info: Asn1Node, decryptor: Decryptor, bags: Bags): void {
  const [typeNode, wrapped] = readSequence(info, "PFX ContentInfo");
  const type = readOid(typeNode, "PFX ContentInfo type");
  const inner = (): Asn1Node => readExplicit(wrapped, 0, "PFX ContentInfo content");
  if (type === OID.data) {
    readBags(parseDer(readOctetString(inner(), "PFX SafeContents")), decryptor, bags, 0);
  } else if (type === OID.encryptedData) {
    const [, encryptedContentInfo] = readSequence(inner(), "PFX EncryptedData");
    const [, algorithm, encrypted] = readSequence(encryptedContentInfo, "PFX EncryptedContentInfo");
    if (algorithm === undefined || !isContext(encrypted, 0)) throw new Asn1Error("malformed structure: PFX EncryptedContentInfo has no encrypted content");
    const safeContents = decryptor.decrypt(algorithm, readImplicitOctets(encrypted, "encrypted content"), "certificate data", parseDer);
    readBags(safeContents, decryptor, bags, 0);
  } else if (type === OID.envelopedData) {
    throw new Pkcs12Error("unsupported", "the PFX uses public-key privacy mode (envelopedData), which is not supported; re-export it with a password");
  }
  // Other content types carry nothing this loader needs.
}

function readBags(safeContents: Asn1Node, decryptor: Decryptor, bags: Bags, depth: number): void {
  if (depth > 4) throw new Asn1Error("malformed structure: PFX safe contents are nested too deeply");
  for (const bag of readSequence(safeContents, "PFX SafeContents")) {
    if (++bags.count > MAX_BAGS) throw new Pkcs12Error("too-much-work", `the PFX holds more than ${MAX_BAGS} bags; a certificate file needs a handful`);
    const [idNode, valueNode] = readSequence(bag, "PFX SafeBag");
    const bagId = readOid(idNode, "PFX SafeBag type");
    const value = (): Asn1Node => readExplicit(valueNode, 0, "PFX SafeBag value");
    if (bagId === OID.keyBag) {
      bags.keys.push(readPkcs8(value().der));
    } else if (bagId === OID.shroudedKeyBag) {
      const [algorithm, encrypted] = readSequence(value(), "PFX EncryptedPrivateKeyInfo");
      if (algorithm === undefined) throw new Asn1Error("malformed structure: PFX EncryptedPrivateKeyInfo is empty");
      const data = readOctetString(encrypted, "encrypted private key");
      // A wrong password can decrypt to valid padding by chance; parsing the DER catches that too.
      const privateKeyInfo = decryptor.decrypt(algorithm, data, "private key", (plain) => parseDer(plain).der);
      bags.keys.push(readPkcs8(privateKeyInfo));
    } else if (bagId === OID.certBag) {
      const [certType, certValue] = readSequence(value(), "PFX CertBag");
      if (readOid(certType, "PFX CertBag type") !== OID.x509Certificate) continue; // SDSI certificates
      bags.certificates.push(Buffer.from(readOctetString(readExplicit(certValue, 0, "PFX CertBag value"), "certificate")));
    } else if (bagId === OID.safeContentsBag) {
      readBags(value(), decryptor, bags, depth + 1);
    }
    // CRL and secret bags are irrelevant to client authentication.
  }
}

function readPkcs8(der: Buffer): KeyObject {
  try {
    return nodeCrypto().createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  } catch {
    // OpenSSL's message is dropped on purpose: it can't help the user and the key must not leak.
    throw new Pkcs12Error("malformed", "the private key in the PFX is not a valid PKCS#8 key");
  }
}

function leafFirst(certificates: Buffer[], privateKey: KeyObject): Buffer[] {
  const index = certificates.findIndex((der) => {
    try {
      return new (nodeCrypto().X509Certificate)(der).checkPrivateKey(privateKey);
    } catch {
      return false;
    }
  });
  if (index <= 0) return certificates;
  return [certificates[index] as Buffer, ...certificates.slice(0, index), ...certificates.slice(index + 1)];
}
