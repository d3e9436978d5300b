// The web builds of @azid/identity (scripts/build.mjs runs buildWeb()): one ESM file per export
// condition, bundled from the same sources and the same entry (src/index.ts, the one export list) as
// the Node build.
//   dist/web/index.js      `workerd` (and any fetch-only runtime)
//   dist/browser/index.js  `browser`
// Wherever a module has a `.web.ts` sibling (`.browser.ts` first, in the browser build), the sibling
// replaces it: fetch instead of node:http, Web Crypto instead of node:crypto, a placeholder that
// throws at construction for a credential that can't work there (credentials/unsupported.web.ts), the
// SPA's InteractiveBrowserCredential in the browser. `process` is replaced
// by src/core/processShim.web.ts (no environment, logs to console.error). The build fails if the
// output would still load a Node built-in or name `process` or `Buffer`; test/build/webBuild.test.ts
// checks the same on the files and runs them in workerd, Deno and Bun.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "packages/identity/src");

export const WEB_BUILDS = [
  { condition: "workerd", entry: join(SRC, "index.ts"), outfile: join(ROOT, "packages/identity/dist/web/index.js"), variants: [".web.ts"] },
  {
    condition: "browser",
    entry: join(SRC, "index.ts"),
    outfile: join(ROOT, "packages/identity/dist/browser/index.js"),
    variants: [".browser.ts", ".web.ts"],
  },
];

/** esbuild plugin: `./x.js` resolves to `./x.web.ts` (or the first of `variants`) when that file exists. */
export function webVariants(variants) {
  return {
    name: "azid-web-variants",
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (!args.resolveDir.startsWith(SRC)) return undefined;
        const base = resolve(args.resolveDir, args.path).replace(/\.js$/, "");
        for (const suffix of variants) {
          const candidate = base + suffix;
          if (candidate !== args.importer && existsSync(candidate)) return { path: candidate };
        }
        return undefined;
      });
    },
  };
}

/**
 * `process.env.X` as `undefined` for every X the sources read: the web builds have no environment
 * (processShim.web.ts's env is empty), so esbuild drops what only an environment variable turns on.
 */
function noEnvironment() {
  const names = new Set();
  for (const file of readdirSync(SRC, { recursive: true })) {
    if (!String(file).endsWith(".ts")) continue;
    for (const m of readFileSync(join(SRC, String(file)), "utf8").matchAll(/process\.env\.([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]);
  }
  return Object.fromEntries([...names].map((name) => [`process.env.${name}`, "undefined"]));
}

/** esbuild options shared by the web builds, the no-Node test and the bundle-size bench. */
export function webBuildOptions(variants = [".web.ts"]) {
  return {
    define: noEnvironment(),
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    // Folds what the variants and the empty environment make constant (a `.web.ts` function that returns
    // undefined, a `process.env.X` read after a guard) here, where esbuild sees it whole: an app's
    // bundler, given the unfolded file, keeps some of it. Names and layout stay readable.
    minifySyntax: true,
    mainFields: ["module", "main"],
    conditions: ["@azid/source"],
    inject: [join(SRC, "core/processShim.web.ts")],
    plugins: [webVariants(variants)],
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
  };
}

/** What in a web bundle would need Node: built-in imports, and `process`/`Buffer` globals. */
export function nodeLeaks(result, code) {
  const leaks = [];
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    for (const imported of output.imports) leaks.push(`${file} imports ${imported.path}${imported.external ? " (external)" : ""}`);
  }
  for (const match of code.matchAll(/(?<![\w$.])(process|Buffer|require|setImmediate|__dirname)(?=\.[A-Za-z_$]|\()/g)) {
    leaks.push(`the bundle names ${match[1]}: …${code.slice(Math.max(0, match.index - 40), match.index + 40).replace(/\s+/g, " ")}…`);
  }
  return leaks;
}

export async function buildWeb() {
  for (const web of WEB_BUILDS) {
    const result = await build({ ...webBuildOptions(web.variants), entryPoints: [web.entry], outfile: web.outfile, write: false });
    const [output] = result.outputFiles;
    const leaks = nodeLeaks(result, output.text);
    if (leaks.length > 0) throw new Error(`The ${web.condition} build of @azid/identity would need Node:\n  ${leaks.join("\n  ")}`);
    const { mkdirSync, writeFileSync } = await import("node:fs");
    mkdirSync(dirname(web.outfile), { recursive: true });
    writeFileSync(web.outfile, output.text);
  }
}
