// What the cache file holds: the text encrypted under the key from the OS store, or (opt-in only)
// the text itself. Both write exactly the text they were given and read back exactly that.
import { decryptCache, encryptCache, isEncryptedCache } from "./cipher.js";
import type { StoreCodec } from "./fileStore.js";
import type { KeyStore } from "./keyStore.js";

/** The unencrypted form (unsafeAllowUnencryptedStorage). Invalid JSON reads as empty: it is torn or corrupt. */
export function plaintextCodec(): StoreCodec {
  return {
    encrypted: false,
    async decode(bytes) {
      if (isEncryptedCache(bytes)) return undefined; // written while the keyring was available: unreadable now
      return parsesAsJson(bytes.toString("utf8"));
    },
    encode: (text) => text,
    dispose() {},
  };
}

export function encryptedCodec(keyStore: KeyStore, initialKey: Uint8Array): StoreCodec {
  let key: Uint8Array | undefined = initialKey;
  return {
    encrypted: true,
    async decode(bytes, fileName) {
      if (key === undefined) return undefined;
      const result = decryptCache(bytes, key, fileName);
      if (result.ok) return result.text;
      // A plaintext cache from before encryption (or an opt-in run) is taken over; the next write encrypts it.
      if (result.reason === "not-encrypted") return parsesAsJson(bytes.toString("utf8"));
      if (result.reason === "other-key") {
        // The key in the OS store may have been replaced since this process read it: look once more.
        const fresh = await keyStore.load().catch(() => undefined);
        if (fresh !== undefined && !Buffer.from(fresh).equals(Buffer.from(key))) {
          key = fresh;
          const retry = decryptCache(bytes, key, fileName);
          if (retry.ok) return retry.text;
        }
      }
      return undefined;
    },
    encode(text, fileName) {
      if (key === undefined) throw new Error("The persistent token cache store was closed.");
      return encryptCache(text, key, fileName);
    },
    dispose() {
      key?.fill(0);
      key = undefined;
    },
  };
}

function parsesAsJson(text: string): string | undefined {
  if (text.trim() === "") return undefined;
  try {
    JSON.parse(text);
    return text;
  } catch {
    return undefined;
  }
}
