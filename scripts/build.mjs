// Builds every package. @azid/identity: tsc type-checks and emits declarations (ESM and CJS
// flavours), then esbuild bundles the code: the entry, one shared chunk, and the one lazy entry
// (src/lazy.ts: developer tools, browser and device-code sign-in, the shared token cache file, the
// chain's failure report and azid doctor) as a chunk loaded on first use, so `require()` compiles
// only what most processes use (import cost is a feature we measure). scripts/check-layers.mjs keeps
// lazy.ts the only module loaded with import(); a second one would split the eager code into more
// chunks. esbuild splits ESM only, so the CommonJS tree is the same files, each converted on its own:
// a shared chunk is one module instance in either tree. The emulator, the CLI and the two
// optional plugins (@azid/cache-redis, @azid/cache-persistence) are plain tsc ESM output.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { build, transform } from "esbuild";
import { buildWeb } from "./webBuild.mjs";

const require = createRequire(import.meta.url);
const tsc = require.resolve("typescript/bin/tsc");
for (const project of [
  "packages/identity/tsconfig.json",
  "packages/identity/tsconfig.cjs.json",
  "packages/emulator/tsconfig.json",
  "packages/cache-redis/tsconfig.json",
  "packages/cache-persistence/tsconfig.json",
  // Last: the CLI imports @azid/cache-persistence's declarations.
  "packages/cli/tsconfig.json",
]) {
  execFileSync(process.execPath, [tsc, "-p", project], { stdio: "inherit" });
}

// Declarations of source files that moved or went away must not linger in the published tree (pruned
// rather than wiped first, so a process using dist/ meanwhile never finds it missing).
function pruneStaleDeclarations(dist, src) {
  for (const entry of readdirSync(dist, { withFileTypes: true })) {
    const path = join(dist, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "chunks") continue;
      pruneStaleDeclarations(path, join(src, entry.name));
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
    } else if (entry.name.endsWith(".d.ts") && !existsSync(join(src, entry.name.replace(/\.d\.ts$/, ".ts")))) rmSync(path);
  }
}
for (const flavour of ["esm", "cjs"]) pruneStaleDeclarations(`packages/identity/dist/${flavour}`, "packages/identity/src");

const common = {
  entryPoints: ["packages/identity/src/index.ts"],
  bundle: true,
  platform: "node",
  target: "node20",
  packages: "external",
  legalComments: "none",
  logLevel: "warning",
};
const ESM = "packages/identity/dist/esm";
const CJS = "packages/identity/dist/cjs";
for (const dir of [ESM, CJS]) rmSync(join(dir, "chunks"), { recursive: true, force: true });
await build({ ...common, format: "esm", splitting: true, outdir: ESM, chunkNames: "chunks/[name]-[hash]" });
// The same files as CommonJS: static imports become require(), import() a deferred require().
mkdirSync(join(CJS, "chunks"), { recursive: true });
for (const file of ["index.js", ...readdirSync(join(ESM, "chunks")).map((f) => `chunks/${f}`)]) {
  const { code } = await transform(readFileSync(join(ESM, file), "utf8"), {
    format: "cjs",
    platform: "node",
    target: "node20",
    supported: { "dynamic-import": false },
    logLevel: "warning",
  });
  writeFileSync(join(CJS, file), file.startsWith("chunks/chunk-") ? withoutExportCopy(code, file) : code);
}

// esbuild's CommonJS form gives each export a getter (__export) and then copies all of them into a
// second object of getters (__toCommonJS), only to add the __esModule marker. The shared chunk is
// required only by azid's own entry and lazy chunk, so it exports the first object with the marker:
// the same live bindings, half the getters, about 0.5 ms less for require() (~100 exports). The entry
// keeps esbuild's form (node's cjs-module-lexer reads its export names from it).
function withoutExportCopy(code, file) {
  const copy = "module.exports = __toCommonJS(stdin_exports);";
  if (code.split(copy).length !== 2) throw new Error(`build: ${file} lacks esbuild's one __toCommonJS export line; update withoutExportCopy()`);
  return code.replace(copy, '__defProp(stdin_exports, "__esModule", { value: true });\nmodule.exports = stdin_exports;');
}
// The CommonJS build lives under a "type": "module" package, so it needs its own marker.
writeFileSync(join(CJS, "package.json"), '{ "type": "commonjs" }\n');
// The `workerd` and `browser` builds: fetch and Web Crypto, no Node built-ins (scripts/webBuild.mjs).
await buildWeb();
