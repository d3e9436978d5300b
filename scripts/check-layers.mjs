// Keeps every package's import graph pointing one way (npm test runs it). For each package it reads
// every relative import of src/ (static, `import type`, `export ... from`, `import("...")` in code
// and in type positions) and fails on:
//   - any import circle, of any length, type-only edges included;
//   - in packages with declared layers (LAYERS below), any edge from a lower layer to a higher one;
//   - in packages with a lazy entry: a second dynamically imported module, the lazy entry imported
//     statically or from a layer not above it, or the lazy entry re-exporting a module not below it.
// Within one layer, edges may go sideways (they still must not form a circle).
//
// Usage: node scripts/check-layers.mjs [--graph <package>]   (--graph prints that package's edges)
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Layers from the top down. A file belongs to the layer of the longest prefix that matches its path
 * (relative to the package's src/). packages/identity/README.md draws the same picture.
 */
const LAYERS = {
  identity: {
    layers: [
      ["index.ts", "persistenceCode.ts", "persistenceCode.web.ts"],
      ["credentials/defaultAzureCredential/"],
      ["credentials/"],
      ["lazy.ts"],
      ["providers/"],
      ["sources/"],
      ["core/"],
    ],
    lazyEntry: "lazy.ts",
  },
};

/**
 * Known edges that close a circle today, accepted until they are fixed (each with its issue). Keep
 * this list short and say why each entry is here; @azid/identity's is empty and must stay so.
 * Format: "<package>: <from> -> <to>" with paths relative to the package's src/.
 */
const ALLOWED_EDGES = new Set([
  // (empty: the emulator's two circles, context.ts <-> its handlers' state stores, are gone)
]);

function sourceFiles(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|mts|cts|mjs|js)$/.test(name) && !name.endsWith(".d.ts")) out.push(full);
  }
  return out;
}

/** Removes comments so commented-out or documented imports don't count; keeps string contents. */
function stripComments(text) {
  return text.replace(/("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (m, str) => (str !== undefined ? str : ""));
}

const STATIC = /(?:^|[;\n}])\s*(import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']/g;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(file) {
  const text = stripComments(readFileSync(file, "utf8"));
  const edges = [];
  for (const m of text.matchAll(STATIC)) edges.push({ specifier: m[3], kind: m[1] === "export" ? "re-export" : m[2] ? "type" : "static" });
  for (const m of text.matchAll(DYNAMIC)) {
    // `import("./x.js").Type` is a type reference, not a load (`import("./x.js").then(...)` is one).
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 10);
    edges.push({ specifier: m[1], kind: /^\.(?!then\b|catch\b|finally\b)/.test(after) ? "type" : "dynamic" });
  }
  return edges.filter((e) => e.specifier.startsWith("."));
}

function resolveSpecifier(fromFile, specifier, files) {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [base, base.replace(/\.js$/, ".ts"), base.replace(/\.mjs$/, ".mts"), `${base}.ts`, join(base, "index.ts")];
  return candidates.find((c) => files.has(c));
}

function layerOf(config, path) {
  let best;
  config.layers.forEach((prefixes, rank) => {
    for (const prefix of prefixes) {
      const matches = prefix.endsWith("/") ? path.startsWith(prefix) : path === prefix;
      if (matches && (best === undefined || prefix.length > best.prefix.length)) best = { rank, prefix };
    }
  });
  return best;
}

/** Tarjan's strongly connected components: every component with more than one file is a circle. */
function circles(nodes, adjacency) {
  let index = 0;
  const stack = [];
  const meta = new Map();
  const found = [];
  const visit = (v) => {
    meta.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of adjacency.get(v) ?? []) {
      if (!meta.has(w)) {
        visit(w);
        meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low);
      } else if (meta.get(w).onStack) meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index);
    }
    if (meta.get(v).low === meta.get(v).index) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        meta.get(w).onStack = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (adjacency.get(v) ?? new Set()).has(v)) found.push(component.sort());
    }
  };
  for (const v of nodes) if (!meta.has(v)) visit(v);
  return found;
}

function checkPackage(name) {
  const src = join(ROOT, "packages", name, "src");
  const files = new Set(sourceFiles(src));
  const rel = (f) => relative(src, f).split("\\").join("/");
  const edges = [];
  const problems = [];
  for (const file of files) {
    for (const { specifier, kind } of importsOf(file)) {
      const target = resolveSpecifier(file, specifier, files);
      if (target === undefined) {
        if (!/\.(json|cjs)$/.test(specifier)) problems.push(`${rel(file)}: cannot resolve "${specifier}"`);
        continue;
      }
      const edge = { from: rel(file), to: rel(target), kind };
      if (!ALLOWED_EDGES.has(`${name}: ${edge.from} -> ${edge.to}`)) edges.push(edge);
    }
  }

  const adjacency = new Map();
  for (const e of edges) {
    if (!adjacency.has(e.from)) adjacency.set(e.from, new Set());
    adjacency.get(e.from).add(e.to);
  }
  for (const component of circles([...files].map(rel).sort(), adjacency)) {
    const inside = new Set(component);
    const within = edges
      .filter((e) => inside.has(e.from) && inside.has(e.to))
      .map((e) => `    ${e.from} -> ${e.to}${e.kind === "static" ? "" : ` (${e.kind})`}`);
    problems.push(`import circle of ${component.length} file(s):\n${within.join("\n")}`);
  }

  const config = LAYERS[name];
  if (config !== undefined) {
    for (const file of [...files].map(rel)) {
      if (layerOf(config, file) === undefined) problems.push(`${file}: in no declared layer (scripts/check-layers.mjs LAYERS)`);
    }
    for (const e of edges) {
      const from = layerOf(config, e.from);
      const to = layerOf(config, e.to);
      if (from === undefined || to === undefined) continue;
      if (to.rank < from.rank) problems.push(`upward edge: ${e.from} (${from.prefix}) -> ${e.to} (${to.prefix})${e.kind === "static" ? "" : ` [${e.kind}]`}`);
    }
    if (config.lazyEntry !== undefined) {
      const lazy = config.lazyEntry;
      const lazyRank = layerOf(config, lazy)?.rank;
      for (const e of edges) {
        if (e.kind === "dynamic" && e.to !== lazy) problems.push(`second lazy entry: ${e.from} loads ${e.to} with import(); only ${lazy} may be loaded lazily`);
        if (e.to === lazy && e.kind !== "dynamic")
          problems.push(`${e.from} imports ${lazy} ${e.kind === "type" ? "for types" : "statically"}; it may only be named inside await import()`);
        if (e.to === lazy && (layerOf(config, e.from)?.rank ?? lazyRank) >= lazyRank) problems.push(`${e.from} loads ${lazy} but is not above it`);
        if (e.from === lazy && (layerOf(config, e.to)?.rank ?? lazyRank) <= lazyRank) problems.push(`${lazy} re-exports ${e.to}, which is not below it`);
      }
    }
  }
  return { edges, problems, files: files.size };
}

const packages = readdirSync(join(ROOT, "packages"))
  .filter((p) => existsSync(join(ROOT, "packages", p, "src")))
  .sort();
const graphOf = process.argv.includes("--graph") ? process.argv[process.argv.indexOf("--graph") + 1] : undefined;
let failed = false;
for (const name of packages) {
  const { edges, problems, files } = checkPackage(name);
  if (graphOf === name) for (const e of edges) console.log(`${e.from} -> ${e.to}${e.kind === "static" ? "" : ` (${e.kind})`}`);
  if (problems.length === 0) {
    console.log(`check-layers: ${name}: ${files} files, ${edges.length} edges, no circles${LAYERS[name] ? ", every edge points down" : ""}`);
  } else {
    failed = true;
    console.error(`check-layers: ${name}: ${problems.length} problem(s)`);
    for (const p of problems) console.error(`  ${p}`);
  }
}
process.exit(failed ? 1 : 0);
