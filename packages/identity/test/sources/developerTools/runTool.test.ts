// runTool and findExecutable on their own: PATH search (relative entries skipped), the Windows
// az.cmd launcher resolution (with an in-memory file system), output caps and spawn failures.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { CredentialUnavailableError } from "../../../src/core/errors.js";
import { findExecutable, type ExecutableSearch } from "../../../src/sources/developerTools/findExecutable.js";
import { runTool, safeWorkingDirectory } from "../../../src/sources/developerTools/runTool.js";
import { FAKE_TOOLS, useFakeTools } from "../../support/toolHarness.js";

const tools = useFakeTools();

function windows(files: Record<string, string>, env: NodeJS.ProcessEnv): ExecutableSearch {
  const lower = new Map(Object.entries(files).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    platform: "win32",
    env,
    isExecutableFile: (file) => lower.has(path.win32.normalize(file).toLowerCase()),
    readText: (file) => lower.get(path.win32.normalize(file).toLowerCase()),
    join: path.win32.join,
    dirname: path.win32.dirname,
    isAbsolute: path.win32.isAbsolute,
  };
}

const AZ_CMD = [
  "::",
  ":: Microsoft Azure CLI - Windows Installer - Author file components script",
  ":: Copyright (C) Microsoft Corporation. All Rights Reserved.",
  "::",
  "",
  '@IF EXIST "%~dp0\\..\\python.exe" (',
  "  SET AZ_INSTALLER=MSI",
  '  "%~dp0\\..\\python.exe" -IBm azure.cli %*',
  ") ELSE (",
  "  echo Failed to load python executable.",
  "  exit /b 1",
  ")",
].join("\r\n");

describe("findExecutable on Windows (simulated)", () => {
  const CLI = "C:\\Program Files\\Microsoft SDKs\\Azure\\CLI2";

  it("runs az.cmd's bundled Python directly (no cmd.exe), with the launcher's flags and AZ_INSTALLER", () => {
    const search = windows({ [`${CLI}\\wbin\\az.cmd`]: AZ_CMD, [`${CLI}\\python.exe`]: "MZ" }, { Path: `C:\\Windows\\system32;${CLI}\\wbin` });
    assert.deepEqual(findExecutable(["az"], search), { file: `${CLI}\\python.exe`, prefixArgs: ["-IBm", "azure.cli"], env: { AZ_INSTALLER: "MSI" } });
  });

  it("prefers an .exe; finds `Path` whatever its case; skips relative and empty PATH entries", () => {
    const search = windows({ "C:\\tools\\azd.exe": "MZ", ".\\azd.exe": "MZ", "C:\\work\\repo\\azd.exe": "MZ" }, { pAtH: ";.;repo;C:\\tools" });
    assert.deepEqual(findExecutable(["azd"], search), { file: "C:\\tools\\azd.exe", prefixArgs: [], env: {} });
  });

  it("falls back from pwsh to powershell", () => {
    const search = windows(
      { "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe": "MZ" },
      { PATH: "C:\\Windows\\System32\\WindowsPowerShell\\v1.0" },
    );
    assert.equal(findExecutable(["pwsh", "powershell"], search)?.file, "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
  });

  it("refuses a batch file it doesn't recognise rather than running it through cmd.exe", () => {
    const search = windows({ "C:\\shims\\az.cmd": "@echo off\r\ncall something-else %*\r\n" }, { PATH: "C:\\shims" });
    assert.throws(
      () => findExecutable(["az"], search),
      (error: unknown) => error instanceof CredentialUnavailableError && /never runs developer tools through cmd\.exe/.test(error.message),
    );
  });

  it("refuses az.cmd whose Python is missing", () => {
    const search = windows({ [`${CLI}\\wbin\\az.cmd`]: AZ_CMD }, { PATH: `${CLI}\\wbin` });
    assert.throws(() => findExecutable(["az"], search), CredentialUnavailableError);
  });

  it("nothing on PATH → undefined", () => {
    assert.equal(findExecutable(["az"], windows({}, { PATH: "C:\\Windows" })), undefined);
  });
});

describe("runTool", () => {
  it("never searches relative PATH entries (a repository's ./az is not run)", async () => {
    // A directory named like a relative PATH entry, containing an executable az.
    const planted = path.join(tools.dir, "bin");
    mkdirSync(planted);
    writeFileSync(path.join(planted, "az"), "#!/bin/sh\necho planted\n");
    chmodSync(path.join(planted, "az"), 0o755);
    const previousCwd = process.cwd();
    process.chdir(tools.dir);
    try {
      process.env.PATH = `bin:.:`;
      await assert.rejects(
        runTool({ tool: "Azure CLI", executables: ["az"], args: [], timeoutMs: 2000, notInstalledMessage: "not installed" }),
        /not installed/,
      );
    } finally {
      process.chdir(previousCwd);
    }
    assert.deepEqual(tools.runs(), []);
  });

  it("runs from the safe working directory with stdin closed and returns exit code, stdout and stderr", async () => {
    writeFileSync(
      path.join(tools.dir, "probe"),
      "#!/usr/bin/env node\nlet n=0;process.stdin.on('data',d=>n+=d.length).on('end',()=>{process.stdout.write(JSON.stringify({cwd:process.cwd(),argv:process.argv.slice(2),stdin:n}));process.stderr.write('warn');process.exitCode=3});\n",
    );
    chmodSync(path.join(tools.dir, "probe"), 0o755);
    process.env.PATH = `${tools.dir}:${path.dirname(process.execPath)}`;
    const result = await runTool({
      tool: "Probe",
      executables: ["probe"],
      args: ["a b", "$(id)", "'x'", "-"],
      timeoutMs: 5000,
      notInstalledMessage: "missing",
    });
    assert.equal(result.exitCode, 3);
    assert.equal(result.stderr, "warn");
    assert.deepEqual(JSON.parse(result.stdout), { cwd: safeWorkingDirectory(), argv: ["a b", "$(id)", "'x'", "-"], stdin: 0 });
    assert.equal(result.command, "probe a b $(id) 'x' -");
  });

  it("stops a tool that floods stdout", async () => {
    writeFileSync(
      path.join(tools.dir, "flood"),
      "#!/usr/bin/env node\nconst b=Buffer.alloc(65536,97);(function w(){while(process.stdout.write(b));process.stdout.once('drain',w)})();\n",
    );
    chmodSync(path.join(tools.dir, "flood"), 0o755);
    process.env.PATH = `${tools.dir}:${path.dirname(process.execPath)}`;
    await assert.rejects(
      runTool({ tool: "Flood", executables: ["flood"], args: [], timeoutMs: 10_000, notInstalledMessage: "missing", maxStdoutBytes: 256 * 1024 }),
      (error: unknown) => error instanceof CredentialUnavailableError && /more than 262144 bytes to stdout/.test(error.message),
    );
  });

  it("a tool that exits while a child it started holds stdout open: finishes on the exit with its output, and the child is stopped", async () => {
    writeFileSync(
      path.join(tools.dir, "leaky"),
      [
        "#!/usr/bin/env node",
        "const { spawn } = require('node:child_process');",
        // The grandchild inherits stdout and stderr and never exits, like an extension's background helper.
        "const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });",
        "process.stdout.write(JSON.stringify({ accessToken: 'valid-token', grandchild: child.pid }));",
        "process.exit(0);",
      ].join("\n"),
    );
    chmodSync(path.join(tools.dir, "leaky"), 0o755);
    process.env.PATH = `${tools.dir}:${path.dirname(process.execPath)}`;
    const result = await runTool({ tool: "Leaky", executables: ["leaky"], args: [], timeoutMs: 20_000, notInstalledMessage: "missing" });
    assert.equal(result.exitCode, 0);
    const printed = JSON.parse(result.stdout) as { accessToken: string; grandchild: number };
    assert.equal(printed.accessToken, "valid-token", "the token printed before the exit is kept");
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(isGoneOrZombie(printed.grandchild), "the process group was signalled");
  });

  it("a file that can't be executed is 'could not be started', not a crash", async () => {
    // Executable bit set, but the interpreter named by the shebang does not exist.
    writeFileSync(path.join(tools.dir, "broken"), "#!/nonexistent/interpreter\n");
    chmodSync(path.join(tools.dir, "broken"), 0o755);
    process.env.PATH = tools.dir;
    await assert.rejects(
      runTool({ tool: "Broken", executables: ["broken"], args: [], timeoutMs: 5000, notInstalledMessage: "Broken is not installed" }),
      CredentialUnavailableError,
    );
  });

  it("the fakes are what the credential tests run", () => {
    assert.ok(FAKE_TOOLS.endsWith(path.join("test", "fixtures", "tools")));
  });
});

/** Killed: no such process, or a zombie waiting for init (or a container's PID 1) to reap it. */
function isGoneOrZombie(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
}
