// Benchmark scenario "persistence" (@azid/cache-persistence): what a new process pays to read the
// persistent token cache, and lock contention with 8 writers on one store. Everything runs in a
// throwaway D-Bus session with its own unlocked gnome-keyring (never the user's keyring); each sample
// is a fresh child Node process loading the package's build. bench/run.mjs can list
// `persistenceDefinition({ quick, log })` beside the others; `node bench/persistence/scenario.mjs
// [--quick]` runs it alone and prints the rows.
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { childEnv } from "../lib/proc.mjs";
import { runWithTestKeyring } from "../../packages/cache-persistence/test/support/withTestKeyring.mjs";
import { ensureCachePersistenceBuilt } from "./build.mjs";
import { AZURE_IDENTITY_ENTRY, AZURE_PERSISTENCE_ENTRY, ensureAzureSide } from "./azureSide.mjs";

export function persistenceSettings(quick) {
  return quick ? { accounts: 10, readRuns: 3, writers: 8, writesEach: 10 } : { accounts: 10, readRuns: 15, writers: 8, writesEach: 25 };
}

const TARGETS = {
  firstRead: { op: "<=", value: 5, text: "≤ 5 ms" },
  firstToken: { op: "<=", value: 5, text: "≤ 5 ms, 0 requests" },
  lockWait: { op: "<=", value: 999, text: "< 1 s" },
};

export async function measurePersistence(settings) {
  ensureCachePersistenceBuilt();
  const azureSideMissing = ensureAzureSide();
  if (azureSideMissing === undefined) settings = { ...settings, azureSide: { identity: AZURE_IDENTITY_ENTRY, persistence: AZURE_PERSISTENCE_ENTRY } };
  const session = fileURLToPath(new URL("./session.mjs", import.meta.url));
  const run = await runWithTestKeyring(process.execPath, [session, JSON.stringify(settings)], { env: childEnv() });
  if (run.code !== 0) throw new Error(`persistence bench session failed (${run.code}): ${run.stderr.slice(-1500)}`);
  return { ...JSON.parse(run.stdout.trim().split("\n").pop()), azureSideMissing };
}

export function persistenceDefinition({ quick, log }) {
  const s = persistenceSettings(quick);
  return {
    id: "persistence",
    title: `10. Persistent token cache (@azid/cache-persistence; ${s.writers} writers)`,
    needsEmulator: false,
    async run() {
      const r = await measurePersistence(s);
      log?.(
        `persistence: first read ${r.read.encrypted.median.firstTotalMs.toFixed(1)} ms encrypted, max lock wait ${r.contention.encrypted.maxWaitMs.toFixed(0)} ms`,
      );
      // Timings on a shared machine: the load average says how much of them is waiting for a CPU.
      return { details: { settings: s, loadAverage: loadavg(), ...r }, rows: rowsFor(s, r) };
    },
    howMeasured:
      `A cache of ${s.accounts} accounts (ID, refresh and 5 access tokens each, ${"about 100 KB"}) written once, then read by ${s.readRuns} fresh child processes per mode; medians. ` +
      "Encrypted: the key from a real gnome-keyring over D-Bus (a throwaway session, unlocked; azid's own Secret Service client, two round trips), the file AES-256-GCM; plaintext: the unsafeAllowUnencryptedStorage opt-in with no D-Bus. " +
      "Import is timed apart from open + first read (which includes the keyring round trip); a second read in the same process is the file + decrypt alone. " +
      "Floor: a fresh process reads one 32-byte key from the same gnome-keyring and does nothing else, through azid's client and through @napi-rs/keyring's synchronous Entry.getSecret (import outside the clock). " +
      `Contention: ${s.writers} child processes, each ${s.writesEach} read-modify-writes adding its own entry, released together; lock waits measured by each process around the lock acquisition. ` +
      `First token: a service principal (ClientSecretCredential with tokenCachePersistenceOptions) in ${s.readRuns} fresh processes after one seeding process, against the emulator, which counts every request; import timed apart. ` +
      "azid token: the built CLI's wall time (process start to exit) with --credential env --persist after one seeding run, and without --persist for comparison. " +
      "@azure/identity 4.13.1 + @azure/identity-cache-persistence 1.2.0 run the same first-token measurement from bench/persistence/azure-side/ (installed by azureSide.mjs: keytar compiles from source against Debian's libsecret-1-dev and the Node headers; it is kept out of the workspaces so npm ci never builds it).",
  };
}

function rowsFor(s, r) {
  const ms = (v) => Number(v.toFixed(2));
  const azureOf = (mode) => {
    const azure = r.credential[mode].azure;
    if (azure === undefined) return "not installed";
    return `${ms(azure.median.firstTokenMs)} (${azure.requests} req)`;
  };
  const e = r.read.encrypted.median;
  const p = r.read.plaintext.median;
  const ce = r.contention.encrypted;
  const cp = r.contention.plaintext;
  return [
    {
      label: `new process: first token from the encrypted persistent cache, ms after import (${r.credential.encrypted.requests} requests in ${s.readRuns} runs)`,
      azid: ms(r.credential.encrypted.median.firstTokenMs),
      azure: azureOf("encrypted"),
      target: TARGETS.firstToken,
      headline: true,
    },
    {
      label: `  same, plaintext opt-in (${r.credential.plaintext.requests} requests in ${s.readRuns} runs)`,
      azid: ms(r.credential.plaintext.median.firstTokenMs),
      azure: azureOf("plaintext"),
      ratio: false,
    },
    {
      label: "  import @azid/identity + @azid/cache-persistence, ms",
      azid: ms(r.credential.encrypted.median.importMs),
      azure: r.credential.encrypted.azure ? ms(r.credential.encrypted.azure.median.importMs) : "",
      ratio: false,
    },
    {
      label: `azid token --persist, warm cache, new process: wall ms (${r.cli.encrypted.tokenRequests} token requests)`,
      azid: ms(r.cli.encrypted.medianWallMs),
      azure: "",
      ratio: false,
    },
    {
      label: "  plaintext opt-in / without --persist (1 request each), wall ms",
      azid: `${ms(r.cli.plaintext.medianWallMs)} / ${ms(r.cli.encrypted.withoutPersistMedianWallMs)}`,
      azure: "",
      ratio: false,
    },
    {
      label: "new process: open + first read of the encrypted cache, ms (after import)",
      azid: ms(e.firstTotalMs),
      azure: "not run",
      target: TARGETS.firstRead,
      headline: true,
    },
    { label: "  of which the Secret Service key fetch + open, ms", azid: ms(e.openMs), azure: "", ratio: false },
    { label: "  a later read in the same process (file + AES-GCM), ms", azid: ms(e.warmReadMs), azure: "", ratio: false },
    {
      label: "floor: one bare key read from the Secret Service in a new process, ms (azid's client / @napi-rs/keyring)",
      azid: `${ms(r.keyFloor.azid.median)} / ${ms(r.keyFloor.napi.median)}`,
      azure: "",
      ratio: false,
    },
    { label: "  import @azid/cache-persistence, ms", azid: ms(e.importMs), azure: "", ratio: false },
    { label: "new process: open + first read, plaintext opt-in, ms", azid: ms(p.firstTotalMs), azure: "", ratio: false },
    {
      label: `${s.writers} writers × ${s.writesEach} read-modify-writes (encrypted): longest lock wait, ms`,
      azid: ms(ce.maxWaitMs),
      azure: "not run",
      target: TARGETS.lockWait,
      headline: true,
    },
    { label: "  mean lock wait, ms", azid: ms(ce.meanWaitMs), azure: "", ratio: false },
    { label: "  writes per second, all writers", azid: Math.round(ce.writesPerSecond), azure: "", ratio: false },
    {
      label: "  plaintext: longest lock wait, ms / writes per second",
      azid: `${ms(cp.maxWaitMs)} / ${Math.round(cp.writesPerSecond)}`,
      azure: "",
      ratio: false,
    },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes("--quick");
  const definition = persistenceDefinition({ quick, log: (m) => process.stderr.write(`[bench] ${m}\n`) });
  const { rows, details } = await definition.run();
  for (const row of rows) console.log(`${row.label.padEnd(90)} ${row.azid}${row.target ? `   (target ${row.target.text})` : ""}`);
  if (process.argv.includes("--json")) console.log(JSON.stringify(details));
}
