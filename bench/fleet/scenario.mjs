// Benchmark scenario "fleet": N Node processes x K scopes starting together against the emulator,
// with the Redis fleet cache (@azid/cache-redis), without it, and with @azure/identity. Its own
// emulator (short-lived tokens, so refreshes happen within the run) and its own redis-server live
// in the bench parent; every member is a child process (bench/fleet/member.mjs) with the loopback
// network guard. Each run gets a fresh app registration and a fresh Redis key prefix, so no run
// sees another's tokens.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childEnv, guardFlags } from "../lib/proc.mjs";
import { quantile } from "../lib/stats.mjs";
import { ensureCacheRedisBuilt } from "./build.mjs";
import { runFleet } from "./fleet.mjs";

const REDIS_HELPER = new URL("../../scripts/lib/redis.mjs", import.meta.url).href;
const MI_RESOURCES = [
  "https://storage.azure.com",
  "https://vault.azure.net",
  "https://management.azure.com",
  "https://graph.microsoft.com",
  "https://servicebus.azure.net",
];
const RETRY_AFTER_S = 2;

export function fleetSettings(quick) {
  const settings = quick
    ? { processes: 8, scopes: 10, lifetimeS: 20, lifetimes: 1, l2Scopes: 100, frozenRounds: 1, frozenHoldMs: 200 }
    : { processes: 16, scopes: 50, lifetimeS: 30, lifetimes: 3, l2Scopes: 500, frozenRounds: 7, frozenHoldMs: 200 };
  // BENCH_FLEET_PROCESSES=1 with BENCH_FLEET_CASES=frozen: one process, the shape of a fault without the machine's contention.
  const processes = Number(process.env.BENCH_FLEET_PROCESSES ?? settings.processes);
  if (!Number.isInteger(processes) || processes < 1)
    throw new Error(`BENCH_FLEET_PROCESSES: expected a positive integer (received ${process.env.BENCH_FLEET_PROCESSES})`);
  // BENCH_FLEET_FROZEN_ROUNDS: alternating rounds of the frozen-Redis case (more rounds, a steadier median).
  const frozenRounds = Number(process.env.BENCH_FLEET_FROZEN_ROUNDS ?? settings.frozenRounds);
  if (!Number.isInteger(frozenRounds) || frozenRounds < 1)
    throw new Error(`BENCH_FLEET_FROZEN_ROUNDS: expected a positive integer (received ${process.env.BENCH_FLEET_FROZEN_ROUNDS})`);
  return { ...settings, processes, frozenRounds };
}

const TARGETS = {
  cold: (scopes) => ({ op: "<=", value: scopes, text: `${scopes} requests` }),
  refresh: { op: "<=", value: 1.2, text: "≤ 1.2" },
  imds: { op: "<=", value: 1, text: "1 request" },
  killed: { op: "<=", value: 0, text: "0 failures" },
  frozen: { op: "<=", value: 250, text: "≤ 250 ms" },
  burst: { op: "<=", value: 1, text: "≤ 1 request" },
};

class FleetBench {
  constructor(settings, log) {
    this.s = settings;
    this.log = log;
    this.key = randomBytes(32).toString("base64");
  }

  async start() {
    ensureCacheRedisBuilt();
    const { startEmulator } = await import("@azid/emulator");
    this.redisLib = await import(REDIS_HELPER);
    this.dataDir = mkdtempSync(join(tmpdir(), "azid-bench-fleet-"));
    this.emu = await startEmulator({
      dataDir: this.dataDir,
      accessTokenLifetimeSeconds: this.s.lifetimeS,
      managedIdentityTokenLifetimeSeconds: 3600,
      requestLogLimit: 10_000_000,
    }); // every request counted
    this.redis = await this.redisLib.startRedis();
    this.tenant = this.emu.config.tenants[0];
  }

  async close() {
    await this.redis?.stop().catch(() => undefined);
    await this.emu?.close();
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  scopes(count = this.s.scopes) {
    return Array.from({ length: count }, (_, i) => `https://fleet${i}.blob.core.windows.net/.default`);
  }

  /** A fresh app registration, so a run's token requests are told apart by client_id. */
  app() {
    const clientId = randomUUID();
    const secret = `bench~${randomUUID()}`;
    this.tenant.apps.push({ clientId, secrets: [secret], certificates: [], roles: [], federatedCredentials: [] });
    return { kind: "secret", tenantId: this.tenant.id, clientId, clientSecret: secret, authorityHost: this.emu.url };
  }

  /**
   * Starts a fleet; `variant` is "plugin", "none" (azid alone) or "azure". `holdMs` (with "plugin"): the
   * members load and connect the Redis client as with the plugin, but a stand-in fleet cache that does
   * no Redis operation holds each call for holdMs, then fetches (the frozen-Redis case's control).
   */
  fleet({ variant, credential, scopes, phases, size = this.s.processes, env = {}, onStart, prefix = randomUUID().slice(0, 8), holdMs }) {
    const lib = variant === "azure" ? "azure" : "azid";
    const plugin = variant === "plugin" ? { client: "node-redis", port: this.redis.port, key: this.key, prefix } : undefined;
    return runFleet({
      size,
      nodeArgs: guardFlags(),
      env: childEnv({ NODE_EXTRA_CA_CERTS: this.emu.caCertPath, ...env }),
      settings: () => ({ lib, plugin, holdMs, credential, scopes, phases }),
      onStart,
      timeoutMs: 600_000,
    });
  }

  requests(route, filter = () => true) {
    return this.emu.requests.filter((r) => r.route === route && filter(r));
  }

  byClient(clientId) {
    return (r) => r.form?.client_id === clientId;
  }
}

/** The plugin's own counters, summed over the fleet (results.json shows why a run made the requests it made). */
const pluginStatsOf = (results) => {
  const sum = {};
  for (const r of results) for (const [k, v] of Object.entries(r.pluginStats ?? {})) sum[k] = (sum[k] ?? 0) + v;
  return sum;
};
const failuresOf = (results) => results.reduce((n, r) => n + r.failures, 0);
const errorsOf = (results) => [...new Set(results.flatMap((r) => r.errors))].slice(0, 3).join("; ");
const latencies = (results, phase = 0) => results.flatMap((r) => r.phases[phase].latenciesUs);
const slowestMs = (results, phase = 0) => Math.max(...results.map((r) => r.phases[phase].ms));

function checkNoFailures(results, what) {
  const failures = failuresOf(results);
  if (failures > 0) throw new Error(`${what}: ${failures} getToken call(s) failed: ${errorsOf(results)}`);
}

async function coldStart(b) {
  const scopes = b.scopes();
  const out = {};
  for (const variant of ["plugin", "none", "azure"]) {
    b.log(`fleet: cold start, ${b.s.processes} processes x ${scopes.length} scopes, ${variant}`);
    const credential = b.app();
    const results = await b.fleet({ variant, credential, scopes, phases: [{ type: "cold" }] });
    checkNoFailures(results, `cold start (${variant})`);
    out[variant] = {
      plugin: pluginStatsOf(results),
      requests: b.requests("token", b.byClient(credential.clientId)).length,
      wallMs: slowestMs(results),
      p99Ms: quantile(latencies(results), 0.99) / 1000,
    };
  }
  return out;
}

async function managedIdentity(b) {
  const scopes = MI_RESOURCES.map((r) => `${r}/.default`);
  const env = b.emu.managedIdentity.env("imds");
  const out = {};
  for (const variant of ["plugin", "none", "azure"]) {
    b.log(`fleet: managed identity, ${b.s.processes} processes x ${scopes.length} resources, ${variant}`);
    const before = b.requests("imds").length;
    const results = await b.fleet({ variant, credential: { kind: "mi" }, scopes, phases: [{ type: "cold" }], env });
    checkNoFailures(results, `managed identity (${variant})`);
    out[variant] = { plugin: pluginStatsOf(results), perResource: (b.requests("imds").length - before) / scopes.length };
  }
  return out;
}

/** Refresh requests per key, divided by how many times one process saw its token change. */
function refreshRate(results, requests, scopes) {
  const changes = results.flatMap((r) => scopes.map((s) => r.tokens[s].length - 1));
  const meanChanges = changes.reduce((a, b) => a + b, 0) / changes.length;
  const refreshRequests = requests - scopes.length; // the cold start fetched each scope once
  return {
    plugin: pluginStatsOf(results),
    refreshRequests,
    meanChanges,
    perTokenPerLifetime: meanChanges > 0 ? refreshRequests / (scopes.length * meanChanges) : NaN,
  };
}

async function refreshes(b) {
  const scopes = b.scopes();
  const durationMs = b.s.lifetimeS * 1000 * b.s.lifetimes;
  b.log(
    `fleet: refreshes over ${b.s.lifetimes} lifetime(s) of ${b.s.lifetimeS} s tokens, with and without the plugin (${Math.round(durationMs / 1000)} s each)`,
  );
  const phases = [{ type: "cold" }, { type: "loop", durationMs, intervalMs: 250 }];
  const withPlugin = b.app();
  const without = b.app();
  // One after the other: each fleet alone on the machine, as the cold-start runs.
  const pluginResults = await b.fleet({ variant: "plugin", credential: withPlugin, scopes, phases });
  const noneResults = await b.fleet({ variant: "none", credential: without, scopes, phases });
  checkNoFailures(pluginResults, "refreshes (plugin)");
  checkNoFailures(noneResults, "refreshes (no plugin)");
  return {
    plugin: refreshRate(pluginResults, b.requests("token", b.byClient(withPlugin.clientId)).length, scopes),
    none: refreshRate(noneResults, b.requests("token", b.byClient(without.clientId)).length, scopes),
  };
}

async function redisKilled(b) {
  const scopes = b.scopes();
  const durationMs = Math.round(b.s.lifetimeS * 1000 * 1.5);
  b.log(`fleet: redis-server killed mid-run (SIGKILL after ${Math.round(durationMs / 3000)} s of a ${Math.round(durationMs / 1000)} s run spanning a refresh)`);
  const credential = b.app();
  let killer;
  const results = await b.fleet({
    variant: "plugin",
    credential,
    scopes,
    phases: [{ type: "cold" }, { type: "loop", durationMs, intervalMs: 250 }],
    onStart: () => (killer = new Promise((resolve) => setTimeout(() => resolve(b.redis.kill()), durationMs / 3))),
  });
  await killer;
  const calls = results.reduce((n, r) => n + r.phases.reduce((m, p) => m + p.calls, 0), 0);
  const failed = failuresOf(results);
  b.redis = await b.redisLib.startRedis(); // a fresh one for the runs that follow
  return {
    plugin: pluginStatsOf(results),
    failed,
    served: calls - failed,
    requests: b.requests("token", b.byClient(credential.clientId)).length,
    errors: errorsOf(results),
  };
}

/** Median over the members of all runs of their CPU time (ms) starting up and running the phases. */
const cpuOf = (runs) => ({
  runMs:
    quantile(
      runs.flat().map((r) => r.cpu.runUs),
      0.5,
    ) / 1000,
  setupMs:
    quantile(
      runs.flat().map((r) => r.cpu.setupUs),
      0.5,
    ) / 1000,
});

/**
 * The kernel's count of connections dropped because a listen queue was full (Linux, machine-wide;
 * undefined elsewhere). Each drop is a SYN the client resends after 1 s or more.
 */
function listenOverflows() {
  try {
    const [names, values] = readFileSync("/proc/net/netstat", "utf8")
      .split("\n")
      .filter((line) => line.startsWith("TcpExt:"))
      .map((line) => line.trim().split(/\s+/));
    const i = names.indexOf("ListenOverflows");
    return i > 0 ? Number(values[i]) : undefined;
  } catch {
    return undefined;
  }
}

async function redisFrozen(b) {
  const scopes = b.scopes();
  const rounds = b.s.frozenRounds;
  const hold = b.s.frozenHoldMs;
  b.log(
    `fleet: cold start with no Redis (azid alone), with a Redis that accepts connections and never answers (SIGSTOP), and the control (the Redis client connected, each call held ${hold} ms by a stand-in cache with no Redis operation), ${rounds} round(s) in alternating order`,
  );
  const phases = [{ type: "cold", timeline: true }];
  const p99 = (results, field = "latenciesUs") =>
    quantile(
      results.flatMap((r) => r.phases[0][field]),
      0.99,
    ) / 1000;
  const runs = { none: [], frozen: [], control: [] };
  const overflows = { none: 0, frozen: 0, control: 0 };
  const start = {
    none: () => b.fleet({ variant: "none", credential: b.app(), scopes, phases }),
    control: () => b.fleet({ variant: "plugin", credential: b.app(), scopes, phases, holdMs: hold }),
    frozen: async () => {
      try {
        return await b.fleet({ variant: "plugin", credential: b.app(), scopes, phases, onStart: () => b.redis.freeze() });
      } finally {
        b.redis.thaw();
      }
    },
  };
  // ABC CBA ...: the load a shared 2-core machine drifts through falls on every case alike, and each
  // round's cases run back to back.
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 === 0 ? ["none", "control", "frozen"] : ["frozen", "control", "none"]) {
      const before = listenOverflows();
      const results = await start[name]();
      overflows[name] += (listenOverflows() ?? NaN) - (before ?? NaN);
      checkNoFailures(results, `cold start (${name === "none" ? "no Redis" : name === "frozen" ? "frozen Redis" : "control"})`);
      runs[name].push(results);
    }
  }
  // End to end: each round's p99 with a frozen Redis minus the p99 of that round's no-Redis run, and the
  // median of those differences (a round disturbed by other load on the machine does not decide it);
  // the same against the control, which waits as long without touching Redis.
  const diff = (a, c) => {
    const rounds = runs[a].map((f, i) => p99(f) - p99(runs[c][i]));
    return { median: quantile(rounds, 0.5), min: Math.min(...rounds), max: Math.max(...rounds), rounds };
  };
  const summary = (name) => ({
    p99: quantile(
      runs[name].map((r) => p99(r)),
      0.5,
    ),
    rounds: runs[name].map((r) => p99(r)),
    cpu: cpuOf(runs[name]),
    listenOverflows: overflows[name],
  });
  // Direct: per call, the time from getToken until its own token request started (both variants), and
  // the time the fleet cache held the call before its fetch started (plugin), over all calls of all rounds.
  const all = (name, field) =>
    quantile(
      runs[name].flat().flatMap((r) => r.phases[0][field]),
      0.99,
    ) / 1000;
  return {
    holdMs: hold,
    none: { ...summary("none"), untilRequestP99: all("none", "untilRequestUs") },
    control: { ...summary("control"), untilRequestP99: all("control", "untilRequestUs"), inFleetCacheP99: all("control", "inFleetCacheUs") },
    frozen: {
      ...summary("frozen"),
      untilRequestP99: all("frozen", "untilRequestUs"),
      inFleetCacheP99: all("frozen", "inFleetCacheUs"),
      inFleetCacheMax: Math.max(...runs.frozen.flat().flatMap((r) => r.phases[0].inFleetCacheUs)) / 1000,
      plugin: pluginStatsOf(runs.frozen.flat()),
    },
    diff: diff("frozen", "none"),
    overControl: diff("frozen", "control"),
    controlOverNone: diff("control", "none"),
  };
}

async function throttled(b) {
  const scopes = b.scopes();
  const out = {};
  for (const variant of ["plugin", "none", "azure"]) {
    b.log(`fleet: cold start into a ${RETRY_AFTER_S} s burst of HTTP 429 (Retry-After: ${RETRY_AFTER_S}), ${variant}`);
    const credential = b.app();
    const results = await b.fleet({
      variant,
      credential,
      scopes,
      phases: [{ type: "cold" }],
      onStart: () => {
        b.emu.faults.add({ route: "token", status: 429, retryAfter: RETRY_AFTER_S, durationMs: RETRY_AFTER_S * 1000 });
      },
    });
    b.emu.faults.clear();
    // Every request answered 429 was sent while the emulator was asking for Retry-After.
    const during = b.requests("token", (r) => b.byClient(credential.clientId)(r) && r.status === 429);
    const perKey = new Map();
    for (const r of during) perKey.set(r.form?.scope, (perKey.get(r.form?.scope) ?? 0) + 1);
    out[variant] = {
      plugin: pluginStatsOf(results),
      maxPerKey: Math.max(0, ...perKey.values()),
      meanPerKey: during.length / scopes.length,
      failed: failuresOf(results),
      errors: errorsOf(results),
    };
  }
  return out;
}

async function l2HitCost(b) {
  const scopes = b.scopes(b.s.l2Scopes);
  const credential = b.app();
  const prefix = `l2-${randomUUID().slice(0, 8)}`;
  b.log(`fleet: cost of an L1 miss that is an L2 hit (${scopes.length} scopes, one getToken at a time)`);
  await b.fleet({ variant: "plugin", credential, scopes, phases: [{ type: "cold" }], size: 1, prefix });
  const before = b.requests("token", b.byClient(credential.clientId)).length;
  const [hit] = await b.fleet({ variant: "plugin", credential, scopes, phases: [{ type: "sequential" }], size: 1, prefix });
  const extraRequests = b.requests("token", b.byClient(credential.clientId)).length - before;
  const [azidMiss] = await b.fleet({ variant: "none", credential: b.app(), scopes, phases: [{ type: "sequential" }], size: 1 });
  const [azureMiss] = await b.fleet({ variant: "azure", credential: b.app(), scopes, phases: [{ type: "sequential" }], size: 1 });
  const summary = (r) => ({
    meanUs: r.phases[0].latenciesUs.reduce((a, v) => a + v, 0) / r.phases[0].latenciesUs.length,
    p50Us: quantile(r.phases[0].latenciesUs, 0.5),
    p99Us: quantile(r.phases[0].latenciesUs, 0.99),
  });
  return { hit: { ...summary(hit), extraRequests }, azidMiss: summary(azidMiss), azureMiss: summary(azureMiss) };
}

const CASES = { cold: coldStart, mi: managedIdentity, refresh: refreshes, killed: redisKilled, frozen: redisFrozen, burst: throttled, l2: l2HitCost };

/** BENCH_FLEET_CASES=frozen (comma-separated names of CASES) runs a subset, e.g. one fault run on a busy machine. */
function selectedCases() {
  const wanted = (process.env.BENCH_FLEET_CASES ?? "")
    .split(",")
    .map((c) => c.trim())
    .filter(Boolean);
  for (const c of wanted) if (!(c in CASES)) throw new Error(`BENCH_FLEET_CASES: unknown case "${c}" (known: ${Object.keys(CASES).join(", ")})`);
  return wanted.length > 0 ? wanted : Object.keys(CASES);
}

export function fleetDefinition({ quick, log }) {
  const s = fleetSettings(quick);
  const cases = selectedCases();
  const shape = `${s.processes} processes × ${s.scopes} scopes`;
  return {
    id: "fleet",
    title: `9. Fleet cache on Redis (${shape})`,
    needsEmulator: false,
    async run() {
      const b = new FleetBench(s, log);
      try {
        await b.start();
        const r = {};
        for (const [name, measure] of Object.entries(CASES)) if (cases.includes(name)) r[name] = await measure(b);
        return { details: { settings: s, cases, ...r }, rows: rowsFor(s, r) };
      } finally {
        await b.close();
      }
    },
    howMeasured:
      `${shape} (one child Node process each, started together: each connects and builds its credential, then all get "go" at once), against a dedicated emulator issuing ${s.lifetimeS} s tokens and a real redis-server on loopback. ` +
      'azid column: @azid/identity with `useIdentityPlugin(redisCachePlugin({ client, encryptionKeys }))` (node-redis client); the @azure/identity column and the "azid without the plugin" rows show what a fleet does without a shared cache. ' +
      "Every run uses a fresh app registration and Redis key prefix, and token requests are counted by the emulator per client_id. " +
      `Cold start: every process calls getToken for all scopes at once. Refreshes: after the cold start every process calls getToken for all scopes every 250 ms for ${s.lifetimes} token lifetime(s), with and without the plugin, one after the other; ` +
      "refreshes per token per lifetime = refresh requests per scope ÷ the number of times one process saw its token change (what one process alone would need; 1 means the fleet refreshed like a single process). " +
      `Managed identity: system-assigned, IMDS imitated by the emulator (AZURE_POD_IDENTITY_AUTHORITY_HOST), ${MI_RESOURCES.length} resources. ` +
      "Redis killed: the refresh loop for 1.5 lifetimes with redis-server SIGKILLed a third of the way in (so refreshes happen without it). " +
      "Frozen Redis: redis-server SIGSTOPped after the members connected (connections still accepted, never answered); p99 of the cold-start getToken latency over all calls, against azid with no Redis at all; the target row is the median of the rounds' differences (frozen p99 minus that round's no-Redis p99), with the lowest and highest. " +
      `Each round also runs a control: the same members with the Redis client loaded and connected, but a stand-in fleet cache that holds each call ${s.frozenHoldMs} ms (the plugin's operation deadline) and then fetches, with no Redis operation, so the cost of waiting one deadline on this machine is told apart from the cost of the frozen Redis itself; the three cases run in alternating order (ABC, CBA, ...) so load drifting on a shared machine falls on each alike. ` +
      'Each member reports its CPU time (process.cpuUsage) from "go" to its result, and records per call the time the fleet cache held it before its own token request started (the plugin\'s cache as azid sees it, timed from entry to the first of its fetch starting or its answer), and the time from getToken to the call\'s token request (node:http\'s request-start diagnostics channel); p99 over all calls of all rounds. Process start-up (loading, connecting) is before "go" and in no latency. ' +
      "The plugin's deadlineMisses counter gives the Redis operations that were waited on for their whole deadline. " +
      `429 burst: the emulator answers every token request with 429 + Retry-After: ${RETRY_AFTER_S} for ${RETRY_AFTER_S} s from the start; the most requests for one scope that were answered 429 (each was sent while the emulator was asking clients to wait). ` +
      `L2 hit cost: one process fills Redis with ${s.l2Scopes} tokens; a second process calls getToken once per scope, one at a time (each an L1 miss answered from Redis); the other columns are the same calls answered by the emulator (azid without the plugin, @azure/identity).`,
  };
}

const fmtMs = (v) => Math.round(v).toLocaleString("en-US");

function rowsFor(s, r) {
  const n = (v) => v.toLocaleString("en-US");
  const x = (a, b) => (b > 0 ? `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}× vs azid alone` : "");
  const groups = {
    cold: () => [
      {
        label: `cold start: token requests (${n(s.processes * s.scopes)} getToken calls)`,
        azid: r.cold.plugin.requests,
        azure: r.cold.azure.requests,
        target: TARGETS.cold(s.scopes),
        headline: true,
      },
      { label: "  azid without the plugin: token requests", azid: r.cold.none.requests, azure: "", ratio: false },
      { label: "cold start: slowest process ms", azid: r.cold.plugin.wallMs, azure: r.cold.azure.wallMs },
    ],
    refresh: () => [
      {
        label: `refreshes per token per lifetime (${s.lifetimes} × ${s.lifetimeS} s)`,
        azid: r.refresh.plugin.perTokenPerLifetime,
        azure: "not run",
        ratio: x(r.refresh.none.perTokenPerLifetime, r.refresh.plugin.perTokenPerLifetime),
        target: TARGETS.refresh,
        headline: true,
      },
      { label: "  azid without the plugin", azid: r.refresh.none.perTokenPerLifetime, azure: "", ratio: false },
      {
        label: "  refresh requests (with / without the plugin)",
        azid: r.refresh.plugin.refreshRequests,
        azure: "",
        ratio: x(r.refresh.none.refreshRequests, r.refresh.plugin.refreshRequests),
      },
    ],
    mi: () => [
      {
        label: `managed identity: IMDS requests per resource (${s.processes} processes)`,
        azid: r.mi.plugin.perResource,
        azure: r.mi.azure.perResource,
        target: TARGETS.imds,
        headline: true,
      },
      { label: "  azid without the plugin", azid: r.mi.none.perResource, azure: "", ratio: false },
    ],
    killed: () => [
      { label: "redis-server killed mid-run: failed getToken calls", azid: r.killed.failed, azure: "", ratio: false, target: TARGETS.killed, headline: true },
      { label: "  getToken calls served meanwhile", azid: r.killed.served, azure: "", ratio: false },
    ],
    frozen: () => [
      { label: "frozen Redis: cold-start getToken p99 ms (median round)", azid: r.frozen.frozen.p99, azure: "", ratio: false },
      { label: "  no Redis at all: p99 ms (median round)", azid: r.frozen.none.p99, azure: "", ratio: false },
      {
        label: `frozen Redis: p99 over the no-Redis case, ms (median of ${s.frozenRounds} rounds' differences)`,
        azid: r.frozen.diff.median,
        azure: "",
        ratio: false,
        target: TARGETS.frozen,
        headline: true,
      },
      { label: "  lowest / highest round difference, ms", azid: `${fmtMs(r.frozen.diff.min)} / ${fmtMs(r.frozen.diff.max)}`, azure: "", ratio: false },
      {
        label: `  control (Redis client connected, each call held ${r.frozen.holdMs} ms, no Redis operation): p99 over the no-Redis case, ms (median; lowest / highest)`,
        azid: `${fmtMs(r.frozen.controlOverNone.median)} (${fmtMs(r.frozen.controlOverNone.min)} / ${fmtMs(r.frozen.controlOverNone.max)})`,
        azure: "",
        ratio: false,
      },
      {
        label: "  frozen Redis over the control, ms (median; lowest / highest)",
        azid: `${fmtMs(r.frozen.overControl.median)} (${fmtMs(r.frozen.overControl.min)} / ${fmtMs(r.frozen.overControl.max)})`,
        azure: "",
        ratio: false,
      },
      {
        label: "  CPU ms per member during the cold start (median): frozen Redis / control / no Redis",
        azid: [r.frozen.frozen, r.frozen.control, r.frozen.none].map((c) => fmtMs(c.cpu.runMs)).join(" / "),
        azure: "",
        ratio: false,
      },
      {
        label: "  listen-queue overflows while the runs ran (machine-wide): frozen Redis / control / no Redis",
        azid: [r.frozen.frozen, r.frozen.control, r.frozen.none].map((c) => (Number.isFinite(c.listenOverflows) ? n(c.listenOverflows) : "n/a")).join(" / "),
        azure: "",
        ratio: false,
      },
      {
        label: "frozen Redis: p99 from getToken to its own token request, over the no-Redis case, ms",
        azid: r.frozen.frozen.untilRequestP99 - r.frozen.none.untilRequestP99,
        azure: "",
        ratio: false,
        target: TARGETS.frozen,
      },
      {
        label: "  p99 ms from getToken to its token request: frozen Redis / control / no Redis",
        azid: [r.frozen.frozen, r.frozen.control, r.frozen.none].map((c) => fmtMs(c.untilRequestP99)).join(" / "),
        azure: "",
        ratio: false,
      },
      {
        label: "  p99 ms a call spent in the fleet cache before its fetch started: frozen Redis / control",
        azid: `${fmtMs(r.frozen.frozen.inFleetCacheP99)} / ${fmtMs(r.frozen.control.inFleetCacheP99)}`,
        azure: "",
        ratio: false,
      },
      {
        label: `  Redis operations waited out to their deadline (${n(s.processes * s.scopes * s.frozenRounds)} calls)`,
        azid: r.frozen.frozen.plugin.deadlineMisses ?? "",
        azure: "",
        ratio: false,
      },
    ],
    burst: () => [
      {
        label: `429 burst: most requests for one scope during Retry-After (${RETRY_AFTER_S} s)`,
        azid: r.burst.plugin.maxPerKey,
        azure: r.burst.azure.maxPerKey,
        target: TARGETS.burst,
        headline: true,
      },
      { label: "  azid without the plugin", azid: r.burst.none.maxPerKey, azure: "", ratio: false },
      { label: "  failed getToken calls (with plugin / @azure/identity)", azid: r.burst.plugin.failed, azure: r.burst.azure.failed, ratio: false },
    ],
    l2: () => [
      {
        label: "L1 miss: mean µs per getToken (azid: an L2 hit from Redis; @azure/identity: a token request)",
        azid: r.l2.hit.meanUs,
        azure: r.l2.azureMiss.meanUs,
        headline: true,
      },
      { label: "  p99 µs", azid: r.l2.hit.p99Us, azure: r.l2.azureMiss.p99Us },
      { label: "  azid without the plugin (a token request): mean µs", azid: r.l2.azidMiss.meanUs, azure: "", ratio: x(r.l2.azidMiss.meanUs, r.l2.hit.meanUs) },
      { label: "  token requests while reading from Redis", azid: r.l2.hit.extraRequests, azure: "", ratio: false },
    ],
  };
  return Object.keys(groups).flatMap((name) => (r[name] === undefined ? [] : groups[name]()));
}
