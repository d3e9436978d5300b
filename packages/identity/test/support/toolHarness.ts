// Test setup for the developer-tool credentials: the fake az/azd/pwsh (test/fixtures/tools) first on
// PATH, a fresh argv log per test, the environment saved and restored, the token cache cleared.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, it } from "node:test";
import { tokenCache } from "../../src/core/cache/tokenCache.js";
import type { TokenCredential } from "../../src/core/types.js";
import { ToolTimeoutError } from "../../src/sources/developerTools/runTool.js";
import { rejection } from "./assertions.js";
import { captureLogs } from "./emulator.js";

export const FAKE_TOOLS = resolve("packages/identity/test/fixtures/tools");

/** What the developer-tool tests ask for: a scope, the fake tools' signed-in tenant and another one. */
export const STORAGE = "https://storage.azure.com/.default";
export const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const OTHER_TENANT = "8a9b0c1d-2e3f-4a5b-8c7d-9e0f1a2b3c4d";

export interface ToolRun {
  tool: "az" | "azd" | "pwsh";
  argv: string[];
  cwd: string;
  pid: number;
  grandchildPid?: number;
  env?: Record<string, string | undefined>;
}

export interface ToolHarness {
  /** Every recorded run of a fake tool in this test, oldest first. */
  runs(): ToolRun[];
  setEnv(vars: Record<string, string | undefined>): void;
  /** PATH with no tools at all (an empty directory). */
  hideTools(): void;
  dir: string;
}

export function useFakeTools(): ToolHarness {
  const saved = { ...process.env };
  const harness = {} as ToolHarness;
  let dir = "";
  let log = "";

  beforeEach(() => {
    tokenCache.clear();
    dir = mkdtempSync(join(tmpdir(), "azid-tools-"));
    log = join(dir, "runs.jsonl");
    harness.dir = dir;
    // Only the fakes and node itself on PATH, so no real tool on a developer's machine is ever run.
    process.env.PATH = [FAKE_TOOLS, resolve(process.execPath, "..")].join(":");
    process.env.AZID_FAKE_TOOL_LOG = log;
    // The fakes need the network guard, not the TypeScript loader (halves their start-up time).
    process.env.NODE_OPTIONS = (saved.NODE_OPTIONS ?? "")
      .replace(/--import[= ]tsx\b/, "")
      .replace(/--conditions=\S+/, "")
      .trim();
  });

  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    tokenCache.clear();
    rmSync(dir, { recursive: true, force: true });
  });

  harness.runs = () =>
    existsSync(log)
      ? readFileSync(log, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as ToolRun)
      : [];
  harness.setEnv = (vars) => {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  harness.hideTools = () => {
    process.env.PATH = dir;
  };
  return harness;
}

/** Alive and not a zombie (a container's PID 1 may never reap orphans). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return true;
  }
}

export async function waitUntil(condition: () => boolean, timeoutMs = 2_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return condition();
}

export function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
}

/** What the shared lifecycle tests need to know of one developer-tool credential. */
export interface ToolCredentialSpec {
  /** "azd", "pwsh": in test names. */
  tool: string;
  /** The fake's behaviour variable, e.g. AZID_FAKE_AZD. */
  fakeVariable: string;
  create(options?: { processTimeoutInMs?: number }): TokenCredential;
  /** The start of the timeout error's message. */
  timeoutMessage: RegExp;
  /** The scope the concurrency test asks for. */
  scope: string;
  /** The info line that names the command run. */
  logLine: string;
}

/**
 * The deadline, abort, single-flight and logging tests every developer-tool credential must pass,
 * defined once: the process (and what it started) is killed at processTimeoutInMs and on abort,
 * 50 concurrent calls share one run, and the log names the command but never the token.
 */
export function toolLifecycleTests(tools: ToolHarness, spec: ToolCredentialSpec): void {
  it(`kills ${spec.tool} at processTimeoutInMs`, async () => {
    tools.setEnv({ [spec.fakeVariable]: "hang" });
    const started = Date.now();
    const error = await rejection(spec.create({ processTimeoutInMs: 1200 }).getToken(STORAGE));
    assert.ok(error instanceof ToolTimeoutError, String(error));
    assert.match(error.message, spec.timeoutMessage);
    // The fake hangs for ever: only the deadline ends it, and the error carries the configured value.
    assert.equal(error.timeoutInMs, 1200, "the deadline that fired is processTimeoutInMs");
    assert.ok(Date.now() - started >= 1100, `stopped after ${Date.now() - started} ms, not before the deadline`);
    assert.equal(tools.runs().length, 1, "one run, no retry");
    const [run] = tools.runs();
    assert.ok(run !== undefined, "the fake started");
    assert.equal(isAlive(run.pid), false, "the tool is gone");
    assert.ok(await waitUntil(() => !isAlive(run.grandchildPid!)), "what the tool started is gone too");
  });

  it(`abort kills ${spec.tool}`, async () => {
    tools.setEnv({ [spec.fakeVariable]: "hang" });
    const controller = new AbortController();
    const pending = spec.create({ processTimeoutInMs: 20_000 }).getToken(STORAGE, { abortSignal: controller.signal });
    assert.ok(await waitUntil(() => tools.runs().length === 1, 5_000));
    controller.abort();
    assert.equal((await rejection(pending)).name, "AbortError");
    assert.ok(await waitUntil(() => !isAlive(tools.runs()[0]!.pid)));
  });

  it(`50 concurrent calls share one ${spec.tool} run; then the cache answers`, async () => {
    tools.setEnv({ [spec.fakeVariable]: "slow", AZID_FAKE_DELAY_MS: "200" });
    const credential = spec.create();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => credential.getToken(spec.scope)));
    assert.equal(new Set(tokens.map((t) => t!.token)).size, 1);
    assert.equal(tools.runs().length, 1);
    await credential.getToken(spec.scope);
    assert.equal(tools.runs().length, 1);
  });

  it("logs the command, not the token", async () => {
    const { lines, result } = await captureLogs(() => spec.create().getToken(STORAGE));
    assert.ok(
      lines.some((l) => l.includes(spec.logLine)),
      lines.join("\n"),
    );
    const payload = result!.token.split(".")[1]!;
    for (const line of lines) assert.ok(!line.includes(payload), line);
  });
}
