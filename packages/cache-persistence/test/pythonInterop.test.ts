// Interop with the real MSAL Python extensions (Debian's python3-msal-extensions 1.0 and
// python3-azure's azure-identity, installed with the Azure CLI by scripts/system-deps.mjs):
// the lock is honoured both ways, and a cache azure-identity saved to libsecret is read back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { acquireLock } from "../src/lockFile.js";
import { runWithTestKeyring } from "./support/withTestKeyring.mjs";

const PYTHON = "/usr/bin/python3";
const helper = fileURLToPath(new URL("./fixtures/pythonMsalExtensions.py", import.meta.url));
const scenario = fileURLToPath(new URL("./support/keyringScenario.ts", import.meta.url));
const available = existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import msal_extensions, portalocker, azure.identity"]).status === 0;
const skip = available ? false : "Debian's python3-msal-extensions / python3-azure are not installed (scripts/system-deps.mjs installs azure-cli)";
const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

function startPython(args: string[]) {
  const child = spawn(PYTHON, [helper, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const line = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () =>
        out
          .split("\n")
          .slice(0, -1)
          .some((l) => l.startsWith(text)) && resolve(out);
      child.stdout.on("data", check);
      check();
      child.on("close", (code) => reject(new Error(`python exited ${code} before "${text}": ${out}`)));
    });
  return { child, line, exited: new Promise((resolve) => child.on("close", resolve)) };
}

test("azid waits for a lock MSAL Python holds, and reads its '<pid> <argv0>' content", { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "azid-pylock-"));
  const lockPath = join(dir, "msal.cache.nocae.lockfile");
  const marker = join(dir, "python-done");
  const python = startPython(["hold", lockPath, marker]);
  await python.line("held");
  assert.match(readFileSync(lockPath, "utf8"), new RegExp(`^${python.child.pid} `));
  const lock = await acquireLock(lockPath, { timeoutMs: 10_000 });
  assert.equal(existsSync(marker), true, "azid got the lock only after Python was done with it");
  assert.equal(lock.recovered, 0, "a live Python holder's lock is never broken");
  await lock.release();
  await python.exited;
});

test("MSAL Python waits for a lock azid holds", { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "azid-pylock-"));
  const lockPath = join(dir, "msal.cache.nocae.lockfile");
  const marker = join(dir, "azid-done");
  const lock = await acquireLock(lockPath);
  const python = startPython(["wait", lockPath, marker]);
  await new Promise((resolve) => setTimeout(resolve, 500)); // Python is polling for the lock file now
  await import("node:fs/promises").then((fs) => fs.writeFile(marker, ""));
  await lock.release();
  assert.match(await python.line("acquired"), /acquired True/);
  await python.exited;
});

test("a cache azure-identity (Python) saved in libsecret is read by openMicrosoftSharedCache", { skip }, async () => {
  const text = JSON.stringify({ Account: { a: { username: "py@contoso.com" } } }, null, 4);
  const script = `${q(PYTHON)} ${q(helper)} save msal.cache.nocae ${q(text)} && secret-tool search --all MsalClientID Microsoft.Developer.IdentityService && ${q(process.execPath)} ${q(scenario)} microsoft msal.cache no`;
  const run = await runWithTestKeyring("sh", ["-c", script]);
  assert.equal(run.code, 0, run.stderr.slice(-1500));
  assert.match(run.stdout, /saved LibsecretPersistence/);
  assert.match(run.stdout, /label = MSALCache/);
  assert.match(run.stdout, /schema = msal\.cache\.nocae/);
  const result = JSON.parse(run.stdout.trim().split("\n").pop()!) as { found: { text: string; origin: string } };
  assert.deepEqual(result.found, { text, origin: "msal-extensions-libsecret" });
});
