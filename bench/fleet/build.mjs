// Children of the benchmark and the demo load @azid/cache-redis from its build (dist/esm), as an
// application would. scripts/build.mjs builds the core packages; this compiles the plugin when its
// build is missing or older than its sources (a few seconds, once).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PACKAGE = join(ROOT, "packages/cache-redis");

function newest(dir) {
  let latest = 0;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const stat = statSync(full);
    latest = Math.max(latest, stat.isDirectory() ? newest(full) : stat.mtimeMs);
  }
  return latest;
}

export function ensureCacheRedisBuilt() {
  const entry = join(PACKAGE, "dist/esm/index.js");
  if (existsSync(entry) && statSync(entry).mtimeMs >= newest(join(PACKAGE, "src"))) return;
  const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", join(PACKAGE, "tsconfig.json")], { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`building @azid/cache-redis failed:\n${result.stdout}${result.stderr}`);
}
