// close() on @azid/identity credentials with tokenCachePersistenceOptions releases the persistent
// store: the store outlives a closed credential while another credential uses it, the last close
// closes it (the key is wiped), and a write waiting for another process's lock stops waiting, so the
// process exits at once. A real gnome-keyring (withTestKeyring.mjs) holds the key; the emulator over
// real HTTPS issues the tokens.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_PASSWORD,
  DEFAULT_PUBLIC_CLIENT_ID,
  DEFAULT_USERNAME,
  startEmulator,
  type Emulator,
} from "@azid/emulator";
import { CredentialClosedError, useIdentityPlugin, UsernamePasswordCredential } from "@azid/identity";
import { memoryKeyStore } from "./support/memoryKeyStore.js";
import { closeCallsOf, useRecordingPersistencePlugin } from "./support/recordingPlugin.js";
import { runWithTestKeyring } from "./support/withTestKeyring.mjs";

const CHILD = fileURLToPath(new URL("./support/closeChild.ts", import.meta.url));
const LOCK_HOLDER = fileURLToPath(new URL("./support/lockHolder.ts", import.meta.url));

let emu: Emulator;
let dataDir: string;
before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "azid-close-emu-"));
  emu = await startEmulator({ dataDir });
});
after(async () => {
  await emu?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Result {
  storesOpened: number;
  encrypted: boolean;
  afterFirstClose: string;
  afterSecondClose: string;
  pending: string;
  waitingWrites: number;
  holderPid: number;
  closedAt: number;
}

test("closing credentials releases the encrypted store (gnome-keyring): kept while another credential uses it, closed by the last, whose lock wait ends so the process exits within 1 s", async () => {
  const job = { tenantId: emu.config.tenants[0]!.id, clientId: DEFAULT_CLIENT_ID, secret: DEFAULT_CLIENT_SECRET, name: "azid-close", lockHolder: LOCK_HOLDER };
  const run = await runWithTestKeyring(process.execPath, [CHILD, JSON.stringify(job)], {
    env: { NODE_EXTRA_CA_CERTS: emu.caCertPath, AZURE_AUTHORITY_HOST: emu.url },
  });
  const lines = run.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const result = lines.find((l) => "closedAt" in l) as Result | undefined;
  const exit = lines.find((l) => "exitAt" in l) as { exitAt: number } | undefined;
  if (result !== undefined) {
    try {
      process.kill(result.holderPid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  assert.ok(result !== undefined && exit !== undefined, `exit ${run.code}\n${run.stdout}\n${run.stderr.slice(-2000)}`);
  assert.equal(run.code, 0, run.stderr.slice(-2000));
  assert.equal(result.encrypted, true, "the key came from the Secret Service");
  assert.equal(result.storesOpened, 1, "both credentials use one store");
  assert.equal(result.afterFirstClose, "open", "closing the first credential leaves the store to the second");
  assert.equal(result.afterSecondClose, "closed", "the last credential's close() closed the store");
  assert.equal(result.pending, "CredentialClosedError");
  const exitMs = exit.exitAt - result.closedAt;
  assert.ok(exitMs < 1_000, `exited ${exitMs} ms after close() (the lock holder was still alive)`);
  // The vault token was fetched before close(): the write it started was the one waiting for the lock.
  assert.ok(
    emu.requests.some((r) => r.route === "token" && String(r.form?.scope ?? "").includes("vault")),
    "the vault token was requested",
  );
});

test("closing a user credential (UsernamePasswordCredential) with tokenCachePersistenceOptions closes its store: the store's close() is called once, then it refuses reads", async () => {
  const base = mkdtempSync(join(tmpdir(), "azid-user-close-"));
  // The plugin's provider with a key in memory (no keyring in this process).
  const stores = useRecordingPersistencePlugin({ baseDirectory: base, keyStore: memoryKeyStore().store });
  try {
    const credential = new UsernamePasswordCredential(emu.config.tenants[0]!.id, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_USERNAME, DEFAULT_PASSWORD, {
      authorityHost: emu.url,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: emu.caCertPem },
      tokenCachePersistenceOptions: { enabled: true, name: "azid-user-close" },
    });
    await credential.getToken("https://storage.azure.com/.default");
    assert.equal(stores.length, 1, "the user's tokens went to one store");
    assert.match((await stores[0]!.read()) ?? "", /RefreshToken/, "the refresh token was written through to the store");
    assert.equal(closeCallsOf(stores[0]!), 0);
    await credential.close();
    assert.equal(closeCallsOf(stores[0]!), 1, "close() closed the store");
    await assert.rejects(stores[0]!.read(), /was closed/);
    await assert.rejects(credential.getToken("https://storage.azure.com/.default"), CredentialClosedError);
  } finally {
    useIdentityPlugin((context) => (context as { setPersistence(p: unknown): void }).setPersistence(undefined));
    rmSync(base, { recursive: true, force: true });
  }
});
