// Runs a fleet of bench/fleet/member.mjs processes that start together: each connects and builds
// its credential, says it is ready, and all get "go" at the same moment. Returns every member's
// result. The children get the loopback-only network guard, a clean environment and the caller's
// extra variables (NODE_EXTRA_CA_CERTS, AZURE_POD_IDENTITY_AUTHORITY_HOST, NODE_OPTIONS for sources).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const MEMBER = fileURLToPath(new URL("./member.mjs", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * @param {{ size: number; settings: (index: number) => object; env: NodeJS.ProcessEnv; nodeArgs?: string[]; timeoutMs?: number; onStart?: () => void }} options
 * @returns {Promise<object[]>} one result per member, in index order
 */
export async function runFleet({ size, settings, env, nodeArgs = [], timeoutMs = 180_000, onStart }) {
  const members = [];
  for (let i = 0; i < size; i++) members.push(startMember(settings(i), env, nodeArgs, timeoutMs, i));
  try {
    await Promise.all(members.map((m) => m.ready));
    onStart?.();
    for (const m of members) m.child.stdin.write("go\n");
    return await Promise.all(members.map((m) => m.done));
  } catch (error) {
    for (const m of members) m.child.kill("SIGKILL");
    throw error;
  }
}

function startMember(settings, env, nodeArgs, timeoutMs, index) {
  const child = spawn(process.execPath, [...nodeArgs, MEMBER, JSON.stringify(settings)], { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let markReady;
  const ready = new Promise((resolve, reject) => {
    markReady = resolve;
    child.once("exit", () => reject(new Error(`fleet member ${index} exited before it was ready:\n${tail(stderr)}${tail(stdout)}`)));
  });
  ready.catch(() => undefined);
  child.stdout.setEncoding("utf8").on("data", (chunk) => {
    stdout += chunk;
    if (stdout.includes("@@READY@@\n")) markReady();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    // "close", not "exit": only then has all of the child's stdout been read.
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").findLast((l) => l.startsWith("@@BENCH_RESULT@@ "));
      const result = line === undefined ? undefined : JSON.parse(line.slice("@@BENCH_RESULT@@ ".length));
      if (result?.error !== undefined) return reject(new Error(`fleet member ${index}: ${result.error}\n${tail(stderr)}`));
      if (code !== 0 || result === undefined) return reject(new Error(`fleet member ${index} exited with ${signal ?? code}\n${tail(stderr)}`));
      resolve(Object.assign(result, { stderr: tail(stderr) }));
    });
  });
  return { child, ready, done };
}

const tail = (text) => (text.trim() ? `${text.trim().split("\n").slice(-8).join("\n")}\n` : "");
