// Runs every test file with node's own test runner, on the TypeScript sources (tsx), with the
// network guard preloaded into this and every child Node process, and with the caller's Azure
// environment removed so a developer's own settings can't leak into (or out of) a test.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...testFiles(full));
    else if (name.endsWith(".test.ts")) out.push(full);
  }
  return out;
}

const only = process.argv.slice(2);
const files =
  only.length > 0
    ? only
    : ["packages/identity/test", "packages/emulator/test", "packages/cli/test", "packages/cache-redis/test", "packages/cache-persistence/test", "samples"]
        .flatMap(testFiles)
        .sort();

const guard = pathToFileURL(resolve("scripts/network-guard.mjs")).href;
// Gives a failing assert(x) / assert.ok(x) without a message its message, so Node 20 doesn't hang
// looking for it in the .ts file (see scripts/assert-message.mjs).
const assertMessage = pathToFileURL(resolve("scripts/assert-message.mjs")).href;
const env = {};
for (const [key, value] of Object.entries(process.env)) {
  if (/^(AZURE_|IDENTITY_|IMDS_|MSI_|SYSTEM_OIDC|AZID_)/.test(key)) continue;
  if (/^(HTTPS?_PROXY|NO_PROXY|ALL_PROXY)$/i.test(key)) continue;
  env[key] = value;
}
env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --conditions=@azid/source --import tsx --import ${guard} --import ${assertMessage}`.trim();
mkdirSync(".test-output", { recursive: true });

const result = spawnSync(process.execPath, ["--test", "--test-concurrency=2", "--test-timeout=120000", ...files], {
  stdio: "inherit",
  env,
});
process.exit(result.status ?? 1);
