// The encrypted file format: AES-256-GCM under a random 256-bit key kept in the OS credential store.
//   "AZIDC1" (6 bytes) | key id (8) | nonce (12) | tag (16) | ciphertext
// The key id is the first 8 bytes of SHA-256 over the key: it tells "encrypted under another key"
// apart from "damaged" in diagnostics and reveals nothing usable about the key. The associated data
// binds the header and the file's own name, so a ".cae" file copied over a ".nocae" one (or a header
// edited) fails authentication instead of being read. A fresh random nonce per write: a key
// encrypts at most a few writes per second for its life, far below GCM's 2^32 random-nonce bound.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const MAGIC = Buffer.from("AZIDC1", "latin1");
const HEADER = MAGIC.length + 8 + 12 + 16;
export const KEY_BYTES = 32;

export function keyId(key: Uint8Array): Buffer {
  return createHash("sha256").update(key).digest().subarray(0, 8);
}

export function isEncryptedCache(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && Buffer.from(bytes.buffer, bytes.byteOffset, MAGIC.length).equals(MAGIC);
}

export function encryptCache(plaintext: string, key: Uint8Array, fileName: string): Buffer {
  const kid = keyId(key);
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.concat([MAGIC, kid, Buffer.from(fileName, "utf8")]));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([MAGIC, kid, nonce, cipher.getAuthTag(), body]);
}

export type DecryptResult = { ok: true; text: string } | { ok: false; reason: "not-encrypted" | "truncated" | "other-key" | "damaged" };

export function decryptCache(bytes: Buffer, key: Uint8Array, fileName: string): DecryptResult {
  if (!isEncryptedCache(bytes)) return { ok: false, reason: "not-encrypted" };
  if (bytes.length < HEADER) return { ok: false, reason: "truncated" };
  const kid = bytes.subarray(MAGIC.length, MAGIC.length + 8);
  if (!kid.equals(keyId(key))) return { ok: false, reason: "other-key" };
  const nonce = bytes.subarray(MAGIC.length + 8, MAGIC.length + 20);
  const tag = bytes.subarray(MAGIC.length + 20, HEADER);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, nonce);
    decipher.setAAD(Buffer.concat([MAGIC, kid, Buffer.from(fileName, "utf8")]));
    decipher.setAuthTag(tag);
    const text = Buffer.concat([decipher.update(bytes.subarray(HEADER)), decipher.final()]).toString("utf8");
    return { ok: true, text };
  } catch {
    return { ok: false, reason: "damaged" };
  }
}
