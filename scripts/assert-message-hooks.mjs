// Module hooks registered by scripts/assert-message.mjs (read it for why): `node:assert` and
// `node:assert/strict` imported from outside node_modules resolve to a generated module that
// re-exports the wrapped assert under every name Node's own module exports.
import assert from "node:assert";

const PRELOAD = new URL("./assert-message.mjs", import.meta.url).href;
const FLAVOURS = new Map([
  ["assert", "loose"],
  ["node:assert", "loose"],
  ["assert/strict", "strict"],
  ["node:assert/strict", "strict"],
]);
const PREFIX = "azid-assert:";

export async function resolve(specifier, context, nextResolve) {
  const flavour = FLAVOURS.get(specifier);
  const parent = context.parentURL ?? "";
  if (flavour === undefined || parent === PRELOAD || parent.includes("/node_modules/")) {
    return nextResolve(specifier, context);
  }
  return { url: PREFIX + flavour, shortCircuit: true };
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith(PREFIX)) return nextLoad(url, context);
  const binding = url === `${PREFIX}strict` ? "strictAssert" : "looseAssert";
  const names = Object.keys(url === `${PREFIX}strict` ? assert.strict : assert);
  const source = [
    `import { ${binding} as wrapped } from ${JSON.stringify(PRELOAD)};`,
    "export default wrapped;",
    `export const { ${names.join(", ")} } = wrapped;`,
  ].join("\n");
  return { format: "module", source, shortCircuit: true };
}
