// `npm run demo:fleet`: a small fleet sharing tokens through Redis. Starts the emulator and a
// redis-server on loopback, then runs the same fleet of Node processes (bench/fleet/member.mjs)
// three times: without the plugin, with @azid/cache-redis, and with the plugin while redis-server is
// killed. Prints what the emulator saw. Nothing leaves 127.0.0.1; tokens are never printed.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "@azid/emulator";
import { ensureCacheRedisBuilt } from "../bench/fleet/build.mjs";
import { runFleet } from "../bench/fleet/fleet.mjs";
import { childEnv, guardFlags } from "../bench/lib/proc.mjs";
import { startRedis } from "../scripts/lib/redis.mjs";

const PROCESSES = 6;
const SCOPES = Array.from({ length: 10 }, (_, i) => `https://account${i}.blob.core.windows.net/.default`);

ensureCacheRedisBuilt();
const dataDir = mkdtempSync(join(tmpdir(), "azid-demo-fleet-"));
const emu = await startEmulator({ dataDir });
const redis = await startRedis();
const key = randomBytes(32).toString("base64"); // the fleet's shared AES-256-GCM key
const tenant = emu.config.tenants[0];

function app() {
  const clientId = randomUUID();
  const clientSecret = `demo~${randomUUID()}`;
  tenant.apps.push({ clientId, secrets: [clientSecret], certificates: [], roles: [], federatedCredentials: [] });
  return { kind: "secret", tenantId: tenant.id, clientId, clientSecret, authorityHost: emu.url };
}

async function fleet(title, { plugin, onStart }) {
  const credential = app();
  const results = await runFleet({
    size: PROCESSES,
    nodeArgs: guardFlags(),
    env: childEnv({ NODE_EXTRA_CA_CERTS: emu.caCertPath }),
    settings: () => ({
      lib: "azid",
      plugin: plugin ? { client: "node-redis", port: redis.port, key, prefix: credential.clientId.slice(0, 8) } : undefined,
      credential,
      scopes: SCOPES,
      phases: [{ type: "cold" }, { type: "sequential" }],
    }),
    onStart,
  });
  const requests = emu.requests.filter((r) => r.route === "token" && r.form?.client_id === credential.clientId).length;
  const calls = results.reduce((n, r) => n + r.phases.reduce((m, p) => m + p.calls, 0), 0);
  const failed = results.reduce((n, r) => n + r.failures, 0);
  const fromRedis = results.reduce((n, r) => n + (r.pluginStats?.l2Hits ?? 0), 0);
  const shared = SCOPES.every((s) => new Set(results.flatMap((r) => r.tokens[s])).size === 1);
  const ms = Math.max(...results.map((r) => r.phases.reduce((m, p) => m + p.ms, 0))); // from "go", start-up excluded
  return { title, calls, requests, fromRedis, failed, shared, ms };
}

let rows;
try {
  console.log(
    `azid fleet demo: ${PROCESSES} Node processes × ${SCOPES.length} scopes, starting together, against the emulator (${emu.url}) and redis-server (${redis.url})\n`,
  );
  rows = [
    await fleet("without the plugin", { plugin: false }),
    await fleet("with @azid/cache-redis", { plugin: true }),
    await fleet("with the plugin, redis-server killed at the start", { plugin: true, onStart: () => void redis.kill() }),
  ];
} finally {
  await redis.stop();
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
}

const header = ["fleet", "getToken calls", "token requests", "answers from Redis", "failed", "same token everywhere", "slowest process ms"];
const table = rows.map((r) => [r.title, r.calls, r.requests, r.fromRedis, r.failed, r.shared ? "yes" : "no", r.ms].map(String));
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const row of table) console.log(line(row));
console.log(
  `\nWith the plugin the fleet asked the emulator once per scope (${SCOPES.length}), not once per process and scope (${PROCESSES * SCOPES.length}). ` +
    "With Redis gone, every process fetched its own tokens: slower for the token service, never a failed getToken.",
);
const [, shared, killed] = rows;
process.exitCode = shared.requests === SCOPES.length && shared.shared && killed.failed === 0 ? 0 : 1;
