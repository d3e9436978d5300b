// Runs a command inside a throwaway D-Bus session with its own gnome-keyring-daemon, created and
// unlocked with a known password, under a temporary HOME: a real Secret Service that never touches
// the user's own keyring. Used by the tests and by bench/persistence. Plain .mjs so both can load it.
//   runWithTestKeyring(command, args, { keyring: "unlocked" | "locked" | "none" })
//   "locked": the login keyring exists but is locked again before the command runs (no prompt can
//   unlock it here: there is no display). "none": no D-Bus session at all.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const TEST_KEYRING_PASSWORD = "azid-test-keyring";

const SESSION_SCRIPT = `
set -e
printf %s "$AZID_TEST_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
if [ "$AZID_TEST_KEYRING" = locked ]; then
  # Create the login collection (a first store does), then lock it.
  printf probe | secret-tool store --label=azid-probe azid probe >/dev/null 2>&1 || true
  gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \\
    --method org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" >/dev/null
fi
exec "$@"
`;

/** A fresh HOME with the XDG folders a keyring daemon needs. */
export function makeTestHome() {
  const home = mkdtempSync(join(tmpdir(), "azid-keyring-"));
  const runtime = join(home, "run");
  mkdirSync(runtime, { mode: 0o700 });
  return {
    home,
    env: {
      HOME: home,
      XDG_DATA_HOME: join(home, "data"),
      XDG_CONFIG_HOME: join(home, "config"),
      XDG_CACHE_HOME: join(home, "cache"),
      XDG_RUNTIME_DIR: runtime,
    },
  };
}

/** Runs `command args` in the session; resolves { code, stdout, stderr, home }. */
export function runWithTestKeyring(command, args, options = {}) {
  const { home, env: homeEnv } = options.home ? { home: options.home, env: options.homeEnv } : makeTestHome();
  const mode = options.keyring ?? "unlocked";
  const env = { ...process.env, ...homeEnv, ...options.env, AZID_TEST_KEYRING_PASSWORD: TEST_KEYRING_PASSWORD, AZID_TEST_KEYRING: mode };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  const [file, argv] = mode === "none" ? [command, args] : ["dbus-run-session", ["--", "sh", "-c", SESSION_SCRIPT, "sh", command, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, home }));
  });
}
