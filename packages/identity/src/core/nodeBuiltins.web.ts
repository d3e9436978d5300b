// The web builds' nodeBuiltins (selected instead of nodeBuiltins.ts by scripts/build.mjs): the few
// node:crypto calls that code shared with Node makes on the web path, on Web Crypto: randomUUID()
// (random tokens use Web Crypto directly, sources/entra/pkce.ts). Hashes go through core/hash.ts,
// whose web variant is tree-shaken per use. Files and the OS don't exist there: nodeFs() and nodeOs()
// throw, naming the credential option to use instead.
import type { NodeCrypto, NodeFs, NodeOs } from "./nodeBuiltins.js";

export type { NodeCrypto, NodeFs, NodeOs };

const webCrypto = {
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
