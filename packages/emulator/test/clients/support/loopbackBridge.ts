// Runs a program that has no network guard of its own (Python, the az CLI) in a fresh network
// namespace whose only interface is its own loopback (`unshare -n`), so nothing it does can leave
// the machine, while it still reaches the emulator at the same 127.0.0.1:<port> URLs as the test.
// A namespace's loopback is its own, so each port is carried across on a unix socket (a file,
// which both namespaces see): netnsEntry.mjs listens inside, this side connects to the real port.
// TLS stays end to end: the bridge only moves bytes.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ENTRY = fileURLToPath(new URL("./netnsEntry.mjs", import.meta.url));

export interface NamespacedResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface NamespacedOptions {
  /** loopback ports the program may reach (the emulator's, the managed-identity listeners', ...) */
  ports: number[];
  /** ports that lead elsewhere inside, e.g. { 443: emulatorPort } for a client that drops the authority's port */
  aliases?: Record<number, number>;
  env: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** called for each complete line the program prints on stdout, e.g. a device code to approve */
  onStdoutLine?: (line: string) => void;
}

/** Why programs can't be run in a loopback-only namespace here, or undefined when they can. */
export async function loopbackNamespaceUnavailable(): Promise<string | undefined> {
  try {
    await promisify(execFile)("unshare", ["-n", "sh", "-c", "ip link set lo up"], { timeout: 10_000 });
    return undefined;
  } catch (error) {
    return `unshare -n is not usable here (it needs root or user namespaces, and iproute2): ${String((error as Error).message).split("\n")[0]}`;
  }
}

async function bridgePort(socketDir: string, port: number): Promise<Server> {
  const server = createServer((inside) => {
    const outside = createConnection(port, "127.0.0.1");
    inside.pipe(outside).pipe(inside);
    inside.on("error", () => outside.destroy());
    outside.on("error", () => inside.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(join(socketDir, `${port}.sock`), resolve);
  });
  return server;
}

export async function runInLoopbackNamespace(command: string, args: string[], options: NamespacedOptions): Promise<NamespacedResult> {
  const socketDir = mkdtempSync(join(tmpdir(), "azid-netns-"));
  const aliases = Object.entries(options.aliases ?? {}).map(([inside, outside]) => ({ inside: Number(inside), outside }));
  const outsidePorts = [...new Set([...options.ports, ...aliases.map((alias) => alias.outside)])];
  const servers = await Promise.all(outsidePorts.map((port) => bridgePort(socketDir, port)));
  const portList = [...new Set(options.ports)]
    .map(String)
    .concat(aliases.map(({ inside, outside }) => `${inside}:${outside}`))
    .join(",");
  try {
    return await new Promise<NamespacedResult>((resolve, reject) => {
      const child = spawn("unshare", ["-n", process.execPath, ENTRY, socketDir, portList, "--", command, ...args], {
        env: options.env,
        cwd: options.cwd ?? "/",
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      let pending = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk;
        pending += chunk;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) options.onStdoutLine?.(line);
      });
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
      const timeoutMs = options.timeoutMs ?? 60_000;
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`${command} ${args.join(" ")} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
      }, timeoutMs);
      child.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    rmSync(socketDir, { recursive: true, force: true });
  }
}

/** The last line a program printed, parsed as JSON; fails with its output when it exited non-zero or printed none. */
export function lastJsonLine<T>(result: NamespacedResult): T {
  const line = result.stdout.trim().split("\n").at(-1) ?? "";
  if (result.code !== 0) throw new Error(`exited with code ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`printed no JSON result\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
}
