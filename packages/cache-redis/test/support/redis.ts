// Real Redis for these tests: redis-server processes from scripts/lib/redis.mjs (shared with the
// benchmark and the demo) and connected clients of both families this package is tested with.
import { Cluster, Redis } from "ioredis";
import { createClient, createCluster } from "redis";
import type { AccessToken } from "../../src/contract.js";

export interface RedisServer {
  host: string;
  port: number;
  url: string;
  pid: number;
  kill(): Promise<void>;
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}
export interface RedisClusterHandle {
  nodes: Array<{ host: string; port: number; url: string }>;
  stop(): Promise<void>;
}
interface RedisHelper {
  hasRedisServer(): boolean;
  startRedis(options?: { port?: number }): Promise<RedisServer>;
  startRedisCluster(): Promise<RedisClusterHandle>;
}

// A JavaScript helper shared with bench and demo; imported by URL so the type checker needs no typings for it.
export const redisHelper = (await import(new URL("../../../../scripts/lib/redis.mjs", import.meta.url).href)) as RedisHelper;

export type Family = "node-redis" | "ioredis";
export const FAMILIES: Family[] = ["node-redis", "ioredis"];

export interface Connected {
  client: unknown;
  /** A raw command on the same connection, for assertions (GET, PTTL, SET...). */
  raw(...args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

/** A client as an application would create it; reconnection kept quick so fault tests stay short. */
export async function connect(family: Family, port: number, host = "127.0.0.1"): Promise<Connected> {
  if (family === "node-redis") {
    const client = createClient({ socket: { host, port, connectTimeout: 500, reconnectStrategy: () => 100 } });
    client.on("error", () => undefined);
    await client.connect();
    return { client, raw: (...args) => client.sendCommand(args), close: async () => void (await client.destroy()) };
  }
  const client = new Redis(port, host, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 500, retryStrategy: () => 100 });
  client.on("error", () => undefined);
  await client.connect();
  return { client, raw: (...args) => client.call(args[0]!, ...args.slice(1)), close: async () => client.disconnect() };
}

export async function connectCluster(family: Family, nodes: Array<{ host: string; port: number }>): Promise<Connected> {
  if (family === "node-redis") {
    const cluster = createCluster({ rootNodes: nodes.map((n) => ({ socket: { host: n.host, port: n.port } })) });
    cluster.on("error", () => undefined);
    await cluster.connect();
    return { client: cluster, raw: (...args) => cluster.sendCommand(args[1], false, args), close: async () => void (await cluster.destroy()) };
  }
  const cluster = new Cluster(
    nodes.map((n) => ({ host: n.host, port: n.port })),
    { lazyConnect: true },
  );
  cluster.on("error", () => undefined);
  await cluster.connect();
  return { client: cluster, raw: (...args) => cluster.call(args[0]!, ...args.slice(1)), close: async () => cluster.disconnect() };
}

/** A stand-in for the core's fetch(): counts calls and hands out numbered tokens. */
export function fakeSource(lifetimeMs = 60 * 60_000, delayMs = 20) {
  const source = {
    calls: 0,
    failWith: undefined as unknown,
    fetch: async (): Promise<AccessToken> => {
      const n = ++source.calls;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (source.failWith !== undefined) throw source.failWith;
      return { token: `token-${n}-${"x".repeat(40)}`, expiresOnTimestamp: Date.now() + lifetimeMs, tokenType: "Bearer" };
    },
  };
  return source;
}

/** Collects log lines. */
export function memoryLogger() {
  const lines: string[] = [];
  return { lines, warning: (m: string) => lines.push(`warning ${m}`), info: (m: string) => lines.push(`info ${m}`) };
}

export const cacheKey = (name: string) => Buffer.from(name.padEnd(32, "-")).toString("hex").slice(0, 64);
