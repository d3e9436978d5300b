// The password-based cryptography of PKCS#12: the PKCS#12 key derivation (RFC 7292 appendix B),
// the integrity MAC, and decryption with the PBE schemes real tools write:
//   - PBES2 / PBKDF2 (RFC 8018) with AES-CBC or 3DES: OpenSSL 3 default, Windows "AES256-SHA256"
//   - pbeWithSHAAnd3-KeyTripleDES-CBC / 2-Key: Windows and OpenSSL -legacy key bags
//   - pbeWithSHAAnd40BitRC2-CBC / 128BitRC2-CBC: OpenSSL -legacy and older Windows certificate bags
// Kept apart from pkcs12.ts (which walks the container) so each file has one job.

import { nodeCrypto } from "../nodeBuiltins.js";
import { type Asn1Node, readOctetString, readOid, readSequence, readSmallInteger } from "./asn1.js";
import { rc2CbcDecrypt } from "./rc2.js";

/** Raised for a file this module can't process; `reason` lets the caller choose its advice. */
export class Pkcs12Error extends Error {
  override name = "Pkcs12Error";
  constructor(
    readonly reason: "wrong-password" | "malformed" | "unsupported" | "missing-key" | "missing-certificate" | "too-much-work",
    message: string,
  ) {
    super(message);
  }
}

/**
 * The two forms a password takes: PBES2/PBKDF2 uses the UTF-8 bytes, while the PKCS#12 KDF uses a
 * BMPString. For the empty password, writers disagree on the BMPString: OpenSSL and Windows use
 * the terminator "00 00", a few tools use no bytes at all; the MAC check tells which one a file used.
 */
export interface Pkcs12Password {
  utf8: Buffer;
  bmp: Buffer;
}

// Real files use 2000 (Windows, .NET), 2048 (OpenSSL) or 10000 (Java); hardened PBES2 exports go
// to a few hundred thousand. The caps keep a hostile file from pinning the CPU: the PKCS#12 KDF
// below makes one JS-level hash call per iteration (about 3 s per million), PBKDF2 runs natively.
const MAX_PKCS12_KDF_ITERATIONS = 100_000;
const MAX_PBKDF2_ITERATIONS = 2_000_000;
/** Real salts are 8 to 32 bytes; the PKCS#12 KDF expands the salt for every block it derives. */
const MAX_SALT_BYTES = 1_024;

/**
 * The key-derivation work a whole file may ask for, in PBKDF2 iterations (one PKCS#12 KDF iteration, a
 * JS-level hash call, counts as 6). The per-block caps alone let a 13 KB file with 12 blocks at the cap
 * block the event loop for 12.8 s; this bounds the file at about 1.5 s, five times what a hardened
 * real export (a 600,000-iteration PBKDF2 key and certificate bag) needs.
 */
export const MAX_PKCS12_WORK = 3_000_000;
const PKCS12_KDF_WEIGHT = 6;

/** Counts the work one parse has spent; throws Pkcs12Error("too-much-work") past the limit. */
export class WorkBudget {
  #spent = 0;
  constructor(readonly limit = MAX_PKCS12_WORK) {}

  get spent(): number {
    return this.#spent;
  }

  charge(units: number, what: string): void {
    this.#spent += units;
    if (this.#spent > this.limit) {
      throw new Pkcs12Error(
        "too-much-work",
        `the ${what} would take the file's key derivations past ${this.limit.toLocaleString("en-US")} PBKDF2-equivalent iterations in total (a hostile or badly made file); re-export it with ordinary iteration counts`,
      );
    }
  }
}

function checkSalt(salt: Buffer, what: string): Buffer {
  if (salt.length > MAX_SALT_BYTES)
    throw new Pkcs12Error("too-much-work", `the ${what} has a ${salt.length}-byte salt; this loader accepts up to ${MAX_SALT_BYTES}`);
  return salt;
}

const HASHES: Record<string, { name: string; blockSize: number }> = {
  "1.3.14.3.2.26": { name: "sha1", blockSize: 64 },
  "2.16.840.1.101.3.4.2.4": { name: "sha224", blockSize: 64 },
  "2.16.840.1.101.3.4.2.1": { name: "sha256", blockSize: 64 },
  "2.16.840.1.101.3.4.2.2": { name: "sha384", blockSize: 128 },
  "2.16.840.1.101.3.4.2.3": { name: "sha512", blockSize: 128 },
};

const HMAC_PRFS: Record<string, string> = {
  "1.2.840.113549.2.7": "sha1",
  "1.2.840.113549.2.8": "sha224",
  "1.2.840.113549.2.9": "sha256",
  "1.2.840.113549.2.10": "sha384",
  "1.2.840.113549.2.11": "sha512",
};

const PBES2 = "1.2.840.113549.1.5.13";
const PBKDF2 = "1.2.840.113549.1.5.12";
const PBMAC1 = "1.2.840.113549.1.5.14";

/** PKCS#12 PBE schemes: cipher, key length, and RC2 effective bits (RFC 7292 appendix C). */
const PKCS12_PBE: Record<string, { cipher: "des-ede3-cbc" | "rc2"; keyLength: number; label: string }> = {
  "1.2.840.113549.1.12.1.3": { cipher: "des-ede3-cbc", keyLength: 24, label: "pbeWithSHAAnd3-KeyTripleDES-CBC" },
  "1.2.840.113549.1.12.1.4": { cipher: "des-ede3-cbc", keyLength: 16, label: "pbeWithSHAAnd2-KeyTripleDES-CBC" },
  "1.2.840.113549.1.12.1.5": { cipher: "rc2", keyLength: 16, label: "pbeWithSHAAnd128BitRC2-CBC" },
  "1.2.840.113549.1.12.1.6": { cipher: "rc2", keyLength: 5, label: "pbeWithSHAAnd40BitRC2-CBC" },
};

const PBES2_CIPHERS: Record<string, { name: string; keyLength: number; ivLength: number }> = {
  "2.16.840.1.101.3.4.1.2": { name: "aes-128-cbc", keyLength: 16, ivLength: 16 },
  "2.16.840.1.101.3.4.1.22": { name: "aes-192-cbc", keyLength: 24, ivLength: 16 },
  "2.16.840.1.101.3.4.1.42": { name: "aes-256-cbc", keyLength: 32, ivLength: 16 },
  "1.2.840.113549.3.7": { name: "des-ede3-cbc", keyLength: 24, ivLength: 8 },
};

/** RFC 7292 appendix B.2: derives `length` bytes for purpose `id` (1 key, 2 IV, 3 MAC key). */
export function pkcs12Kdf(hash: string, blockSize: number, password: Buffer, salt: Buffer, id: 1 | 2 | 3, iterations: number, length: number): Buffer {
  const v = blockSize;
  const D = Buffer.alloc(v, id);
  const repeatTo = (src: Buffer): Buffer => {
    const out = Buffer.alloc(v * Math.ceil(src.length / v));
    for (let i = 0; i < out.length; i++) out[i] = src[i % src.length] as number;
    return out;
  };
  const I = Buffer.concat([repeatTo(salt), repeatTo(password)]);
  const blocks: Buffer[] = [];
  let produced = 0;
  while (produced < length) {
    let A = nodeCrypto().createHash(hash).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = nodeCrypto().createHash(hash).update(A).digest();
    blocks.push(A);
    produced += A.length;
    if (produced >= length) break;
    // I_j = (I_j + B + 1) mod 2^(8v), with B = A repeated to v bytes.
    const B = repeatTo(A).subarray(0, v);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (I[j + k] as number) + (B[k] as number) + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function checkIterations(iterations: number, max: number, what: string): number {
  if (iterations < 1 || iterations > max) {
    throw new Pkcs12Error("unsupported", `the ${what} asks for ${iterations} iterations; this loader accepts 1 to ${max}`);
  }
  return iterations;
}

/**
 * Checks the PFX integrity MAC (RFC 7292 section 4). Returns true when `password` produced it, so
 * a wrong password is reported as such instead of surfacing later as padding noise.
 */
export function verifyMac(macData: Asn1Node, content: Buffer, password: Buffer, budget = new WorkBudget()): boolean {
  const [digestInfo, saltNode, iterationsNode] = readSequence(macData, "MacData");
  const [algorithm, digestNode] = readSequence(digestInfo, "MacData digest");
  const algorithmOid = readOid(readSequence(algorithm, "MAC algorithm")[0], "MAC algorithm");
  if (algorithmOid === PBMAC1) {
    throw new Pkcs12Error(
      "unsupported",
      "the PFX uses a PBMAC1 integrity MAC (RFC 9579), which this loader does not support yet; re-export it with an HMAC-SHA256 MAC (OpenSSL's default)",
    );
  }
  const hash = HASHES[algorithmOid];
  if (hash === undefined) throw new Pkcs12Error("unsupported", `the PFX integrity MAC uses an unsupported digest (OID ${algorithmOid})`);
  const expected = readOctetString(digestNode, "MAC digest");
  const salt = checkSalt(readOctetString(saltNode, "MAC salt"), "integrity MAC");
  const iterations = checkIterations(
    iterationsNode === undefined ? 1 : readSmallInteger(iterationsNode, "MAC iterations"),
    MAX_PKCS12_KDF_ITERATIONS,
    "integrity MAC",
  );
  const digestLength = nodeCrypto().createHash(hash.name).digest().length;
  budget.charge(iterations * PKCS12_KDF_WEIGHT, "integrity MAC");
  const key = pkcs12Kdf(hash.name, hash.blockSize, password, salt, 3, iterations, digestLength);
  const actual = nodeCrypto().createHmac(hash.name, key).update(content).digest();
  return actual.length === expected.length && nodeCrypto().timingSafeEqual(actual, expected);
}

/** Decrypts `data` with the PBE scheme named by `algorithm` (an AlgorithmIdentifier node). */
export function pbeDecrypt(algorithm: Asn1Node, data: Buffer, password: Pkcs12Password, what: string, budget = new WorkBudget()): Buffer {
  const [oidNode, params] = readSequence(algorithm, `${what} encryption algorithm`);
  const oid = readOid(oidNode, `${what} encryption algorithm`);
  if (oid === PBES2) return pbes2Decrypt(params, data, password.utf8, what, budget);
  const scheme = PKCS12_PBE[oid];
  if (scheme === undefined) {
    throw new Pkcs12Error(
      "unsupported",
      `the ${what} is encrypted with an unsupported algorithm (OID ${oid}); re-export the PFX with AES-256 (OpenSSL 3's default) or 3DES`,
    );
  }
  const [saltNode, iterationsNode] = readSequence(params, `${scheme.label} parameters`);
  const salt = checkSalt(readOctetString(saltNode, "PBE salt"), what);
  const iterations = checkIterations(readSmallInteger(iterationsNode, "PBE iterations"), MAX_PKCS12_KDF_ITERATIONS, what);
  // Two derivations (key and IV), each one block of SHA-1 at most.
  budget.charge(2 * iterations * PKCS12_KDF_WEIGHT * Math.ceil(scheme.keyLength / 20), what);
  const key = pkcs12Kdf("sha1", 64, password.bmp, salt, 1, iterations, scheme.keyLength);
  const iv = pkcs12Kdf("sha1", 64, password.bmp, salt, 2, iterations, 8);
  if (scheme.cipher === "rc2") return rc2Decrypt(key, iv, data);
  // Two-key 3DES is K1 K2 K1.
  const desKey = key.length === 16 ? Buffer.concat([key, key.subarray(0, 8)]) : key;
  return decipher("des-ede3-cbc", desKey, iv, data);
}

function pbes2Decrypt(params: Asn1Node | undefined, data: Buffer, password: Buffer, what: string, budget: WorkBudget): Buffer {
  const [kdf, scheme] = readSequence(params, "PBES2 parameters");
  const [kdfOid, kdfParams] = readSequence(kdf, "PBES2 key derivation");
  const kdfName = readOid(kdfOid, "PBES2 key derivation");
  if (kdfName !== PBKDF2)
    throw new Pkcs12Error("unsupported", `the ${what} uses an unsupported PBES2 key derivation (OID ${kdfName}); only PBKDF2 is supported`);
  const [saltNode, iterationsNode, ...rest] = readSequence(kdfParams, "PBKDF2 parameters");
  const salt = checkSalt(readOctetString(saltNode, "PBKDF2 salt"), what);
  const iterations = checkIterations(readSmallInteger(iterationsNode, "PBKDF2 iterations"), MAX_PBKDF2_ITERATIONS, what);
  // Optional keyLength INTEGER, then optional prf AlgorithmIdentifier (default hmacWithSHA1).
  const prfNode = rest.find((n) => n.tagClass === "universal" && n.tagNumber === 16);
  const prfOid = prfNode === undefined ? "1.2.840.113549.2.7" : readOid(readSequence(prfNode, "PBKDF2 PRF")[0], "PBKDF2 PRF");
  const prf = HMAC_PRFS[prfOid];
  if (prf === undefined) throw new Pkcs12Error("unsupported", `the ${what} uses an unsupported PBKDF2 PRF (OID ${prfOid})`);

  const [cipherOid, ivNode] = readSequence(scheme, "PBES2 encryption scheme");
  const cipherName = readOid(cipherOid, "PBES2 encryption scheme");
  const cipher = PBES2_CIPHERS[cipherName];
  if (cipher === undefined)
    throw new Pkcs12Error("unsupported", `the ${what} uses an unsupported PBES2 cipher (OID ${cipherName}); AES-CBC and 3DES are supported`);
  const iv = readOctetString(ivNode, "PBES2 IV");
  if (iv.length !== cipher.ivLength) throw new Pkcs12Error("malformed", `the ${what} has a ${iv.length}-byte IV; ${cipher.name} needs ${cipher.ivLength}`);
  // PBKDF2 runs its iterations once per hash-length block of the key: SHA-1 needs two for AES-256.
  budget.charge(iterations * Math.ceil(cipher.keyLength / (prf === "sha1" ? 20 : prf === "sha224" ? 28 : 32)), what);
  const key = nodeCrypto().pbkdf2Sync(password, salt, iterations, cipher.keyLength, prf);
  return decipher(cipher.name, key, iv, data);
}

function decipher(name: string, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  try {
    const d = nodeCrypto().createDecipheriv(name, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    // Bad padding: a wrong password (when no MAC could tell) or corrupt data. Callers decide.
    throw new Pkcs12Error("wrong-password", "decryption failed");
  }
}

function rc2Decrypt(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  // Prefer OpenSSL's RC2 when its legacy provider happens to be loaded; otherwise use our own.
  const name = key.length === 5 ? "rc2-40-cbc" : "rc2-cbc";
  let native: ReturnType<ReturnType<typeof nodeCrypto>["createDecipheriv"]> | undefined;
  try {
    native = nodeCrypto().createDecipheriv(name, key, iv);
  } catch {
    native = undefined;
  }
  try {
    if (native !== undefined) return Buffer.concat([native.update(data), native.final()]);
    return rc2CbcDecrypt(key, key.length * 8, iv, data);
  } catch {
    throw new Pkcs12Error("wrong-password", "decryption failed");
  }
}
