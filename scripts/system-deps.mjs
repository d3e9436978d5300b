// Installs the Debian packages the tests use (real parts, not mocks): tinyproxy for the proxy test.
// Runs before `npm test`. On a machine where apt is not usable it says what is missing instead;
// tests that need a missing tool then fail under CI and are skipped with a reason elsewhere.
import { execFileSync, spawnSync } from "node:child_process";

const needed = [{ command: "tinyproxy", pkg: "tinyproxy" }];

const has = (command) => spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
const missing = needed.filter(({ command }) => !has(command));
if (missing.length === 0) process.exit(0);

const packages = missing.map((m) => m.pkg);
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
if (!isRoot || !has("apt-get")) {
  console.warn(`system-deps: missing ${packages.join(", ")}; install them with: sudo apt-get install -y ${packages.join(" ")}`);
  process.exit(0);
}
console.log(`system-deps: installing ${packages.join(", ")} with apt-get`);
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...packages], { stdio: "inherit", env });
