// Node built-ins that are costly to load (node:crypto takes ~7 ms on a small VM) are fetched on
// first use, not at import, so `require("@azid/identity")` stays cheap. Synchronous, because
// certificates are loaded in constructors.
export type NodeCrypto = typeof import("node:crypto");

let crypto: NodeCrypto | undefined;

declare const require: ((id: string) => unknown) | undefined;

function loadBuiltin<T>(id: string): T {
  const getBuiltinModule = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (getBuiltinModule !== undefined) return getBuiltinModule(id) as T; // Node >= 20.16
  if (typeof require === "function") return require(id) as T; // CommonJS build on older Node 20
  throw new Error(`@azid/identity needs Node.js 20.16 or later (this is ${process.version}).`);
}

export function nodeCrypto(): NodeCrypto {
  return (crypto ??= loadBuiltin<NodeCrypto>("node:crypto"));
}
