// Builds every package with tsc: @azid/identity as ESM and CommonJS (with types), the emulator and
// the CLI as ESM. Runs from the repo root; fails loudly on the first compiler error.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const projects = [
  "packages/identity/tsconfig.json",
  "packages/identity/tsconfig.cjs.json",
  "packages/emulator/tsconfig.json",
  "packages/cli/tsconfig.json",
];
for (const project of projects) {
  execFileSync(process.execPath, [tsc, "-p", project], { stdio: "inherit" });
}
// The CommonJS build lives under a "type": "module" package, so it needs its own marker.
mkdirSync("packages/identity/dist/cjs", { recursive: true });
writeFileSync("packages/identity/dist/cjs/package.json", '{ "type": "commonjs" }\n');
