// @azure/identity + @azure/identity-cache-persistence beside azid in the persistence bench. They live
// in bench/persistence/azure-side/ with a package.json of their own, outside the workspaces, because
// keytar (their keyring binding) has no prebuilt binary that installs here: it compiles from source
// against Debian's libsecret-1-dev and the Node headers (npm_config_nodedir=/usr), which `npm ci` for
// the whole repository should not depend on. ensureAzureSide() installs them once (about a minute),
// or says why it could not.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const DIR = fileURLToPath(new URL("./azure-side/", import.meta.url));
export const AZURE_IDENTITY_ENTRY = join(DIR, "node_modules/@azure/identity/dist/esm/index.js");
export const AZURE_PERSISTENCE_ENTRY = join(DIR, "node_modules/@azure/identity-cache-persistence/dist/esm/index.js");

/** Undefined when installed; else the reason they are not in the run. */
export function ensureAzureSide() {
  if (existsSync(AZURE_PERSISTENCE_ENTRY) && existsSync(join(DIR, "node_modules/keytar/build/Release/keytar.node"))) return undefined;
  const nodedir = existsSync("/usr/include/node/node.h") ? { npm_config_nodedir: "/usr" } : {};
  const result = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--foreground-scripts", "--no-package-lock"], {
    cwd: DIR,
    encoding: "utf8",
    env: { ...process.env, ...nodedir },
    timeout: 300_000,
  });
  if (result.status === 0 && existsSync(join(DIR, "node_modules/keytar/build/Release/keytar.node"))) return undefined;
  return `@azure/identity-cache-persistence could not be installed here (keytar must compile against libsecret-1-dev and the Node headers): ${(result.stderr || result.stdout || String(result.error)).trim().split("\n").slice(-3).join(" ")}`;
}
