// Node built-ins that are costly to load (node:crypto takes ~7 ms on a small VM, and an ESM import
// of node:fs builds a facade of every export) are fetched on
// first use, not at import, so `require("@azid/identity")` stays cheap. Synchronous, because
// certificates are loaded in constructors.
export type NodeCrypto = typeof import("node:crypto");
export type NodeFs = typeof import("node:fs");
export type NodeOs = typeof import("node:os");
export type NodeModule = typeof import("node:module");

let crypto: NodeCrypto | undefined;
let fs: NodeFs | undefined;

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

/** node:fs, fetched on first use: an ESM import of it builds a facade of all its exports up front. */
export function nodeFs(): NodeFs {
  return (fs ??= loadBuiltin<NodeFs>("node:fs"));
}

let os: NodeOs | undefined;

/** node:os, fetched on first use. */
export function nodeOs(): NodeOs {
  return (os ??= loadBuiltin<NodeOs>("node:os"));
}

let nodeModuleBuiltin: NodeModule | undefined;

/** node:module (createRequire, for require.cache and the application's optional peers), fetched on first use. */
export function nodeModule(): NodeModule {
  return (nodeModuleBuiltin ??= loadBuiltin<NodeModule>("node:module"));
}
