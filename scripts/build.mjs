// Builds every package. @azid/identity: tsc type-checks and emits declarations (ESM and CJS
// flavours), then esbuild bundles the code into one file per format, so loading the library reads
// and compiles one file instead of ~35 (import cost is a feature we measure). The emulator and the
// CLI are plain tsc ESM output.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { build } from "esbuild";

const require = createRequire(import.meta.url);
const tsc = require.resolve("typescript/bin/tsc");
for (const project of ["packages/identity/tsconfig.json", "packages/identity/tsconfig.cjs.json", "packages/emulator/tsconfig.json", "packages/cli/tsconfig.json"]) {
  execFileSync(process.execPath, [tsc, "-p", project], { stdio: "inherit" });
}

const common = {
  entryPoints: ["packages/identity/src/index.ts"],
  bundle: true,
  platform: "node",
  target: "node20",
  packages: "external",
  legalComments: "none",
  logLevel: "warning",
};
await build({ ...common, format: "esm", outfile: "packages/identity/dist/esm/index.js" });
await build({ ...common, format: "cjs", outfile: "packages/identity/dist/cjs/index.js" });
// The CommonJS build lives under a "type": "module" package, so it needs its own marker.
mkdirSync("packages/identity/dist/cjs", { recursive: true });
writeFileSync("packages/identity/dist/cjs/package.json", '{ "type": "commonjs" }\n');
