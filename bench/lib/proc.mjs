// Spawning measured child processes: a clean environment (no Azure settings, proxies or NODE_OPTIONS
// from the caller, e.g. the test runner's tsx/source conditions), the loopback-only network guard
// preloaded, a hard timeout, and the result read back from one marked stdout line.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const RESULT_MARKER = "@@BENCH_RESULT@@";
const GUARD = fileURLToPath(new URL("../../scripts/network-guard.mjs", import.meta.url));

/** Node flags that make a child refuse any non-loopback connection or name lookup. */
export function guardFlags() {
  return existsSync(GUARD) ? ["--import", pathToFileURL(GUARD).href] : [];
}

export function hasGuard() {
  return existsSync(GUARD);
}

export function childEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(AZURE_|IDENTITY_|IMDS_|MSI_|IDENTITY_ENDPOINT|SYSTEM_OIDC|AZID_|MSAL_)/.test(key)) continue;
    if (/^(HTTPS?_PROXY|NO_PROXY|ALL_PROXY|GLOBAL_AGENT_.*)$/i.test(key)) continue;
    if (/^(NODE_OPTIONS|NODE_EXTRA_CA_CERTS|NODE_TLS_REJECT_UNAUTHORIZED|NODE_DEBUG|NODE_V8_COVERAGE|BENCH_.*)$/.test(key)) continue;
    env[key] = value;
  }
  env.NO_PROXY = "127.0.0.1,localhost,::1";
  return { ...env, ...extra };
}

/**
 * Runs `node [nodeArgs...]` and resolves with its stdout/stderr. Rejects on timeout (the child is
 * killed) or on a non-zero exit, with the tail of stderr in the message.
 */
export function runNode(nodeArgs, { env = childEnv(), timeoutMs = 60_000, label = nodeArgs.join(" "), cwd = ROOT } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`${label}: cannot start node: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const tail = stderr.trim().split("\n").slice(-12).join("\n");
      if (timedOut) return reject(new Error(`${label}: timed out after ${timeoutMs / 1000} s${tail ? `\n${tail}` : ""}`));
      const result = parseResult(stdout);
      if (result?.error !== undefined) return reject(new Error(`${label}: ${result.error}${tail ? `\n${tail}` : ""}`));
      if (code !== 0) return reject(new Error(`${label}: exited with ${signal ?? `code ${code}`}${tail ? `\n${tail}` : ""}`));
      resolve({ stdout, stderr, result });
    });
  });
}

function parseResult(stdout) {
  const line = stdout.split("\n").findLast((l) => l.startsWith(RESULT_MARKER));
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line.slice(RESULT_MARKER.length));
  } catch {
    return { error: `unparseable result line: ${line.slice(0, 200)}` };
  }
}

/** Runs one bench/scenario.mjs scenario and returns its result object. */
export async function runScenario(params, { nodeFlags = [], env, timeoutMs }) {
  const script = fileURLToPath(new URL("../scenario.mjs", import.meta.url));
  const { result } = await runNode([...guardFlags(), ...nodeFlags, script, JSON.stringify(params)], {
    env,
    timeoutMs,
    label: `scenario ${params.scenario} (${params.lib})`,
  });
  if (result === undefined) throw new Error(`scenario ${params.scenario} (${params.lib}) printed no result`);
  return result;
}
