// azid benchmark suite: `npm run bench` (builds first), or `node bench/run.mjs` on a built tree.
//
// Compares @azid/identity with @azure/identity on the same machine, in the same run, against the
// local Entra ID emulator. The emulator runs here, in the parent; every measured scenario runs in
// a child Node process (NODE_EXTRA_CA_CERTS set at start, network guard preloaded, clean env), so
// server work never runs in the measured process and nothing can leave loopback.
//
// Options:
//   BENCH_QUICK=1 or --quick    smoke run with small N (~20 s, plus ~70 s for localDev); writes bench/results.quick.json
//                               and leaves BENCHMARKS.md alone unless --markdown is given
//   --markdown / --no-markdown  force / skip rewriting BENCHMARKS.md (default: full runs only; a run with --only
//                               or --quick never rewrites it unless told, as it would drop the other scenarios)
//   --only=latency,scopes,...   run a subset (latency, scopes, cold, import, footprint, memory,
//                               managedIdentity, localDev)
//   --json=<path>               where to write the JSON results
// Exits non-zero when a scenario fails (not when a target is missed; see results.json `targets`).
import { cpus, loadavg, platform, release, tmpdir, totalmem } from "node:os";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { isIPv4 } from "node:net";
import { join } from "node:path";
import { childEnv, hasGuard, ROOT, runScenario } from "./lib/proc.mjs";
import { measureImportCost } from "./lib/importCost.mjs";
import { measureFootprint, measureJsLoaded } from "./lib/footprint.mjs";
import { measureLocalDev } from "./lib/localDev.mjs";
import { markdownReport, meetsTarget, textReport } from "./lib/report.mjs";
import { writeBenchChart } from "../scripts/bench-chart.mjs";
import { fleetDefinition } from "./fleet/scenario.mjs";
import { persistenceDefinition } from "./persistence/scenario.mjs";
import { webDefinition } from "./web/scenario.mjs";
import { spaDefinition } from "./spa/scenario.mjs";

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = process.env.BENCH_QUICK === "1" || flag("quick");
const only = option("only")
  ?.split(",")
  .map((s) => s.trim())
  .filter(Boolean);
const writeMarkdown = flag("markdown") || (!quick && only === undefined && !flag("no-markdown"));
const jsonPath = option("json") ?? process.env.BENCH_JSON ?? join(ROOT, quick ? "bench/results.quick.json" : "bench/results.json");

const SETTINGS = quick
  ? {
      seconds: 0.1,
      rounds: 1,
      scopesSmallK: 100,
      scopesLargeK: 1_000,
      coldConcurrency: 200,
      importRuns: 3,
      memoryCount: 1_000,
      memoryUsedCount: 100,
      miInstances: 100,
      localDevRuns: 1,
    }
  : {
      seconds: 1,
      rounds: 3,
      scopesSmallK: 400,
      scopesLargeK: 10_000,
      coldConcurrency: 200,
      importRuns: 15,
      memoryCount: 10_000,
      memoryUsedCount: 1_000,
      miInstances: 1_000,
      localDevRuns: 3,
    };
/** How long a local-development child waits for its first token before giving up (@azure/identity hangs for minutes on a black-hole IMDS). */
const LOCAL_DEV_CAP_MS = 30_000;
const FILL_CONCURRENCY = 32;
const ALL = ["latency", "scopes", "cold", "import", "footprint", "memory", "managedIdentity", "localDev", "fleet", "persistence", "web", "spa"];
const selected = new Set(only ?? ALL);
for (const name of selected) if (!ALL.includes(name)) throw new Error(`--only: unknown scenario "${name}" (known: ${ALL.join(", ")})`);

const log = (message) => process.stderr.write(`[bench] ${message}\n`);
const started = Date.now();

function isLoopbackHost(host) {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  const v4 = bare.startsWith("::ffff:") ? bare.slice(7) : bare;
  return isIPv4(v4) && v4.startsWith("127.");
}

function machine() {
  let cpuModel = cpus()[0]?.model ?? "unknown";
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => /^model name\s*:/.test(l));
    if (line) cpuModel = line.split(":").slice(1).join(":").trim();
  } catch {
    // not Linux: os.cpus() it is
  }
  const azureIdentityVersion = JSON.parse(readFileSync(join(ROOT, "node_modules/@azure/identity/package.json"), "utf8")).version;
  return {
    cpuModel,
    cores: cpus().length,
    totalMemoryBytes: totalmem(),
    platform: `${platform()} ${release()}`,
    node: process.version,
    date: new Date().toISOString(),
    azureIdentityVersion,
    quick,
    settings: SETTINGS,
    networkGuard: hasGuard(),
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

// ---------------------------------------------------------------------------------------------
// The emulator

async function startEmulatorForBench() {
  let emulator;
  try {
    emulator = await import("@azid/emulator");
  } catch (error) {
    throw new Error(`cannot load @azid/emulator (run \`node scripts/build.mjs\` first): ${error.message}`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), "azid-bench-"));
  const emu = await emulator.startEmulator({ dataDir, host: "127.0.0.1", accessTokenLifetimeSeconds: 3600 });
  emu.config.resources = [...(emu.config.resources ?? []), "https://*.example"]; // scenario 2's K resources, https://r{i}.example
  const host = new URL(emu.url).hostname;
  if (!isLoopbackHost(host)) {
    await emu.close();
    throw new Error(`the emulator listens on ${emu.url}, which is not loopback; refusing to benchmark against it`);
  }
  const caCertPath = emu.caCertPath ?? emu.env?.().NODE_EXTRA_CA_CERTS;
  if (!caCertPath) throw new Error("the emulator exposes no caCertPath (nor NODE_EXTRA_CA_CERTS in emu.env())");
  const identity = {
    tenantId: emulator.DEFAULT_TENANT_ID,
    clientId: emulator.DEFAULT_CLIENT_ID,
    clientSecret: emulator.DEFAULT_CLIENT_SECRET,
    authorityHost: emu.url,
  };
  for (const [key, value] of Object.entries(identity)) if (typeof value !== "string") throw new Error(`@azid/emulator does not export the default ${key}`);
  return { emu, dataDir, caCertPath, identity };
}

/** Any HTTP answer over TLS with the emulator's CA proves the children will reach it. */
function preflight({ identity, caCertPath }) {
  const url = new URL(`${identity.authorityHost}/${identity.tenantId}/v2.0/.well-known/openid-configuration`);
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: readFileSync(caCertPath), timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("timeout", () => req.destroy(new Error("no answer within 10 s")));
    req.on("error", (error) => reject(new Error(`the emulator at ${identity.authorityHost} is unreachable: ${error.message}`)));
    req.end();
  });
}

/**
 * How many requests to `route` the emulator served since it started, from its control API's counters
 * (GET /_emulator/request-counts, with this run's control secret). Not the request log: that is a ring
 * of the newest 1,000, which undercounted scenario 2 at K=10,000.
 */
function routeRequests({ emu }, route) {
  return new Promise((resolve, reject) => {
    const url = new URL("/_emulator/request-counts", emu.url);
    const req = request(url, { ca: emu.caCertPem, headers: { authorization: `Bearer ${emu.controlSecret}` }, timeout: 10_000 }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk) => (text += chunk));
      res.on("end", () => {
        if (res.statusCode !== 200) return reject(new Error(`GET /_emulator/request-counts answered ${res.statusCode}: ${text.slice(0, 200)}`));
        resolve(JSON.parse(text).byRoute[route] ?? 0);
      });
    });
    req.on("timeout", () => req.destroy(new Error("GET /_emulator/request-counts: no answer within 10 s")));
    req.on("error", reject);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------
// Scenarios

async function scenarioInChild(ctx, lib, scenario, params, { timeoutMs, nodeFlags = [], env = {} }) {
  const before = await routeRequests(ctx, "token");
  const result = await runScenario(
    { scenario, lib, ...ctx.identity, ...params },
    { nodeFlags, timeoutMs, env: childEnv({ NODE_EXTRA_CA_CERTS: ctx.caCertPath, ...env }) },
  );
  return { ...result, tokenRequests: (await routeRequests(ctx, "token")) - before };
}

const TARGETS = {
  latency: { op: "<=", value: 0.5, text: "≤ 0.5 µs" },
  scopes: { op: "<=", value: 1, text: "≤ 1 µs" },
  cold: { op: "<=", value: 1, text: "1 request" },
  importMs: { op: "<=", value: 15, text: "≤ 15 ms" },
  importMB: { op: "<=", value: 3, text: "≤ 3 MB" },
  packages: { op: "<=", value: 1, text: "1 package" },
  memory: { op: "<=", value: 10, text: "≤ 10 KB" },
  miImds: { op: "<=", value: 1, text: "1 request" },
  devFirst: { op: "<=", value: 500, text: "≤ 0.5 s" },
  devSecond: { op: "<=", value: 1000, text: "≤ 1 ms" },
  devBlackHole: { op: "<=", value: 2000, text: "≤ 2 s" },
};

async function managedIdentity(ctx) {
  const imdsHost = ctx.emu.managedIdentity.httpUrl;
  const imdsRequests = () => routeRequests(ctx, "imds");
  const inChild = async (lib, scenario, params, timeoutMs) => {
    const before = await imdsRequests();
    const result = await scenarioInChild(ctx, lib, scenario, { imdsHost, ...params }, { timeoutMs, nodeFlags: ["--expose-gc"] });
    return { ...result, imdsRequests: (await imdsRequests()) - before };
  };
  const timing = { seconds: SETTINGS.seconds, rounds: SETTINGS.rounds };
  log("7/7 managed identity: cached getToken, azid");
  const azidLatency = await inChild("azid", "miLatency", timing, 60_000);
  log("7/7 managed identity: cached getToken, @azure/identity");
  const azureLatency = await inChild("azure", "miLatency", timing, 90_000);
  const count = SETTINGS.miInstances;
  log(`7/7 managed identity: ${count} fresh instances, azid`);
  const azidInstances = await inChild("azid", "miInstances", { count }, 120_000);
  log(`7/7 managed identity: ${count} fresh instances, @azure/identity`);
  const azureInstances = await inChild("azure", "miInstances", { count }, 180_000);
  return {
    details: { azidLatency, azureLatency, azidInstances, azureInstances },
    rows: [
      { label: "cached MI getToken mean µs/op", azid: azidLatency.meanUs, azure: azureLatency.meanUs, target: TARGETS.latency, headline: true },
      {
        label: `IMDS requests for ${count.toLocaleString("en-US")} fresh instances`,
        azid: azidInstances.imdsRequests,
        azure: azureInstances.imdsRequests,
        target: TARGETS.miImds,
        headline: true,
      },
      { label: `wall time ms (${count.toLocaleString("en-US")} instances)`, azid: azidInstances.wallMs, azure: azureInstances.wallMs },
    ],
  };
}

async function localDev() {
  const r = await measureLocalDev({ runs: SETTINGS.localDevRuns, capMs: LOCAL_DEV_CAP_MS, log });
  for (const [id, c] of Object.entries(r)) if (c.azid.gaveUp) throw new Error(`azid got no token within ${LOCAL_DEV_CAP_MS / 1000} s (${id})`);
  // @azure/identity gave up: azid is at least cap / azid's time faster.
  const atLeast = (c) => (c.azure.gaveUp && typeof c.azid.firstMs === "number" ? `> ${Math.floor(LOCAL_DEV_CAP_MS / c.azid.firstMs)}×` : undefined);
  const rows = [];
  for (const [c, name, firstTarget] of [
    [r.refused, "IMDS refused", TARGETS.devFirst],
    [r.blackHole, "IMDS black hole", TARGETS.devBlackHole],
  ]) {
    rows.push(
      {
        label: `${name}: first token ms (constructor + getToken)`,
        azid: c.azid.firstMs,
        azure: c.azure.firstMs,
        target: firstTarget,
        headline: true,
        ratio: atLeast(c),
      },
      {
        label: `${name}: second getToken µs`,
        azid: c.azid.secondUs,
        azure: c.azure.secondUs,
        target: c === r.refused ? TARGETS.devSecond : undefined,
        headline: c === r.refused,
      },
      { label: `${name}: az runs per process (2 getToken calls)`, azid: c.azid.azRuns, azure: c.azure.gaveUp ? "—" : c.azure.azRuns, ratio: false },
    );
  }
  rows.push({
    label: "IMDS black hole: connections to it per process",
    azid: r.blackHole.azid.imdsConnections,
    azure: r.blackHole.azure.imdsConnections,
    ratio: false,
  });
  return { details: r, rows };
}

async function latency(ctx) {
  const params = { seconds: SETTINGS.seconds, rounds: SETTINGS.rounds };
  // Issue 13's condition: logging on at `warning` (AZURE_LOG_LEVEL, as an Azure SDK user sets it) and no tracer registered, for both libraries.
  const env = { AZURE_LOG_LEVEL: "warning" };
  log("1/6 cached getToken latency: azid");
  const azid = await scenarioInChild(ctx, "azid", "latency", params, { timeoutMs: 60_000, nodeFlags: ["--expose-gc"], env });
  log("1/6 cached getToken latency: @azure/identity");
  const azure = await scenarioInChild(ctx, "azure", "latency", params, { timeoutMs: 90_000, nodeFlags: ["--expose-gc"], env });
  return {
    details: { azid, azure },
    rows: [
      {
        label: SETTINGS.rounds > 1 ? "mean µs/op (median of rounds)" : "mean µs/op",
        azid: azid.meanUs,
        azure: azure.meanUs,
        target: TARGETS.latency,
        headline: true,
      },
      { label: "p50 µs/op (batch means)", azid: azid.p50Us, azure: azure.p50Us },
      { label: "p99 µs/op (batch means)", azid: azid.p99Us, azure: azure.p99Us },
      { label: "calls timed", azid: azid.ops, azure: azure.ops, ratio: false },
      { label: "token requests (whole child)", azid: azid.tokenRequests, azure: azure.tokenRequests, ratio: false },
    ],
  };
}

async function scopes(ctx) {
  const run = (lib, k) => {
    log(`2/6 many cached scopes: ${lib === "azid" ? "azid" : "@azure/identity"}, K=${k.toLocaleString("en-US")}`);
    return scenarioInChild(
      ctx,
      lib,
      "scopes",
      { k, seconds: SETTINGS.seconds, rounds: SETTINGS.rounds, concurrency: FILL_CONCURRENCY, fillTimeoutMs: 30_000 + k * 20 },
      {
        timeoutMs: 90_000 + k * 25,
        nodeFlags: ["--expose-gc"],
      },
    );
  };
  const small = SETTINGS.scopesSmallK;
  const large = SETTINGS.scopesLargeK;
  const azidSmall = await run("azid", small);
  const azureSmall = await run("azure", small);
  const azidLarge = await run("azid", large);
  const notRun = `not run (O(K))`;
  const k = (n) => n.toLocaleString("en-US");
  return {
    details: { azidSmall, azureSmall, azidLarge },
    rows: [
      { label: `mean µs/op, K=${k(small)}`, azid: azidSmall.meanUs, azure: azureSmall.meanUs, target: TARGETS.scopes, headline: true },
      { label: `p99 µs/op, K=${k(small)}`, azid: azidSmall.p99Us, azure: azureSmall.p99Us },
      { label: `mean µs/op, K=${k(large)}`, azid: azidLarge.meanUs, azure: notRun, target: TARGETS.scopes },
      { label: `p99 µs/op, K=${k(large)}`, azid: azidLarge.p99Us, azure: notRun },
      { label: `cache fill s, K=${k(small)}`, azid: azidSmall.fillSeconds, azure: azureSmall.fillSeconds },
      { label: `token requests (all phases), K=${k(small)}`, azid: azidSmall.tokenRequests, azure: azureSmall.tokenRequests, ratio: false },
      { label: `token requests (all phases), K=${k(large)}`, azid: azidLarge.tokenRequests, azure: notRun, ratio: false },
    ],
  };
}

async function cold(ctx) {
  const params = { concurrency: SETTINGS.coldConcurrency };
  log(`3/6 ${params.concurrency} concurrent cold calls: azid`);
  const azid = await scenarioInChild(ctx, "azid", "cold", params, { timeoutMs: 90_000 });
  log(`3/6 ${params.concurrency} concurrent cold calls: @azure/identity`);
  const azure = await scenarioInChild(ctx, "azure", "cold", params, { timeoutMs: 120_000 });
  return {
    details: { azid, azure },
    rows: [
      { label: "token requests to the emulator", azid: azid.tokenRequests, azure: azure.tokenRequests, target: TARGETS.cold, headline: true },
      { label: "wall time ms (all calls settled)", azid: azid.wallMs, azure: azure.wallMs },
      { label: "calls fulfilled", azid: azid.fulfilled, azure: azure.fulfilled, ratio: false },
      { label: "distinct tokens returned", azid: azid.distinctTokens, azure: azure.distinctTokens, ratio: false },
    ],
  };
}

async function importCost() {
  log(`4/6 import cost: ${SETTINGS.importRuns} interleaved runs x 6 variants`);
  const r = await measureImportCost({ runs: SETTINGS.importRuns });
  const js = await measureJsLoaded();
  return {
    details: { ...r, jsLoaded: js },
    rows: [
      { label: "require() ms", azid: r.azid.require.ms, azure: r.azure.require.ms },
      { label: "  (a one-line package: require() ms)", azid: r.baseline.require.ms, azure: r.baseline.require.ms, ratio: false },
      {
        label: "require() ms over the one-line package",
        azid: r.azid.require.ms - r.baseline.require.ms,
        azure: r.azure.require.ms - r.baseline.require.ms,
        target: TARGETS.importMs,
        headline: true,
      },
      { label: "require() RSS MB", azid: r.azid.require.rssMB, azure: r.azure.require.rssMB, target: TARGETS.importMB },
      { label: "require() heapUsed MB", azid: r.azid.require.heapMB, azure: r.azure.require.heapMB, target: TARGETS.importMB },
      { label: "import() ms", azid: r.azid.import.ms, azure: r.azure.import.ms },
      { label: "  (a one-line package: import() ms, mostly the ESM loader starting)", azid: r.baseline.import.ms, azure: r.baseline.import.ms, ratio: false },
      {
        label: "import() ms over the one-line package",
        azid: r.azid.import.ms - r.baseline.import.ms,
        azure: r.azure.import.ms - r.baseline.import.ms,
        target: TARGETS.importMs,
      },
      { label: "import() RSS MB", azid: r.azid.import.rssMB, azure: r.azure.import.rssMB },
      {
        label: "import() RSS MB over the one-line package",
        azid: r.azid.import.rssMB - r.baseline.import.rssMB,
        azure: r.azure.import.rssMB - r.baseline.import.rssMB,
        target: TARGETS.importMB,
      },
      { label: "import() heapUsed MB", azid: r.azid.import.heapMB, azure: r.azure.import.heapMB, target: TARGETS.importMB },
      { label: "JS loaded by require() KB", azid: js.azid.requireBytes / 1024, azure: js.azure.requireBytes / 1024 },
      { label: "JS loaded for a ClientSecretCredential's first token KB", azid: js.azid.firstTokenBytes / 1024, azure: null },
    ],
  };
}

async function footprint() {
  log("5/6 install footprint");
  const r = await measureFootprint();
  return {
    details: r,
    rows: [
      { label: "packages installed", azid: r.azid.packages, azure: r.azure.packages, target: TARGETS.packages, headline: true },
      { label: "MB (sum of file sizes)", azid: r.azid.bytes / 2 ** 20, azure: r.azure.bytes / 2 ** 20, headline: false },
      { label: "MB on disk (allocated blocks)", azid: r.azid.allocatedBytes / 2 ** 20, azure: r.azure.allocatedBytes / 2 ** 20 },
      { label: "files", azid: r.azid.files, azure: r.azure.files },
    ],
  };
}

async function memory(ctx) {
  const flags = ["--expose-gc", "--max-old-space-size=4096"];
  const constructed = { count: SETTINGS.memoryCount, secretPrefix: "bench-secret-unregistered-" };
  const n = (count) => count.toLocaleString("en-US");
  log(`6/6 memory per credential (${n(constructed.count)} instances): azid`);
  const azid = await scenarioInChild(ctx, "azid", "memory", constructed, { timeoutMs: 90_000, nodeFlags: flags });
  log(`6/6 memory per credential (${n(constructed.count)} instances): @azure/identity`);
  const azure = await scenarioInChild(ctx, "azure", "memory", constructed, { timeoutMs: 180_000, nodeFlags: flags });

  // Second variant: every credential used once. Its secrets are registered with the (live)
  // emulator configuration, so each credential authenticates as itself and caches its own token.
  const used = { count: SETTINGS.memoryUsedCount, getToken: true, concurrency: 16, timeoutMs: 120_000 };
  const app = ctx.emu.config.tenants.flatMap((t) => t.apps).find((a) => a.clientId === ctx.identity.clientId);
  if (app === undefined) throw new Error("the emulator configuration has no app for the default client id");
  const registered = [...(app.secrets ?? [])];
  const prefixes = { azid: "bench-secret-azid-", azure: "bench-secret-azure-" };
  app.secrets = [...registered, ...Object.values(prefixes).flatMap((p) => Array.from({ length: used.count }, (_, i) => `${p}${i}`))];
  let azidUsed;
  let azureUsed;
  try {
    log(`6/6 memory per credential after one getToken each (${n(used.count)} instances): azid`);
    azidUsed = await scenarioInChild(ctx, "azid", "memory", { ...used, secretPrefix: prefixes.azid }, { timeoutMs: 150_000, nodeFlags: flags });
    log(`6/6 memory per credential after one getToken each (${n(used.count)} instances): @azure/identity`);
    azureUsed = await scenarioInChild(ctx, "azure", "memory", { ...used, secretPrefix: prefixes.azure }, { timeoutMs: 150_000, nodeFlags: flags });
  } finally {
    app.secrets = registered;
  }
  return {
    details: { azid, azure, azidUsed, azureUsed },
    rows: [
      {
        label: `heapUsed KB per credential (${n(constructed.count)} constructed)`,
        azid: azid.heapKBPerCredential,
        azure: azure.heapKBPerCredential,
        target: TARGETS.memory,
        headline: true,
      },
      { label: `RSS KB per credential (${n(constructed.count)} constructed)`, azid: azid.rssKBPerCredential, azure: azure.rssKBPerCredential },
      { label: "construction µs per credential", azid: azid.constructUsPerCredential, azure: azure.constructUsPerCredential },
      { label: `heapUsed KB per credential (${n(used.count)}, one getToken each)`, azid: azidUsed.heapKBPerCredential, azure: azureUsed.heapKBPerCredential },
      { label: `token requests (${n(used.count)}, one getToken each)`, azid: azidUsed.tokenRequests, azure: azureUsed.tokenRequests, ratio: false },
    ],
  };
}

const S = SETTINGS;
const fmtK = (n) => n.toLocaleString("en-US");
const DEFINITIONS = [
  {
    id: "latency",
    title: "1. Cached getToken latency",
    needsEmulator: true,
    run: latency,
    howMeasured:
      `One ClientSecretCredential per library in its own child process; one warm-up \`getToken("https://storage.azure.com/.default")\` fetches the token, ` +
      `then an untimed calibration pass of ${Math.max(0.05, Math.min(0.6, S.seconds * 0.4)).toFixed(2)} s (also the JIT warm-up) estimates the cost per call; then ${S.rounds} round${S.rounds > 1 ? "s" : ""} of sequential \`await getToken(...)\` calls, each about ${S.seconds} s ` +
      "(so N is adaptive: millions of calls for azid, thousands for @azure/identity). " +
      `Mean = a round's time / its calls${S.rounds > 1 ? "; the table shows the median round (all rounds are in results.json), so one round disturbed by other load does not decide it" : ""}. ` +
      "Calls are timed in batches of about 1 ms (a single sub-µs call is below timer resolution); p50/p99 are over the per-batch means of all rounds. " +
      "The token-request row counts what the emulator received from the whole child: 1 means every timed call was a cache hit.",
  },
  {
    id: "scopes",
    title: "2. Many cached scopes",
    needsEmulator: true,
    run: scopes,
    howMeasured:
      `The child gets the first of K distinct scopes \`https://r{i}.example/.default\` alone, fills the cache with the rest (${FILL_CONCURRENCY} requests in flight), makes one untimed pass over all K, ` +
      "then times `getToken` over a fixed pseudo-random sequence of those scopes, " +
      `with the same adaptive, batched timing as scenario 1. Both libraries at K=${fmtK(S.scopesSmallK)}; azid also at K=${fmtK(S.scopesLargeK)} ` +
      "(@azure/identity's cache lookup scans every cached token, so it is not run there). Token requests = K shows that every timed call was a cache hit.",
  },
  {
    id: "cold",
    title: `3. ${S.coldConcurrency} concurrent cold calls`,
    needsEmulator: true,
    run: cold,
    howMeasured:
      `A fresh child process creates one credential and awaits \`Promise.all\` of ${S.coldConcurrency} \`getToken\` calls for the same scope. ` +
      "The parent counts the token-endpoint requests the emulator received while that child ran. Wall time is from the first call to the last settled promise, in the child.",
  },
  {
    id: "import",
    title: "4. Import cost",
    needsEmulator: false,
    run: importCost,
    howMeasured:
      `Each sample is a fresh \`node --expose-gc -e\` process (CommonJS \`require()\` of the package's CJS build, or \`--input-type=module\` \`await import()\` of its ESM build) that measures itself: ` +
      "gc, `process.memoryUsage()`, `process.hrtime` around the load call only, gc, `process.memoryUsage()`. So the figures are the load on top of a bare node, excluding node's own startup. " +
      `Median of ${S.importRuns} samples per variant, variants interleaved, after one unmeasured warm-up round. ` +
      "JS loaded: the sizes of the files in a CommonJS process's require.cache (node's built-ins excluded) after `require()`, and for azid after a ClientSecretCredential's first token " +
      "from a loopback token endpoint in the same process (@azure/identity's MSAL insists on an https authority, so only its require() is shown).",
  },
  {
    id: "footprint",
    title: "5. Install footprint",
    needsEmulator: false,
    run: footprint,
    howMeasured:
      "azid: `npm pack --dry-run --json` in packages/identity (the files npm would publish; sum of their sizes) plus the closure of its `dependencies` (there are none). " +
      "@azure/identity: its production dependency closure (`dependencies`, installed optional and required peer dependencies), resolved from node_modules/@azure/identity the way Node resolves them; " +
      "each name@version is counted once (this workspace has a few nested duplicate copies that a clean install would dedupe). " +
      'Sizes exclude nested node_modules (counted as packages of their own); "allocated blocks" is what `du` would report, small files rounded up to the file system block.',
  },
  {
    id: "memory",
    title: "6. Memory per credential",
    needsEmulator: true,
    run: memory,
    howMeasured:
      `A child with \`--expose-gc\` constructs one credential (to load lazily-initialised module state), runs gc, then constructs ${fmtK(S.memoryCount)} ClientSecretCredential instances with distinct secrets, ` +
      "all kept in an array, runs gc again, and reports the heapUsed (and RSS) difference divided by the count; no token is requested (the target applies to this row). " +
      `The "one getToken each" rows repeat this with ${fmtK(S.memoryUsedCount)} credentials whose distinct secrets are registered with the emulator, and call \`getToken\` once on each ` +
      "(16 in flight) before the second measurement, so each credential's client state and cached token are included.",
  },
  {
    id: "managedIdentity",
    title: "7. Managed identity (IMDS)",
    needsEmulator: true,
    run: managedIdentity,
    howMeasured:
      "Both libraries get AZURE_POD_IDENTITY_AUTHORITY_HOST pointing at the emulator's IMDS (never 169.254.169.254). Cached latency: as scenario 1 with a system-assigned ManagedIdentityCredential. " +
      `Instances: ${fmtK(S.miInstances)} ManagedIdentityCredential instances created in one process, then getToken on all of them at once (the "one credential per request" mistake); ` +
      "the parent counts the IMDS requests the emulator received.",
  },
  {
    id: "localDev",
    title: "8. Local development with DefaultAzureCredential",
    needsEmulator: false,
    run: localDev,
    howMeasured:
      "A developer's laptop: `az` is signed in (the test suite's fake az, a node script printing what `az account get-access-token` prints, with a one-hour token; " +
      "it and node are alone on PATH), HOME is an empty temporary directory and no other AZURE_* variable is set, so Environment and Workload identity have nothing to use. " +
      "Managed identity is kept on loopback with AZURE_POD_IDENTITY_AUTHORITY_HOST (never 169.254.169.254): either a closed port (connection refused) " +
      "or a server in the bench process that accepts connections and never answers (black hole). " +
      `Each sample is a fresh child process timing \`new DefaultAzureCredential()\` + the first \`getToken("https://management.azure.com/.default")\`, then a second getToken; ` +
      `median of ${S.localDevRuns} process${S.localDevRuns > 1 ? "es" : ""} per library and case (every run is in results.json), after the library is imported (import cost is scenario 4). ` +
      "Both tokens must be the fake az's (its tenant and audience), so a wrong credential winning fails the scenario. " +
      `A child gives up on its first token after ${LOCAL_DEV_CAP_MS / 1000} s (that library is then not run again for that case). ` +
      "Caveat: @azure/identity takes AZURE_POD_IDENTITY_AUTHORITY_HOST as proof that IMDS exists and skips its 1 s availability probe, going straight to MSAL's token request and its retries; " +
      "on a real laptop (no variable) it would probe 169.254.169.254 with a 1 s deadline instead. azid probes either address the same way (once per process, 1 s deadline, no retries).",
  },
  fleetDefinition({ quick, log }),
  persistenceDefinition({ quick, log }),
  webDefinition({ quick, log }),
  spaDefinition({ quick, log }),
];

// ---------------------------------------------------------------------------------------------

async function main() {
  const meta = machine();
  const definitions = DEFINITIONS.filter((d) => selected.has(d.id));
  log(
    `${quick ? "quick smoke run" : "full run"}: ${definitions.map((d) => d.id).join(", ")}${hasGuard() ? "" : " (WARNING: scripts/network-guard.mjs missing, children run unguarded)"}`,
  );

  let ctx;
  let emulatorError;
  if (definitions.some((d) => d.needsEmulator)) {
    try {
      ctx = await startEmulatorForBench();
      const status = await preflight(ctx);
      log(`emulator at ${ctx.identity.authorityHost} (discovery answered ${status})`);
    } catch (error) {
      emulatorError = error instanceof Error ? error.message : String(error);
      log(`EMULATOR UNAVAILABLE: ${emulatorError}`);
    }
  }

  const scenarios = [];
  try {
    for (const definition of definitions) {
      const base = { id: definition.id, title: definition.title, howMeasured: definition.howMeasured, rows: [] };
      if (definition.needsEmulator && emulatorError !== undefined) {
        scenarios.push({ ...base, error: `emulator unavailable: ${emulatorError}` });
        continue;
      }
      const t0 = Date.now();
      try {
        const { rows, details } = await definition.run(ctx);
        scenarios.push({ ...base, rows, details, seconds: (Date.now() - t0) / 1000 });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`${definition.id} FAILED: ${message}`);
        scenarios.push({ ...base, error: message, seconds: (Date.now() - t0) / 1000 });
      }
    }
  } finally {
    if (ctx !== undefined) {
      await ctx.emu.close();
      rmSync(ctx.dataDir, { recursive: true, force: true });
    }
  }

  meta.durationSeconds = (Date.now() - started) / 1000;
  meta.loadAverageAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
  const targets = scenarios.flatMap((s) =>
    s.rows.filter((r) => r.target).map((r) => ({ scenario: s.id, metric: r.label, azid: r.azid, target: r.target.text, met: meetsTarget(r) })),
  );
  const output = { meta, scenarios, targets };

  process.stdout.write(
    `\nazid vs @azure/identity ${meta.azureIdentityVersion}: ${meta.cpuModel}, ${meta.cores} cores, node ${meta.node}${quick ? ", QUICK run" : ""}\n\n`,
  );
  process.stdout.write(textReport(scenarios) + "\n\n");
  const missed = targets.filter((t) => t.met === false);
  process.stdout.write(
    `targets met: ${targets.length - missed.length}/${targets.length}${missed.length ? ` (missed: ${missed.map((t) => `${t.scenario}: ${t.metric}`).join("; ")})` : ""}\n`,
  );
  process.stdout.write(`total ${meta.durationSeconds.toFixed(1)} s\n`);

  writeFileSync(jsonPath, JSON.stringify(output, null, 2) + "\n");
  log(`wrote ${jsonPath}`);
  if (writeMarkdown) {
    writeFileSync(join(ROOT, "BENCHMARKS.md"), markdownReport(output));
    log(`wrote ${join(ROOT, "BENCHMARKS.md")}`);
    log(`wrote ${writeBenchChart()} (the README's chart, from the Summary table)`);
  }
  const failed = scenarios.filter((s) => s.error);
  if (failed.length > 0) {
    log(`${failed.length} scenario(s) failed: ${failed.map((s) => s.id).join(", ")}`);
    process.exitCode = 1;
  }
}

await main();
