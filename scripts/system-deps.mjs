// Installs the Debian packages the tests use (real parts, not mocks): tinyproxy for the proxy test,
// chromium (driven by playwright-core, never a downloaded browser) and a font for the browser test.
// Runs before `npm test`. On a machine where apt is not usable it says what is missing instead;
// tests that need a missing tool then fail under CI and are skipped with a reason elsewhere.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const needed = [
  { command: "tinyproxy", pkg: "tinyproxy" },
  { command: "redis-server", pkg: "redis-server" }, // @azid/cache-redis tests, bench and demo (also brings redis-cli)
  { command: "chromium", pkg: "chromium" },
  // Without a font chromium renders the sign-in page's text as boxes in screenshots.
  { file: "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", pkg: "fonts-liberation" },
  // The real Azure CLI (2.45) for packages/emulator/test/clients; it depends on python3-azure
  // (azure-identity 1.13, azure-core) and python3-msal, which the Python client tests use too.
  // About 100 s on a fresh machine (18 MB download, 540 MB installed, most of it byte-compiling).
  { file: "/usr/bin/az", pkg: "azure-cli" },
  // `ip link set lo up` inside the loopback-only network namespaces those tests run clients in.
  { command: "ip", pkg: "iproute2" },
  // @azid/cache-persistence: a real Secret Service (gnome-keyring) in a throwaway D-Bus session;
  // secret-tool writes Microsoft's item layouts and reads them back; gdbus locks the test keyring.
  { command: "gnome-keyring-daemon", pkg: "gnome-keyring" },
  { command: "dbus-run-session", pkg: "dbus" },
  { command: "secret-tool", pkg: "libsecret-tools" },
  { command: "gdbus", pkg: "libglib2.0-bin" },
];

const has = (command) => spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
const missing = needed.filter(({ command, file }) => (command === undefined ? !existsSync(file) : !has(command)));
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
