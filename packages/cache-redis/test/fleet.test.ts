// End to end: several real Node processes (bench/fleet/member.mjs) with @azid/identity and this
// plugin, against the emulator over HTTPS and a real redis-server. A fleet that starts together makes
// one token request per scope, whichever Redis client each process uses.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startEmulator, type Emulator } from "@azid/emulator";
import { redisHelper, type RedisServer } from "./support/redis.js";

interface MemberResult {
  failures: number;
  errors: string[];
  tokens: Record<string, string[]>;
  pluginStats?: { l2Hits: number; lockedFetches: number; unsharedFetches: number };
}
type RunFleet = (options: { size: number; settings: (index: number) => object; env: NodeJS.ProcessEnv }) => Promise<MemberResult[]>;
const { runFleet } = (await import(new URL("../../../bench/fleet/fleet.mjs", import.meta.url).href)) as { runFleet: RunFleet };

const SCOPES = Array.from({ length: 5 }, (_, i) => `https://fleet${i}.blob.core.windows.net/.default`);
const RESOURCES = ["https://storage.azure.com/.default", "https://vault.azure.net/.default"];

describe("a fleet of processes sharing tokens through Redis", () => {
  let emu: Emulator;
  let redis: RedisServer;
  let dataDir: string;
  const key = randomBytes(32).toString("base64");
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "azid-fleet-test-"));
    emu = await startEmulator({ dataDir });
    redis = await redisHelper.startRedis();
  });
  after(async () => {
    await redis?.stop();
    await emu?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const sameTokenEverywhere = (results: MemberResult[], scopes: string[]) => {
    for (const scope of scopes) {
      const received = new Set(results.flatMap((r) => r.tokens[scope] ?? []));
      assert.equal(received.size, 1, `every process got the same token for ${scope}`);
    }
  };

  it("ClientSecretCredential: 4 processes (node-redis and ioredis) x 5 scopes -> 5 token requests", async () => {
    const tenant = emu.config.tenants[0]!;
    const app = tenant.apps[0]!;
    const before = emu.requests.filter((r) => r.route === "token").length;
    const results = await runFleet({
      size: 4,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: emu.caCertPath },
      settings: (i) => ({
        lib: "azid",
        plugin: { client: i % 2 === 0 ? "node-redis" : "ioredis", port: redis.port, key },
        credential: { kind: "secret", tenantId: tenant.id, clientId: app.clientId, clientSecret: app.secrets![0], authorityHost: emu.url },
        scopes: SCOPES,
        phases: [{ type: "cold" }, { type: "sequential" }],
      }),
    });
    assert.deepEqual(
      results.map((r) => r.failures),
      [0, 0, 0, 0],
      JSON.stringify(results.map((r) => r.errors)),
    );
    assert.equal(emu.requests.filter((r) => r.route === "token").length - before, SCOPES.length);
    sameTokenEverywhere(results, SCOPES);
    const stats = results.map((r) => r.pluginStats!);
    assert.equal(
      stats.reduce((n, s) => n + s.lockedFetches, 0),
      SCOPES.length,
    );
    assert.equal(
      stats.reduce((n, s) => n + s.l2Hits, 0),
      3 * SCOPES.length,
      "the other three read each token from Redis",
    );
  });

  it("ManagedIdentityCredential on one host: 4 processes x 2 resources -> 1 IMDS request per resource", async () => {
    const before = emu.requests.filter((r) => r.route === "imds").length;
    const results = await runFleet({
      size: 4,
      env: { ...process.env, ...emu.managedIdentity.env("imds") },
      settings: () => ({
        lib: "azid",
        plugin: { client: "node-redis", port: redis.port, key },
        credential: { kind: "mi" },
        scopes: RESOURCES,
        phases: [{ type: "cold" }],
      }),
    });
    assert.deepEqual(
      results.map((r) => r.failures),
      [0, 0, 0, 0],
      JSON.stringify(results.map((r) => r.errors)),
    );
    const imds = emu.requests.filter((r) => r.route === "imds").slice(before);
    assert.equal(imds.length, RESOURCES.length);
    assert.deepEqual(new Set(imds.map((r) => r.query.resource)), new Set(RESOURCES.map((s) => s.replace(/\/\.default$/, ""))));
    sameTokenEverywhere(results, RESOURCES);
  });

  it("refreshes a short-lived token once for the whole fleet, through the core's own refresh-ahead", async () => {
    // 20 s tokens: the fleet refreshes at half-life, so within 15 s every process sees one change.
    const shortDir = mkdtempSync(join(tmpdir(), "azid-fleet-test-short-"));
    const short = await startEmulator({ dataDir: shortDir, accessTokenLifetimeSeconds: 20 });
    try {
      const tenant = short.config.tenants[0]!;
      const app = tenant.apps[0]!;
      const scopes = SCOPES.slice(0, 2);
      const results = await runFleet({
        size: 3,
        env: { ...process.env, NODE_EXTRA_CA_CERTS: short.caCertPath },
        settings: () => ({
          lib: "azid",
          plugin: { client: "node-redis", port: redis.port, key, prefix: "refresh-test" },
          credential: { kind: "secret", tenantId: tenant.id, clientId: app.clientId, clientSecret: app.secrets![0], authorityHost: short.url },
          scopes,
          phases: [{ type: "cold" }, { type: "loop", durationMs: 15_000, intervalMs: 200 }],
        }),
      });
      assert.deepEqual(
        results.map((r) => r.failures),
        [0, 0, 0],
        JSON.stringify(results.map((r) => r.errors)),
      );
      for (const scope of scopes) {
        const seen = results.map((r) => r.tokens[scope]!);
        assert.ok(
          seen.every((list) => list.length === 2),
          `each process saw exactly one refresh of ${scope}: ${JSON.stringify(seen)}`,
        );
        assert.equal(new Set(seen.map((list) => list.join())).size, 1, "and the same tokens in the same order");
      }
      assert.equal(short.requests.filter((r) => r.route === "token").length, scopes.length * 2, "one cold fetch and one refresh per scope, fleet-wide");
    } finally {
      await short.close();
      rmSync(shortDir, { recursive: true, force: true });
    }
  });
});
