// One member of a fleet: a Node process that gets tokens for many scopes, the way a service instance
// would, with or without the Redis fleet cache. Started by bench/fleet/fleet.mjs (bench, demo and the
// cache-redis end-to-end test) with its settings as JSON in argv[2]. It connects, builds its
// credential, prints `@@READY@@`, waits for a line on stdin (so a fleet starts together), runs its
// phases, and prints one `@@BENCH_RESULT@@ {json}` line. Tokens are never printed: only short
// hashes of them, to compare what members received.
import { createHash } from "node:crypto";
import { AsyncLocalStorage } from "node:async_hooks";
import { subscribe } from "node:diagnostics_channel";
import { createInterface } from "node:readline";

const args = JSON.parse(process.argv[2] ?? "{}");
const emit = (value) => process.stdout.write(`@@BENCH_RESULT@@ ${JSON.stringify(value)}\n`);
const fingerprint = (token) => createHash("sha256").update(token).digest("base64url").slice(0, 12);

async function connectRedis({ client, port }) {
  if (client === "ioredis") {
    const { Redis } = await import("ioredis");
    const redis = new Redis(port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 500, retryStrategy: () => 500 });
    redis.on("error", () => undefined);
    await redis.connect();
    return { client: redis, close: () => redis.disconnect() };
  }
  const { createClient } = await import("redis");
  const redis = createClient({ socket: { host: "127.0.0.1", port, connectTimeout: 500, reconnectStrategy: () => 500 } });
  redis.on("error", () => undefined);
  await redis.connect();
  return { client: redis, close: () => redis.destroy() };
}

// Timeline of each getToken call, for phases with `timeline: true` (the frozen-Redis case): when its
// own token request started (node:http's request-start channel, tied to the call through
// AsyncLocalStorage) and how long the fleet cache held it before its fetch started or its answer came.
// Only those phases pay for the async context tracking.
const callContext = new AsyncLocalStorage();
const nowUs = () => Number(process.hrtime.bigint()) / 1000;
subscribe("http.client.request.start", () => {
  const call = callContext.getStore();
  if (call !== undefined) call.requestAt ??= nowUs();
});

/** The plugin's cache as azid sees it, timed: entry to the first of "fetch started" and "answered". */
function timedFleetCache(cache) {
  return {
    getOrFetch(key, fetch, info) {
      const call = callContext.getStore();
      if (call === undefined) return cache.getOrFetch(key, fetch, info);
      const enteredAt = nowUs();
      const mark = () => (call.inFleetCacheUs ??= nowUs() - enteredAt);
      const answer = cache.getOrFetch(
        key,
        () => {
          mark();
          return fetch();
        },
        info,
      );
      answer.then(mark, mark);
      return answer;
    },
  };
}

async function setUp() {
  const lib = args.lib === "azure" ? await import("@azure/identity") : await import("@azid/identity");
  let redis;
  let plugin;
  if (args.plugin) {
    const { redisCachePlugin } = await import("@azid/cache-redis");
    redis = await connectRedis(args.plugin);
    plugin = redisCachePlugin({
      client: redis.client,
      encryptionKeys: [args.plugin.key],
      keyPrefix: args.plugin.prefix ?? "azid",
      logger: process.env.AZID_FLEET_LOG
        ? { warning: (m) => process.stderr.write(`[member ${process.pid}] ${m}\n`), info: () => undefined }
        : { warning: () => undefined, info: () => undefined },
    });
    lib.useIdentityPlugin((context) =>
      plugin({ azid: context.azid, setDistributedTokenCache: (cache) => context.setDistributedTokenCache(cache && timedFleetCache(cache)) }),
    );
  }
  if (args.holdMs !== undefined) {
    // A stand-in fleet cache that does no Redis work: it holds each call for holdMs, then fetches; the
    // control for the frozen-Redis case (the same wait, none of the Redis work). With `plugin` too, the
    // client is loaded and connected as in that case, and this cache replaces the plugin's.
    const hold = { getOrFetch: (key, fetch) => new Promise((resolve) => setTimeout(resolve, args.holdMs)).then(fetch) };
    lib.useIdentityPlugin((context) => context.setDistributedTokenCache(timedFleetCache(hold)));
  }
  const c = args.credential;
  const credential =
    c.kind === "mi"
      ? new lib.ManagedIdentityCredential()
      : new lib.ClientSecretCredential(c.tenantId, c.clientId, c.clientSecret, { authorityHost: c.authorityHost, disableInstanceDiscovery: true });
  return { credential, redis, plugin };
}

async function timedGetToken(credential, scope, stats, timeline) {
  const t0 = process.hrtime.bigint();
  const call = timeline ? { startedAt: nowUs() } : undefined;
  try {
    const token = await (call ? callContext.run(call, () => credential.getToken(scope)) : credential.getToken(scope));
    stats.latenciesUs.push(Number(process.hrtime.bigint() - t0) / 1000);
    if (call) {
      // Time until the call's own token request started (or until it was answered without one).
      stats.untilRequestUs.push((call.requestAt ?? nowUs()) - call.startedAt);
      if (call.inFleetCacheUs !== undefined) stats.inFleetCacheUs.push(call.inFleetCacheUs);
    }
    if (!token?.token) throw new Error("getToken returned no token");
    return token;
  } catch (error) {
    stats.failures++;
    if (stats.errors.length < 5) stats.errors.push(`${error?.name}: ${String(error?.message).split("\n")[0]}`);
    return undefined;
  }
}

async function run({ credential }) {
  const stats = { latenciesUs: [], untilRequestUs: [], inFleetCacheUs: [], failures: 0, errors: [], calls: 0 };
  const seen = new Map(args.scopes.map((s) => [s, []])); // scope -> fingerprints in the order received
  const record = (scope, token) => {
    stats.calls++;
    if (token === undefined) return;
    const list = seen.get(scope);
    const fp = fingerprint(token.token);
    if (list.at(-1) !== fp) list.push(fp);
  };
  const phases = [];
  for (const phase of args.phases) {
    const before = {
      calls: stats.calls,
      failures: stats.failures,
      samples: stats.latenciesUs.length,
      timeline: stats.untilRequestUs.length,
      held: stats.inFleetCacheUs.length,
    };
    const t0 = Date.now();
    if (phase.type === "cold") {
      await Promise.all(args.scopes.map(async (scope) => record(scope, await timedGetToken(credential, scope, stats, phase.timeline === true))));
    } else if (phase.type === "loop") {
      const end = Date.now() + phase.durationMs;
      while (Date.now() < end) {
        await Promise.all(args.scopes.map(async (scope) => record(scope, await timedGetToken(credential, scope, stats))));
        await new Promise((resolve) => setTimeout(resolve, phase.intervalMs));
      }
    } else if (phase.type === "sequential") {
      for (const scope of args.scopes) record(scope, await timedGetToken(credential, scope, stats));
    } else {
      throw new Error(`unknown phase ${phase.type}`);
    }
    phases.push({
      type: phase.type,
      ms: Date.now() - t0,
      calls: stats.calls - before.calls,
      failures: stats.failures - before.failures,
      // Loops make thousands of cache hits: their latencies are not reported (counts are).
      latenciesUs: phase.type === "loop" ? [] : stats.latenciesUs.slice(before.samples),
      untilRequestUs: stats.untilRequestUs.slice(before.timeline),
      inFleetCacheUs: stats.inFleetCacheUs.slice(before.held),
    });
  }
  return { phases, failures: stats.failures, errors: stats.errors, tokens: Object.fromEntries(seen) };
}

// CPU time (user + system, µs) this process spent starting up (until ready) and running its phases,
// so a case that makes each process work harder is told apart from one that only waits longer.
const cpuUs = (u) => u.user + u.system;

/** AZID_FLEET_PROFILE=<dir>: a V8 CPU profile of the phases only (from "go" to the result), one file per member. */
async function startProfile(dir) {
  if (!dir) return async () => undefined;
  const { Session } = await import("node:inspector/promises");
  const { writeFileSync } = await import("node:fs");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 1000 });
  await session.post("Profiler.start");
  return async () => {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(`${dir}/member-${process.pid}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  };
}

try {
  const setup = await setUp();
  const setupCpu = process.cpuUsage();
  process.stdout.write("@@READY@@\n");
  const lines = createInterface({ input: process.stdin });
  await new Promise((resolve) => lines.once("line", resolve));
  const stopProfile = await startProfile(process.env.AZID_FLEET_PROFILE);
  const runStart = process.cpuUsage();
  const result = await run(setup);
  const cpu = { setupUs: cpuUs(setupCpu), waitUs: cpuUs(runStart) - cpuUs(setupCpu), runUs: cpuUs(process.cpuUsage(runStart)) };
  await stopProfile();
  emit({ ...result, cpu, pluginStats: setup.plugin?.cache.stats() });
  lines.close();
  await setup.redis?.close();
  process.exit(0);
} catch (error) {
  emit({ error: `${error?.name}: ${error?.message}` });
  process.exit(1);
}
