// Runs a TypeScript helper in a new Node process (the test runner's NODE_OPTIONS carry tsx and the
// network guard into it) and collects its output.
import { spawn, type ChildProcess } from "node:child_process";

export function startNode(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn(process.execPath, [script, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
}

export function runNode(script: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = startNode(script, args, env);
  child.stdin?.end();
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += d));
  child.stderr?.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The last line of output that parses as JSON (a helper's result). */
export function lastJson<T>(stdout: string): T {
  const line = stdout
    .trim()
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  if (line === undefined) throw new Error(`no JSON result in output: ${stdout.slice(0, 500)}`);
  return JSON.parse(line) as T;
}
