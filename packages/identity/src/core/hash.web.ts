// The web builds' hash.ts (scripts/webBuild.mjs picks it): the synchronous form runs the plain
// JavaScript SHA-256 of sha256.ts, the asynchronous one Web Crypto's digest, so a bundle that only
// needs the latter (a page's PKCE challenge) tree-shakes sha256.ts away (and the hex encoder: the
// asynchronous form returns bytes, which the PKCE challenge encodes as base64url).
import { base64UrlEncode, bytesToHex, utf8Encode } from "./encoding.js";
import type { HashEncoding } from "./hash.js";
import { sha256 } from "./sha256.js";

export type { HashEncoding };

const encode = (bytes: Uint8Array, encoding: HashEncoding) => (encoding === "hex" ? bytesToHex(bytes) : base64UrlEncode(bytes));

/** SHA-256 of `text` (UTF-8), encoded; synchronous. */
export function sha256Text(text: string, encoding: HashEncoding): string {
  return encode(sha256(utf8Encode(text)), encoding);
}

/** SHA-256 of `text` (UTF-8), for callers that can wait; they encode it as they need (core/encoding.ts). */
export async function sha256Async(text: string): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", utf8Encode(text)));
}
