// The floor under "first token from the encrypted cache": one key read from the Secret Service in a
// fresh process, nothing else (no file, no credential). Through azid's own D-Bus client, or through
// @napi-rs/keyring (keyring-rs, libdbus; its synchronous Entry.getSecret), the same item layout.
// Import is outside the clock, as in the other samples.
//   node keyFloorChild.mjs <cache-persistence entry> <azid|napi> [seed]
import { createRequire } from "node:module";

const [entry, client, seed] = process.argv.slice(2);
const SERVICE = "azid.bench-floor";
const ACCOUNT = "floor";
const key = new Uint8Array(32).fill(7);
let read;
if (client === "azid") {
  const { secretServiceKeyStore } = await import(new URL("./secretService/secretServiceKeyStore.js", `file://${entry}`).href);
  const store = secretServiceKeyStore(SERVICE, ACCOUNT, { timeoutMs: 10_000, unavailable: (reason, message) => new Error(`${reason}: ${message}`) });
  if (seed) await store.save(key);
  read = () => store.load();
} else {
  const { Entry } = createRequire(entry)("@napi-rs/keyring");
  if (seed) new Entry(SERVICE, ACCOUNT).setSecret(key);
  read = async () => new Entry(SERVICE, ACCOUNT).getSecret();
}
if (seed) {
  process.stdout.write(`${JSON.stringify({ seeded: true })}\n`);
  process.exit(0);
}
const t0 = performance.now();
const found = await read();
const keyReadMs = performance.now() - t0;
if (found?.length !== 32) throw new Error(`${client}: no key read`);
process.stdout.write(`${JSON.stringify({ keyReadMs })}\n`);
