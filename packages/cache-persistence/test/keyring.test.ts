// Encryption at rest against a real Secret Service: a gnome-keyring-daemon from Debian in a
// throwaway D-Bus session (never the user's own keyring), unlocked, locked, or absent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { makeTestHome, runWithTestKeyring } from "./support/withTestKeyring.mjs";

const scenario = fileURLToPath(new URL("./support/keyringScenario.ts", import.meta.url));
const node = process.execPath;
const CACHE = JSON.stringify({ RefreshToken: { k: { secret: "rt-keyring-secret-42" } } });

interface Step {
  step: string;
  text?: string;
  location?: string;
  encrypted?: boolean;
  error?: { name: string; reason: string; message: string; fixes: string[] };
}
const steps = (stdout: string): Step[] =>
  stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Step);
const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

test("the key lives in the Secret Service (secret-tool sees the item), the file is ciphertext, and a new process reads the text back", async () => {
  const script = `${q(node)} ${q(scenario)} write ${q(CACHE)} && ${q(node)} ${q(scenario)} read && echo ITEMS && secret-tool search --all service azid.cache-persistence 2>&1`;
  const run = await runWithTestKeyring("sh", ["-c", script]);
  assert.equal(run.code, 0, run.stderr.slice(-1500));
  const [write, read] = steps(run.stdout);
  assert.equal(write?.encrypted, true, JSON.stringify(write));
  assert.equal(write?.location, `${run.home}/.IdentityService/msal.cache.nocae`);
  assert.equal(read?.text, CACHE);
  assert.equal(readFileSync(write.location!).includes("rt-keyring-secret-42"), false);
  const items = run.stdout.split("ITEMS")[1]!;
  assert.match(items, /schema = org\.freedesktop\.Secret\.Generic/);
  assert.match(items, /attribute\.service = azid\.cache-persistence/);
  assert.ok(items.includes(`attribute.username = ${write.location}`), items);
  assert.equal((items.match(/^\[\//gm) ?? []).length, 1, "one key item per cache file");
});

test("the key survives a restart of the keyring daemon and the D-Bus session (unlike the kernel keyring)", async () => {
  const { home, env } = makeTestHome();
  const first = await runWithTestKeyring(node, [scenario, "write", CACHE], { home, homeEnv: env });
  assert.equal(steps(first.stdout)[0]?.encrypted, true, first.stdout + first.stderr.slice(-800));
  const second = await runWithTestKeyring(node, [scenario, "read"], { home, homeEnv: env });
  assert.equal(steps(second.stdout)[0]?.text, CACHE);
});

test("a locked keyring: a typed error with the fixes, whether the key must be created or read; the opt-in gives a plaintext file", async () => {
  const { home, env } = makeTestHome();
  // No key yet: creating it needs the locked collection.
  const fresh = await runWithTestKeyring("sh", ["-c", `${q(node)} ${q(scenario)} open no; ${q(node)} ${q(scenario)} open yes`], {
    keyring: "locked",
    home,
    homeEnv: env,
  });
  const [refused, allowed] = steps(fresh.stdout);
  assert.equal(refused?.error?.name, "PersistenceUnavailableError", fresh.stdout + fresh.stderr.slice(-800));
  assert.equal(refused.error.reason, "keyring-locked");
  assert.match(refused.error.message, /unlock/);
  assert.ok(refused.error.fixes.some((f) => f.includes("unsafeAllowUnencryptedStorage")));
  assert.equal(allowed?.encrypted, false);
  assert.equal(readFileSync(allowed.location!, "utf8"), '{"written":true}');

  // A key stored while unlocked, then the keyring locked: reading it is refused the same way.
  const other = makeTestHome();
  await runWithTestKeyring(node, [scenario, "write", CACHE], { home: other.home, homeEnv: other.env });
  const locked = await runWithTestKeyring(node, [scenario, "read"], { keyring: "locked", home: other.home, homeEnv: other.env });
  const [read] = steps(locked.stdout);
  assert.equal(read?.error?.reason, "keyring-locked", locked.stdout + locked.stderr.slice(-800));
  assert.equal(read.error.message.includes("rt-keyring-secret-42"), false);
});

test("warm() (a credential with persistence was built) fetches the key without prompting: unlocked it reads the text, locked open() reports the lock", async () => {
  const { home, env } = makeTestHome();
  await runWithTestKeyring(node, [scenario, "write", CACHE], { home, homeEnv: env });
  const unlocked = await runWithTestKeyring(node, [scenario, "warm-read"], { home, homeEnv: env });
  assert.equal(steps(unlocked.stdout)[0]?.text, CACHE, unlocked.stdout + unlocked.stderr.slice(-800));
  const locked = await runWithTestKeyring(node, [scenario, "warm-read"], { keyring: "locked", home, homeEnv: env });
  const [read] = steps(locked.stdout);
  assert.equal(read?.error?.reason, "keyring-locked", locked.stdout + locked.stderr.slice(-800));
});

test("no D-Bus session at all (SSH, container): a typed error naming gnome-keyring, dbus-run-session and the opt-in", async () => {
  const run = await runWithTestKeyring("sh", ["-c", `${q(node)} ${q(scenario)} open no; ${q(node)} ${q(scenario)} open yes`], { keyring: "none" });
  const [refused, allowed] = steps(run.stdout);
  assert.equal(refused?.error?.reason, "no-keyring", run.stdout + run.stderr.slice(-800));
  const fixes = refused.error.fixes.join("\n");
  assert.match(fixes, /gnome-keyring/);
  assert.match(fixes, /dbus-run-session/);
  assert.match(fixes, /unsafeAllowUnencryptedStorage/);
  assert.equal(allowed?.encrypted, false);
});

test("a session bus address whose socket does not exist (a stale DBUS_SESSION_BUS_ADDRESS): said without connecting; the opt-in gives a plaintext file", async () => {
  const stale = "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/azid-test-bus";
  const script = [`${stale} ${q(node)} ${q(scenario)} open no`, `${stale} ${q(node)} ${q(scenario)} open yes warm`].join("; ");
  const run = await runWithTestKeyring("sh", ["-c", script], { keyring: "none" });
  const [refused, allowed] = steps(run.stdout);
  assert.equal(refused?.error?.reason, "no-keyring", run.stdout + run.stderr.slice(-800));
  assert.match(refused.error.message, /no session bus socket at \/nonexistent\/azid-test-bus/);
  assert.match(refused.error.fixes.join("\n"), /unsafeAllowUnencryptedStorage/);
  assert.equal(allowed?.encrypted, false, JSON.stringify(allowed));
  assert.equal(readFileSync(allowed.location!, "utf8"), '{"written":true}');
});

test("azid's own Secret Service client and @napi-rs/keyring (keyring-rs) address the same key item, both ways", async () => {
  const step = (...args: string[]) => [q(node), q(scenario), ...args.map(q)].join(" ");
  const script = [
    step("key-set", "napi", "/cache/a.nocae", "11".repeat(32)),
    step("key-get", "azid", "/cache/a.nocae"),
    step("key-set", "azid", "/cache/b.nocae", "22".repeat(32)),
    step("key-get", "napi", "/cache/b.nocae"),
    step("key-set", "azid", "/cache/b.nocae", "33".repeat(32)), // replaces, never duplicates
    step("key-get", "napi", "/cache/b.nocae"),
    step("key-get", "azid", "/cache/missing"),
    "echo ITEMS && secret-tool search --all service azid.cache-persistence 2>&1",
  ].join(" && ");
  const run = await runWithTestKeyring("sh", ["-c", script]);
  assert.equal(run.code, 0, run.stderr.slice(-1500));
  const got = steps(run.stdout).filter((s) => s.step === "key-get") as Array<Step & { hex: string | null }>;
  assert.deepEqual(
    got.map((g) => g.hex),
    ["11".repeat(32), "22".repeat(32), "33".repeat(32), null],
  );
  const items = run.stdout.split("ITEMS")[1]!;
  assert.equal((items.match(/^\[\//gm) ?? []).length, 2, items);
  assert.match(items, /label = keyring:\/cache\/b\.nocae@azid\.cache-persistence/);
});
