// Runs a developer tool (az, azd, pwsh) the safe way, on every OS:
//  - `spawn(file, args, { shell: false })` of an absolute path found by findExecutable.ts: every
//    value is one argv element, nothing is parsed by a shell (no DEP0190, no cmd.exe quoting);
//  - working directory: `/` on POSIX, %SystemRoot% on Windows, never the caller's cwd, so a
//    malicious repository can't plant an `az` next to the code (go PR#18266, py PR#10092);
//  - stdin closed; stdout/stderr capped;
//  - a deadline after which the child is killed (on POSIX with its whole process group: the
//    child is spawned detached so `kill(-pid)` also reaches what it started), and an AbortSignal
//    that does the same. On Windows the child itself is terminated (the tools we start there are
//    the real executables, not cmd.exe wrappers, so there is no intermediate shell left behind);
//  - the tool's exit ends the run: a child it left behind may hold stdout open forever (an `az`
//    extension, a telemetry uploader), so after the exit we take what the pipes hold within a short
//    drain, then signal the whole process group and settle with the tool's exit code and output.
import type { ChildProcess } from "node:child_process";
import { abortError, CredentialUnavailableError } from "../../core/errors.js";
import { nodeFs } from "../../core/nodeBuiltins.js";
import { findExecutable, type ExecutableSearch, type ResolvedExecutable } from "./findExecutable.js";

export interface ToolInvocation {
  /** Human name for messages: "Azure CLI". */
  tool: string;
  /** Executable names to try, in order (`["pwsh", "powershell"]`). */
  executables: readonly string[];
  args: readonly string[];
  /** Variables added to the inherited environment. */
  env?: Readonly<Record<string, string>>;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** The CredentialUnavailableError message when no executable is found. */
  notInstalledMessage: string;
  /** How the command is shown in messages (defaults to the executable name and the arguments). */
  display?: string;
  maxStdoutBytes?: number;
  maxStderrBytes?: number;
}

export interface ToolResult {
  /** The command as shown in messages and logs. */
  command: string;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** The tool didn't finish in time and was killed. A CredentialUnavailableError: a chain moves on. */
export class ToolTimeoutError extends CredentialUnavailableError {
  readonly command: string;
  readonly timeoutInMs: number;
  constructor(tool: string, command: string, timeoutInMs: number) {
    super(
      `${tool} timed out: '${command}' did not finish within ${timeoutInMs} ms and was stopped. ` +
        `${tool} can be slow to start (notably on Windows or on a first run); raise processTimeoutInMs on the credential if it needs longer.`,
    );
    this.command = command;
    this.timeoutInMs = timeoutInMs;
  }
}

const DEFAULT_MAX_STDOUT = 1024 * 1024;
const DEFAULT_MAX_STDERR = 256 * 1024;
/** After a kill, how long we wait for the exit event before giving up on it. */
const EXIT_GRACE_MS = 2_000;
/** After the tool exits, how long its pipes may stay open (held by a child it left behind) before we stop reading. */
const DRAIN_AFTER_EXIT_MS = 500;

export function safeWorkingDirectory(): string {
  if (process.platform !== "win32") return "/";
  return process.env.SystemRoot ?? process.env.SYSTEMROOT ?? "C:\\Windows";
}

let path: typeof import("node:path") | undefined;

/** The real file system and PATH, for findExecutable (also used by `azid doctor` detection). */
export async function realSearch(): Promise<ExecutableSearch> {
  path ??= await import("node:path");
  const fs = nodeFs();
  const p = process.platform === "win32" ? path.win32 : path.posix;
  return {
    platform: process.platform,
    env: process.env,
    isExecutableFile(file) {
      try {
        if (!fs.statSync(file).isFile()) return false;
        if (process.platform !== "win32") fs.accessSync(file, fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    readText(file) {
      try {
        return fs.statSync(file).size <= 64 * 1024 ? fs.readFileSync(file, "utf8") : undefined;
      } catch {
        return undefined;
      }
    },
    join: p.join,
    dirname: p.dirname,
    isAbsolute: p.isAbsolute,
  };
}

// Children still running when this process exits are killed with it (they run in their own
// process group on POSIX, so a terminal's Ctrl-C would not reach them).
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killTree(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  if (killGroup(child)) return;
  child.kill("SIGKILL");
}

/** Signals the child's process group (POSIX), which outlives the child while anything it started runs. */
function killGroup(child: ChildProcess): boolean {
  if (process.platform === "win32" || child.pid === undefined) return false;
  try {
    process.kill(-child.pid, "SIGKILL");
    return true;
  } catch {
    return false; // the group is gone (ESRCH) or not ours
  }
}

export async function runTool(invocation: ToolInvocation): Promise<ToolResult> {
  const { signal } = invocation;
  if (signal?.aborted) throw abortError();
  const resolved: ResolvedExecutable | undefined = findExecutable(invocation.executables, await realSearch());
  if (resolved === undefined) throw new CredentialUnavailableError(invocation.notInstalledMessage);
  const command = invocation.display ?? [invocation.executables[0], ...invocation.args].join(" ");
  if (signal?.aborted) throw abortError();
  const { spawn } = await import("node:child_process");

  return new Promise<ToolResult>((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(resolved.file, [...resolved.prefixArgs, ...invocation.args], {
        cwd: safeWorkingDirectory(),
        env: { ...process.env, ...resolved.env, ...invocation.env },
        stdio: ["ignore", "pipe", "pipe"],
        shell: false,
        windowsHide: true,
        detached: process.platform !== "win32",
      });
    } catch (error) {
      reject(spawnFailure(invocation, error));
      return;
    }
    running.add(child);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on("exit", () => running.forEach(killTree));
    }

    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrBytes = 0;
    let failure: Error | undefined;
    let settled = false;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    let drainTimer: ReturnType<typeof setTimeout> | undefined;

    const finish = (exitCode: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (graceTimer !== undefined) clearTimeout(graceTimer);
      if (drainTimer !== undefined) clearTimeout(drainTimer);
      signal?.removeEventListener("abort", onAbort);
      running.delete(child);
      // Whatever the tool left running in its group goes with it; the pipes are no longer read.
      killGroup(child);
      child.stdout?.destroy();
      child.stderr?.destroy();
      if (failure !== undefined) reject(failure);
      else resolve({ command, exitCode, stdout: decode(stdout), stderr: decode(stderr) });
    };
    /** Kills the process (group) and settles with `error` once it is gone. */
    const stop = (error: Error) => {
      if (failure !== undefined || settled) return;
      failure = error;
      killTree(child);
      graceTimer = setTimeout(() => finish(null), EXIT_GRACE_MS);
    };
    const onAbort = () => stop(abortError());

    const deadline = setTimeout(() => stop(new ToolTimeoutError(invocation.tool, command, invocation.timeoutMs)), invocation.timeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });

    const maxStdout = invocation.maxStdoutBytes ?? DEFAULT_MAX_STDOUT;
    const maxStderr = invocation.maxStderrBytes ?? DEFAULT_MAX_STDERR;
    child.stdout!.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout)
        stop(new CredentialUnavailableError(`${invocation.tool} wrote more than ${maxStdout} bytes to stdout for '${command}'; azid stopped it.`));
      else stdout.push(chunk);
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      stderrBytes += chunk.length;
      if (stderrBytes > maxStderr)
        stop(new CredentialUnavailableError(`${invocation.tool} wrote more than ${maxStderr} bytes to stderr for '${command}'; azid stopped it.`));
      else stderr.push(chunk);
    });
    child.on("error", (error) => {
      if (failure === undefined) failure = spawnFailure(invocation, error);
      killTree(child);
      finish(null);
    });
    // The tool exited: what it printed is in the pipes. A child it left behind may keep them open,
    // so 'close' gets a short drain and no more.
    child.on("exit", (code) => {
      if (settled || failure !== undefined) return;
      drainTimer = setTimeout(() => finish(code), DRAIN_AFTER_EXIT_MS);
    });
    // 'close' waits for the pipes too; after a kill the whole group is gone, so it follows promptly.
    child.on("close", (code) => finish(code));
  });
}

function spawnFailure(invocation: ToolInvocation, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT") return new CredentialUnavailableError(invocation.notInstalledMessage, { cause: error });
  return new CredentialUnavailableError(`${invocation.tool} could not be started (${code ?? (error instanceof Error ? error.message : String(error))}).`, {
    cause: error,
  });
}

function decode(chunks: Buffer[]): string {
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/^\uFEFF/, "");
}
