// The web builds' nodeBuiltins (selected instead of nodeBuiltins.ts by scripts/build.mjs): the few
// node:crypto calls that code shared with Node makes on the web path, on Web Crypto: randomBytes(n)
// with toString("base64url" | "hex"), randomUUID(). Hashes go through core/hash.ts, whose web variant
// is tree-shaken per use. Files and the OS don't exist there: nodeFs() and
// nodeOs() throw, naming the credential option to use instead.
import type { NodeCrypto, NodeFs, NodeOs } from "./nodeBuiltins.js";
import { base64UrlEncode, bytesToBase64, bytesToHex } from "./encoding.js";

export type { NodeCrypto, NodeFs, NodeOs };

type Encoding = "hex" | "base64url" | "base64";

function encode(bytes: Uint8Array, encoding: Encoding | undefined): string {
  if (encoding === "hex") return bytesToHex(bytes);
  if (encoding === "base64url") return base64UrlEncode(bytes);
  if (encoding === "base64") return bytesToBase64(bytes);
  throw new TypeError(`@azid/identity (web build): unsupported encoding ${String(encoding)}.`);
}

function randomValues(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}

const webCrypto = {
  randomBytes(length: number) {
    const bytes = randomValues(length);
    return { toString: (encoding?: Encoding) => encode(bytes, encoding) };
  },
  randomUUID: () => globalThis.crypto.randomUUID(),
};

export function nodeCrypto(): NodeCrypto {
  return webCrypto as unknown as NodeCrypto;
}

export function nodeFs(): NodeFs {
  throw new Error(
    "@azid/identity: this runtime has no file system (browser or workerd build). Pass the value itself instead of a file path " +
      "(a PEM string for certificates, a getAssertion callback for workload identity).",
  );
}

export function nodeOs(): NodeOs {
  throw new Error("@azid/identity: this runtime has no operating system API (browser or workerd build).");
}
