// The benchmark's children load @azid/cache-persistence from its build (dist/esm), as an application
// would. scripts/build.mjs builds the core packages; this compiles the plugin when its build is
// missing or older than its sources (a few seconds, once).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PACKAGE = join(ROOT, "packages/cache-persistence");
export const CACHE_PERSISTENCE_ENTRY = join(PACKAGE, "dist/esm/index.js");

function newest(dir) {
  let latest = 0;
  for (const name of readdirSync(dir)) {
    const stat = statSync(join(dir, name));
    latest = Math.max(latest, stat.isDirectory() ? newest(join(dir, name)) : stat.mtimeMs);
  }
  return latest;
}

export function ensureCachePersistenceBuilt() {
  if (existsSync(CACHE_PERSISTENCE_ENTRY) && statSync(CACHE_PERSISTENCE_ENTRY).mtimeMs >= newest(join(PACKAGE, "src"))) return;
  const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", join(PACKAGE, "tsconfig.json")], { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`building @azid/cache-persistence failed:\n${result.stdout}${result.stderr}`);
}
