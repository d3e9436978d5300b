// Real Redis for the fleet-cache tests, benchmark and demo: a `redis-server` (the Debian package,
// installed by scripts/system-deps.mjs) on a free loopback port, a 3-master Redis Cluster on
// loopback; a server can be frozen (SIGSTOP: it still accepts connections, the kernel queues them,
// and never answers) to imitate a hung Redis. Nothing persists
// (no RDB, no AOF) and nothing listens beyond 127.0.0.1. Every process started here is stopped by
// the handle's stop(); the caller owns the handle.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const HOST = "127.0.0.1";

export function hasRedisServer() {
  return spawnSync("sh", ["-c", "command -v redis-server && command -v redis-cli"], { stdio: "ignore" }).status === 0;
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** A free loopback port; with `busOffset`, port + busOffset must be free too (the cluster bus). */
export async function freePort({ busOffset } = {}) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise((resolve, reject) => {
      const server = createServer();
      server.on("error", reject);
      server.listen(0, HOST, () => {
        const { port: chosen } = server.address();
        server.close(() => resolve(chosen));
      });
    });
    if (busOffset === undefined) return port;
    if (port + busOffset < 65536 && (await portIsFree(port + busOffset))) return port;
  }
  throw new Error("no free loopback port pair for a Redis Cluster node");
}

/** Sends one inline command and resolves with the raw reply (or rejects after `timeoutMs`). */
export function redisCommand(port, command, { timeoutMs = 1000 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: HOST, port });
    let reply = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`redis on port ${port} did not answer ${command.split(" ")[0]} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(`${command}\r\n`));
    socket.on("data", (chunk) => {
      reply += chunk;
      // A simple or error reply ends with CRLF; a bulk reply ends with CRLF after its length's bytes.
      const bulk = /^\$(\d+)\r\n/.exec(reply);
      if ((bulk && Buffer.byteLength(reply) >= bulk[0].length + Number(bulk[1]) + 2) || (!bulk && !reply.startsWith("$") && reply.endsWith("\r\n"))) {
        clearTimeout(timer);
        socket.end();
        resolve(bulk ? reply.slice(bulk[0].length, bulk[0].length + Number(bulk[1])) : reply.trim());
      }
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function waitFor(check, { timeoutMs, what }) {
  const until = Date.now() + timeoutMs;
  let last;
  while (Date.now() < until) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} within ${timeoutMs} ms${last ? ` (last error: ${last.message})` : ""}`);
}

function spawnServer(port, dir, extra = []) {
  const args = [
    "--port",
    String(port),
    "--bind",
    HOST,
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
    "--protected-mode",
    "yes",
    "--loglevel",
    "warning",
    ...extra,
  ];
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  return { child, output: () => output };
}

function stopChild(child, signal = "SIGTERM") {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/**
 * Starts one redis-server on a free loopback port.
 * @returns {Promise<{ host: string; port: number; url: string; pid: number; kill(): Promise<void>; freeze(): void; thaw(): void; stop(): Promise<void> }>}
 *   kill() is SIGKILL (the crash a fault run wants); freeze()/thaw() are SIGSTOP/SIGCONT (a Redis that
 *   accepts connections and never answers); stop() is a clean shutdown and removes the data directory.
 */
export async function startRedis({ port } = {}) {
  if (!hasRedisServer()) throw new Error("redis-server is not installed: run `node scripts/system-deps.mjs` (or apt-get install redis-server)");
  const dir = mkdtempSync(join(tmpdir(), "azid-redis-"));
  const chosen = port ?? (await freePort());
  const server = spawnServer(chosen, dir);
  try {
    await waitFor(async () => (await redisCommand(chosen, "PING", { timeoutMs: 300 })) === "+PONG", {
      timeoutMs: 10_000,
      what: `redis-server did not answer PING on ${HOST}:${chosen}`,
    });
  } catch (error) {
    await stopChild(server.child, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${error.message}\n${server.output()}`);
  }
  return {
    host: HOST,
    port: chosen,
    url: `redis://${HOST}:${chosen}`,
    pid: server.child.pid,
    kill: () => stopChild(server.child, "SIGKILL"),
    freeze: () => void server.child.kill("SIGSTOP"),
    thaw: () => void server.child.kill("SIGCONT"),
    async stop() {
      server.child.kill("SIGCONT"); // a frozen server can't act on SIGTERM
      await stopChild(server.child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts `masters` redis-server processes in cluster mode on loopback and joins them with
 * `redis-cli --cluster create` (no replicas), then waits until every node reports cluster_state:ok.
 * @returns {Promise<{ nodes: { host: string; port: number; url: string }[]; stop(): Promise<void> }>}
 */
export async function startRedisCluster({ masters = 3 } = {}) {
  if (!hasRedisServer()) throw new Error("redis-server is not installed: run `node scripts/system-deps.mjs` (or apt-get install redis-server)");
  const dir = mkdtempSync(join(tmpdir(), "azid-redis-cluster-"));
  const servers = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => stopChild(s.child)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort({ busOffset: 10_000 });
      const server = spawnServer(port, dir, ["--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`, "--cluster-node-timeout", "2000"]);
      servers.push({ ...server, port });
    }
    for (const s of servers) {
      await waitFor(async () => (await redisCommand(s.port, "PING", { timeoutMs: 300 })) === "+PONG", {
        timeoutMs: 10_000,
        what: `cluster node ${s.port} did not answer PING`,
      });
    }
    const create = spawnSync("redis-cli", ["--cluster", "create", ...servers.map((s) => `${HOST}:${s.port}`), "--cluster-replicas", "0", "--cluster-yes"], {
      encoding: "utf8",
      timeout: 30_000,
    });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    for (const s of servers) {
      await waitFor(async () => /cluster_state:ok/.test(await redisCommand(s.port, "CLUSTER INFO", { timeoutMs: 500 })), {
        timeoutMs: 20_000,
        what: `cluster node ${s.port} did not reach cluster_state:ok`,
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: servers.map((s) => ({ host: HOST, port: s.port, url: `redis://${HOST}:${s.port}` })), stop };
}
