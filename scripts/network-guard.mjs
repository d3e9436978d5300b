// ESM entry of the test-wide network guard (see network-guard.cjs): `--import` this file, or
// `--require` the .cjs one; either installs the same guard once.
import { createRequire } from "node:module";

const { isLoopbackAddress } = createRequire(import.meta.url)("./network-guard.cjs");
export { isLoopbackAddress };
