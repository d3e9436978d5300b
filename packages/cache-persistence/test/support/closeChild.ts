// One process of credentialClose.test.ts: two @azid/identity credentials share one encrypted store
// (a real gnome-keyring holds its key); closing the first leaves the store to the second, closing the
// second while its write waits for a lock another process holds closes the store. The process must
// then exit by itself: it prints its result, and the moment it exits from process.on("exit").
//   node closeChild.ts '<json: { tenantId, clientId, secret, name, lockHolder }>'
import { spawn } from "node:child_process";
import { writeSync } from "node:fs";
import { ClientSecretCredential } from "@azid/identity";
import type { FileStore } from "../../src/index.js";
import { useRecordingPersistencePlugin } from "./recordingPlugin.js";

const job = JSON.parse(process.argv[2]!) as { tenantId: string; clientId: string; secret: string; name: string; lockHolder: string };
const print = (value: unknown) => writeSync(1, `${JSON.stringify(value)}\n`);
const stores = useRecordingPersistencePlugin();
const options = {
  authorityHost: process.env.AZURE_AUTHORITY_HOST!,
  disableInstanceDiscovery: true,
  tokenCachePersistenceOptions: { enabled: true, name: job.name },
};
const stateOf = (store: FileStore) =>
  store.read().then(
    () => "open",
    (error: Error) => (/was closed/.test(error.message) ? "closed" : error.message),
  );

const first = new ClientSecretCredential(job.tenantId, job.clientId, job.secret, options);
const second = new ClientSecretCredential(job.tenantId, job.clientId, job.secret, options);
await first.getToken("https://storage.azure.com/.default");
await second.getToken("https://graph.microsoft.com/.default"); // a miss in memory: reads the same store
await first.close();
const store = stores[0]!;
const afterFirstClose = await stateOf(store);

// Another process takes the cache lock and keeps it: the second credential's next write waits for it.
const holder = spawn(process.execPath, [job.lockHolder, `${store.location}.lockfile`], { stdio: ["ignore", "pipe", "ignore"] });
await new Promise((resolve) => holder.stdout!.once("data", resolve));
holder.stdout!.destroy();
holder.unref();
const pending = second.getToken("https://vault.azure.net/.default").then(
  () => "token",
  (error: Error) => error.name,
);
await new Promise((resolve) => setTimeout(resolve, 500)); // the token arrived; its write is waiting for the lock
const waitingWrites = store.lockStats().acquisitions;
await second.close();
const closedAt = Date.now();
print({
  storesOpened: stores.length,
  encrypted: store.encrypted,
  afterFirstClose,
  afterSecondClose: await stateOf(store),
  pending: await pending,
  waitingWrites,
  holderPid: holder.pid,
  closedAt,
});
process.on("exit", () => print({ exitAt: Date.now() }));
