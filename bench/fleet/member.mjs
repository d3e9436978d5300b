// One member of a fleet: a Node process that gets tokens for many scopes, the way a service instance
// would, with or without the Redis fleet cache. Started by bench/fleet/fleet.mjs (bench, demo and the
// cache-redis end-to-end test) with its settings as JSON in argv[2]. It connects, builds its
// credential, prints `@@READY@@`, waits for a line on stdin (so a fleet starts together), runs its
// phases, and prints one `@@BENCH_RESULT@@ {json}` line. Tokens are never printed: only short
// hashes of them, to compare what members received.
import { createHash } from "node:crypto";
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
    lib.useIdentityPlugin(plugin);
  }
  const c = args.credential;
  const credential =
    c.kind === "mi"
      ? new lib.ManagedIdentityCredential()
      : new lib.ClientSecretCredential(c.tenantId, c.clientId, c.clientSecret, { authorityHost: c.authorityHost, disableInstanceDiscovery: true });
  return { credential, redis, plugin };
}

async function timedGetToken(credential, scope, stats) {
  const t0 = process.hrtime.bigint();
  try {
    const token = await credential.getToken(scope);
    stats.latenciesUs.push(Number(process.hrtime.bigint() - t0) / 1000);
    if (!token?.token) throw new Error("getToken returned no token");
    return token;
  } catch (error) {
    stats.failures++;
    if (stats.errors.length < 5) stats.errors.push(`${error?.name}: ${String(error?.message).split("\n")[0]}`);
    return undefined;
  }
}

async function run({ credential }) {
  const stats = { latenciesUs: [], failures: 0, errors: [], calls: 0 };
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
    const before = { calls: stats.calls, failures: stats.failures, samples: stats.latenciesUs.length };
    const t0 = Date.now();
    if (phase.type === "cold") {
      await Promise.all(args.scopes.map(async (scope) => record(scope, await timedGetToken(credential, scope, stats))));
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
    });
  }
  return { phases, failures: stats.failures, errors: stats.errors, tokens: Object.fromEntries(seen) };
}

try {
  const setup = await setUp();
  process.stdout.write("@@READY@@\n");
  const lines = createInterface({ input: process.stdin });
  await new Promise((resolve) => lines.once("line", resolve));
  const result = await run(setup);
  emit({ ...result, pluginStats: setup.plugin?.cache.stats() });
  lines.close();
  await setup.redis?.close();
  process.exit(0);
} catch (error) {
  emit({ error: `${error?.name}: ${error?.message}` });
  process.exit(1);
}
