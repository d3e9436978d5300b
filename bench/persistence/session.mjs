// Runs inside a throwaway D-Bus session with an unlocked gnome-keyring (scenario.mjs starts it):
// every measurement of the persistence benchmark, each sample in a fresh child Node process.
// Prints one JSON line.   node session.mjs <settings JSON>
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { guardFlags } from "../lib/proc.mjs";
import { CACHE_PERSISTENCE_ENTRY as ENTRY } from "./build.mjs";

const settings = JSON.parse(process.argv[2]);
const here = (name) => fileURLToPath(new URL(name, import.meta.url));

function child(script, args) {
  const proc = spawn(process.execPath, [...guardFlags(), here(script), ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  proc.stdout.on("data", (d) => (out += d));
  proc.stderr.on("data", (d) => (err += d));
  const done = new Promise((resolve, reject) =>
    proc.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop())) : reject(new Error(`${script} exited ${code}: ${err.slice(-600)}`)),
    ),
  );
  return {
    proc,
    done,
    ready: () =>
      new Promise((resolve) => {
        const check = () => out.includes("ready\n") && resolve();
        proc.stdout.on("data", check);
        check();
      }),
  };
}

/** A cache of `accounts` signed-in users, each with an ID token, a refresh token and 5 access tokens. */
function realisticCache(accounts) {
  const cache = { Account: {}, IdToken: {}, AccessToken: {}, RefreshToken: {}, AppMetadata: {} };
  for (let i = 0; i < accounts; i++) {
    const home = `0000000${i}-0000-0000-0000-000000000000.72f988bf-86f1-41af-91ab-2d7cd011db47`;
    cache.Account[`${home}-login.microsoftonline.com-organizations`] = {
      home_account_id: home,
      environment: "login.microsoftonline.com",
      realm: "organizations",
      username: `user${i}@contoso.com`,
      authority_type: "MSSTS",
    };
    cache.IdToken[`${home}-idtoken`] = { credential_type: "IdToken", secret: "x".repeat(1200) };
    cache.RefreshToken[`${home}-refreshtoken`] = { credential_type: "RefreshToken", secret: "r".repeat(1400), family_id: "1" };
    for (let s = 0; s < 5; s++)
      cache.AccessToken[`${home}-accesstoken-scope${s}`] = {
        credential_type: "AccessToken",
        secret: "a".repeat(1600),
        expires_on: "4102444800",
        target: `https://resource${s}/.default`,
      };
  }
  return JSON.stringify(cache);
}

async function seed(base, mode, text) {
  const file = join(base, "seed.json");
  writeFileSync(file, text);
  const seeded = await child("readChild.mjs", [ENTRY, base, mode, file]).done;
  if (seeded.encrypted !== (mode === "encrypted")) throw new Error(`the ${mode} store came out encrypted=${seeded.encrypted}`);
}

const sessionBus = process.env.DBUS_SESSION_BUS_ADDRESS; // the plaintext runs below unset it
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const result = { read: {}, contention: {} };
const text = realisticCache(settings.accounts);
for (const mode of ["encrypted", "plaintext"]) {
  const base = mkdtempSync(join(tmpdir(), "azid-bench-persist-"));
  if (mode === "plaintext") process.env.DBUS_SESSION_BUS_ADDRESS = "unix:path=/nonexistent"; // children: no keyring, the opt-in path
  await seed(base, mode, text);
  const samples = [];
  for (let i = 0; i < settings.readRuns; i++) samples.push(await child("readChild.mjs", [ENTRY, base, mode]).done);
  result.read[mode] = {
    bytes: text.length,
    samples,
    median: Object.fromEntries(["importMs", "openMs", "readMs", "firstTotalMs", "warmReadMs"].map((k) => [k, median(samples.map((s) => s[k]))])),
  };

  const cbase = mkdtempSync(join(tmpdir(), "azid-bench-contention-"));
  const writers = Array.from({ length: settings.writers }, (_, id) => child("writerChild.mjs", [ENTRY, cbase, String(id), String(settings.writesEach), mode]));
  await Promise.all(writers.map((w) => w.ready()));
  const t0 = performance.now();
  for (const w of writers) w.proc.stdin.write("go\n");
  const stats = await Promise.all(writers.map((w) => w.done));
  const wallMs = performance.now() - t0;
  const writes = settings.writers * settings.writesEach;
  result.contention[mode] = {
    writers: settings.writers,
    writesEach: settings.writesEach,
    wallMs,
    writesPerSecond: (writes / wallMs) * 1000,
    maxWaitMs: Math.max(...stats.map((s) => s.maxWaitMs)),
    meanWaitMs: stats.reduce((n, s) => n + s.totalWaitMs, 0) / writes,
    recovered: stats.reduce((n, s) => n + s.recovered, 0),
  };
  delete process.env.DBUS_SESSION_BUS_ADDRESS;
}

// The floor: a bare key read from the Secret Service in a fresh process (azid's client, @napi-rs/keyring).
result.keyFloor = {};
process.env.DBUS_SESSION_BUS_ADDRESS = sessionBus;
for (const client of ["azid", "napi"]) {
  await child("keyFloorChild.mjs", [ENTRY, client, "seed"]).done;
  const samples = [];
  for (let i = 0; i < settings.readRuns; i++) samples.push((await child("keyFloorChild.mjs", [ENTRY, client]).done).keyReadMs);
  result.keyFloor[client] = { samples, median: median(samples), min: Math.min(...samples) };
}
delete process.env.DBUS_SESSION_BUS_ADDRESS;

// Through the credentials: a new process's first token from the persistent cache (ClientSecretCredential
// with tokenCachePersistenceOptions), and `azid token --persist` warm, each against an emulator that
// counts the token requests (there should be none after the seeding one).
const { startEmulator, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } = await import(here("../../packages/emulator/dist/esm/index.js"));
const IDENTITY = here("../../packages/identity/dist/esm/index.js");
const emulatorData = mkdtempSync(join(tmpdir(), "azid-bench-persist-emu-"));
const emu = await startEmulator({ dataDir: emulatorData });
const tokenRequests = () => emu.requests.filter((r) => r.route === "token").length;
const appEnv = {
  AZURE_AUTHORITY_HOST: emu.url,
  NODE_EXTRA_CA_CERTS: emu.caCertPath,
  AZURE_TENANT_ID: emu.config.tenants[0].id,
  AZURE_CLIENT_ID: DEFAULT_CLIENT_ID,
  AZURE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
};
/** Like child(), with the emulator's variables and a HOME of its own per mode. */
function appChild(args, home, extra = {}) {
  const proc = spawn(process.execPath, [...guardFlags(), ...args], {
    env: { ...process.env, ...appEnv, HOME: home, ...extra },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stdout.on("data", (d) => (out += d));
  proc.stderr.on("data", (d) => (err += d));
  const started = performance.now();
  return new Promise((resolve, reject) =>
    proc.on("close", (code) =>
      code === 0 ? resolve({ out, wallMs: performance.now() - started }) : reject(new Error(`${args[0]} exited ${code}: ${err.slice(-600)}`)),
    ),
  );
}
result.credential = {};
result.cli = {};
const CLI = here("../../packages/cli/bin/azid.js");
try {
  for (const mode of ["encrypted", "plaintext"]) {
    const home = mkdtempSync(join(tmpdir(), "azid-bench-persist-home-"));
    const extra = { DBUS_SESSION_BUS_ADDRESS: mode === "plaintext" ? "unix:path=/nonexistent" : sessionBus };
    const tokenArgs = [here("tokenChild.mjs"), IDENTITY, ENTRY, mode];
    const seededBy = tokenRequests();
    await appChild(tokenArgs, home, extra); // seeds the cache: one token request
    if (tokenRequests() - seededBy !== 1) throw new Error(`seeding the ${mode} cache made ${tokenRequests() - seededBy} token requests`);
    const before = tokenRequests();
    const allBefore = emu.requests.length;
    const samples = [];
    for (let i = 0; i < settings.readRuns; i++) samples.push(JSON.parse((await appChild(tokenArgs, home, extra)).out.trim().split("\n").pop()));
    result.credential[mode] = {
      samples,
      tokenRequests: tokenRequests() - before,
      requests: emu.requests.length - allBefore,
      median: { importMs: median(samples.map((s) => s.importMs)), firstTokenMs: median(samples.map((s) => s.firstTokenMs)) },
    };
    if (settings.azureSide !== undefined) {
      // @azure/identity + @azure/identity-cache-persistence, same emulator, same HOME (its own cache name).
      const azureArgs = [here("tokenChild.mjs"), settings.azureSide.identity, settings.azureSide.persistence, mode, "bench-token-azure"];
      const azureSeed = emu.requests.length;
      await appChild(azureArgs, home, extra);
      const seedRequests = emu.requests.length - azureSeed;
      const azureBefore = emu.requests.length;
      const azureTokenBefore = tokenRequests();
      const azureSamples = [];
      for (let i = 0; i < settings.readRuns; i++) azureSamples.push(JSON.parse((await appChild(azureArgs, home, extra)).out.trim().split("\n").pop()));
      result.credential[mode].azure = {
        samples: azureSamples,
        seedRequests,
        requests: (emu.requests.length - azureBefore) / settings.readRuns,
        tokenRequests: tokenRequests() - azureTokenBefore,
        median: { importMs: median(azureSamples.map((s) => s.importMs)), firstTokenMs: median(azureSamples.map((s) => s.firstTokenMs)) },
      };
    }

    const cliArgs = [CLI, "token", "--credential", "env", "--scope", "https://storage.azure.com/.default", "--output", "token", "--persist"];
    if (mode === "plaintext") cliArgs.push("--allow-unencrypted-storage");
    await appChild(cliArgs, home, extra); // seeds azid-cli.nocae
    const cliBefore = tokenRequests();
    const walls = [];
    for (let i = 0; i < settings.readRuns; i++) walls.push((await appChild(cliArgs, home, extra)).wallMs);
    const cliTokenRequests = tokenRequests() - cliBefore;
    const coldWalls = [];
    for (let i = 0; i < Math.min(5, settings.readRuns); i++)
      coldWalls.push(
        (
          await appChild(
            cliArgs.filter((a) => !a.startsWith("--persist") && a !== "--allow-unencrypted-storage"),
            home,
            extra,
          )
        ).wallMs,
      );
    result.cli[mode] = { tokenRequests: cliTokenRequests, medianWallMs: median(walls), walls, withoutPersistMedianWallMs: median(coldWalls) };
  }
} finally {
  await emu.close();
}
process.stdout.write(`${JSON.stringify(result)}\n`);
