// Values at rest in Redis: AES-256-GCM with a fresh 96-bit IV per write and the Redis key name as
// associated data, so a value copied under another key (another identity's token) fails to open.
// A key list allows rotation: the first key seals, any key opens; the envelope names the key by a
// short fingerprint (an HMAC of a fixed label, which reveals nothing about the key).
// Plain JSON is written and read only with the explicit `allowUnencrypted` opt-in and no keys.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

const SEALED = "azid1";
const PLAIN = "azid1p";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type OpenResult = { ok: true; text: string } | { ok: false; reason: string };

export interface ValueCodec {
  readonly encrypted: boolean;
  seal(redisKey: string, text: string): string;
  open(redisKey: string, value: string): OpenResult;
}

interface NamedKey {
  id: string;
  key: Buffer;
}

export function keyFingerprint(key: Buffer): string {
  return createHmac("sha256", key).update("azid/cache-redis key id").digest("base64url").slice(0, 11);
}

export function createValueCodec(keys: readonly Buffer[]): ValueCodec {
  if (keys.length === 0) return plainCodec;
  const named: NamedKey[] = keys.map((key) => ({ id: keyFingerprint(key), key }));
  const sealing = named[0]!;
  return {
    encrypted: true,
    seal(redisKey, text) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", sealing.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(redisKey, "utf8"));
      const body = Buffer.concat([cipher.update(text, "utf8"), cipher.final(), cipher.getAuthTag()]);
      return `${SEALED}.${sealing.id}.${iv.toString("base64url")}.${body.toString("base64url")}`;
    },
    open(redisKey, value) {
      const parts = value.split(".");
      if (parts.length !== 4 || parts[0] !== SEALED) {
        return { ok: false, reason: value.startsWith(`${PLAIN}.`) ? "an unencrypted value where encryption is required" : "not a value this package wrote" };
      }
      const [, id, ivText, bodyText] = parts as [string, string, string, string];
      const candidates = named.filter((k) => k.id === id);
      if (candidates.length === 0) return { ok: false, reason: "sealed with a key not in encryptionKeys" };
      const iv = Buffer.from(ivText, "base64url");
      const body = Buffer.from(bodyText, "base64url");
      if (iv.length !== IV_BYTES || body.length < TAG_BYTES) return { ok: false, reason: "a malformed envelope" };
      for (const { key } of candidates) {
        try {
          const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
          decipher.setAAD(Buffer.from(redisKey, "utf8"));
          decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
          const text = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString("utf8");
          return { ok: true, text };
        } catch {
          // try the next key with the same fingerprint (practically never), else fall through
        }
      }
      return { ok: false, reason: "failed authentication (tampered, or stored under another key name)" };
    },
  };
}

const plainCodec: ValueCodec = {
  encrypted: false,
  seal: (_redisKey, text) => `${PLAIN}.${text}`,
  open: (_redisKey, value) =>
    value.startsWith(`${PLAIN}.`)
      ? { ok: true, text: value.slice(PLAIN.length + 1) }
      : { ok: false, reason: value.startsWith(`${SEALED}.`) ? "an encrypted value and no encryptionKeys" : "not a value this package wrote" },
};
