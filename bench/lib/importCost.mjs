// Scenario 4: what loading the library costs a process. Each sample is a fresh `node -e` process
// that measures itself: gc, memoryUsage, hrtime, require()/import(), hrtime, gc, memoryUsage.
// So the numbers are the load alone, on top of a bare node, without node's own startup.
import { median } from "./stats.mjs";
import { childEnv, runNode } from "./proc.mjs";

// "baseline" is a one-line package with an exports map: what any import costs node itself (module
// resolution through an exports map, and for import() the ESM loader's first start), so the libraries
// can be read over it. Every probe runs inside that package's folder, so all three are loaded by name:
// the baseline through its own name (node's package self-reference, which resolves through the same
// exports-map code), the libraries from the repository's node_modules. (Until 2026-12-05 the baseline
// was loaded by file path, which skips node's first exports-map resolution, ~4 ms that every package
// with an exports map pays once, so the "over the one-line package" rows carried it for the libraries.)
const PACKAGES = {
  azid: "@azid/identity",
  azure: "@azure/identity",
  baseline: "one-line-module",
};
const PROBE_DIR = new URL("../fixtures/one-line-module/", import.meta.url).pathname;

function probeSource(specifier, mode) {
  const load = mode === "require" ? `require(${JSON.stringify(specifier)})` : `await import(${JSON.stringify(specifier)})`;
  return `
gc(); gc();
const m0 = process.memoryUsage();
const t0 = process.hrtime.bigint();
const mod = ${load};
const t1 = process.hrtime.bigint();
if (typeof mod.ClientSecretCredential !== "function") throw new Error("no ClientSecretCredential export");
gc(); gc();
const m1 = process.memoryUsage();
console.log("@@BENCH_RESULT@@ " + JSON.stringify({ ms: Number(t1 - t0) / 1e6, rss: m1.rss - m0.rss, heapUsed: m1.heapUsed - m0.heapUsed }));
`;
}

async function sample(lib, mode) {
  const flags = ["--expose-gc"];
  if (mode === "import") flags.push("--input-type=module");
  // No network guard here: nothing is called, and preloading it would load net/dns/dgram ahead of
  // the measurement and make both libraries look cheaper than they are.
  const { result } = await runNode([...flags, "-e", probeSource(PACKAGES[lib], mode)], {
    env: childEnv(),
    cwd: PROBE_DIR,
    timeoutMs: 30_000,
    label: `import cost: ${mode}(${PACKAGES[lib]})`,
  });
  return result;
}

export async function measureImportCost({ runs }) {
  const variants = [];
  for (const mode of ["require", "import"]) for (const lib of ["azid", "azure", "baseline"]) variants.push({ lib, mode });
  // One unmeasured round first, so the file system cache is warm for every variant.
  for (const v of variants) await sample(v.lib, v.mode);
  const samples = new Map(variants.map((v) => [`${v.lib}:${v.mode}`, []]));
  // Interleaved, so drift in machine load hits every variant alike.
  for (let i = 0; i < runs; i++) for (const v of variants) samples.get(`${v.lib}:${v.mode}`).push(await sample(v.lib, v.mode));
  const out = {};
  for (const v of variants) {
    const list = samples.get(`${v.lib}:${v.mode}`);
    out[v.lib] ??= {};
    out[v.lib][v.mode] = {
      ms: median(list.map((s) => s.ms)),
      rssMB: median(list.map((s) => s.rss)) / 2 ** 20,
      heapMB: median(list.map((s) => s.heapUsed)) / 2 ** 20,
      runs: list.length,
      msMinMax: [Math.min(...list.map((s) => s.ms)), Math.max(...list.map((s) => s.ms))],
    };
  }
  return out;
}
