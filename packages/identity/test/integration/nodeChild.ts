// Runs a Node script in a child process, the way a user's program runs: its own start-up, so
// NODE_EXTRA_CA_CERTS takes effect. The child inherits NODE_OPTIONS (the tsx loader, the
// '@azid/source' condition and the network guard), so it runs azid from source and stays on loopback.
import { spawn } from "node:child_process";

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runNodeScript(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} ${args.join(" ")} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
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
}

/** The JSON line a child script printed last; fails with the child's output when it did not exit 0. */
export function parseChildJson<T>(result: ChildResult): T {
  if (result.code !== 0) throw new Error(`child exited with code ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  const line = result.stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`child printed no JSON result\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
}
