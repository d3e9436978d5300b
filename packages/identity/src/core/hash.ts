// SHA-256 of text, for cache keys, secret fingerprints and PKCE challenges. The synchronous form is
// for constructors and cache lookups; callers that can wait use the asynchronous form, which the web
// builds compute with Web Crypto (core/hash.web.ts), so a page that only signs users in carries no
// SHA-256 code of its own.
import { nodeCrypto } from "./nodeBuiltins.js";

export type HashEncoding = "hex" | "base64url";

/** SHA-256 of `text` (UTF-8), encoded; synchronous. */
export function sha256Text(text: string, encoding: HashEncoding): string {
  return nodeCrypto().createHash("sha256").update(text).digest(encoding);
}

/** SHA-256 of `text` (UTF-8), for callers that can wait; they encode it as they need (core/encoding.ts). */
export async function sha256Async(text: string): Promise<Uint8Array> {
  return nodeCrypto().createHash("sha256").update(text).digest();
}
