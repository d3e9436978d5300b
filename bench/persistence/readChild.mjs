// One sample of "a new process reads the persistent cache": import the package (timed apart), then
// open the store and read + decrypt it (for the encrypted store this includes fetching the key from
// the Secret Service over D-Bus, which every new process must do once).
//   node readChild.mjs <entry> <baseDirectory> <encrypted|plaintext> [<file to store first, then exit>]
import { readFileSync } from "node:fs";

const [entry, baseDirectory, mode, seedFile] = process.argv.slice(2);
if (seedFile !== undefined) {
  const { createPersistenceProvider } = await import(entry);
  const store = await createPersistenceProvider({ baseDirectory }).open({ name: "bench", cae: false, allowUnencryptedStorage: mode === "plaintext" });
  await store.modify(() => readFileSync(seedFile, "utf8"));
  process.stdout.write(`${JSON.stringify({ seeded: true, encrypted: store.encrypted })}\n`);
  process.exit(0);
}
const t0 = performance.now();
const { createPersistenceProvider } = await import(entry);
const t1 = performance.now();
const store = await createPersistenceProvider({ baseDirectory }).open({ name: "bench", cae: false, allowUnencryptedStorage: mode === "plaintext" });
const t2 = performance.now();
const text = await store.read();
const t3 = performance.now();
if (text === undefined || store.encrypted !== (mode === "encrypted")) throw new Error(`nothing read (encrypted=${store.encrypted})`);
// A second read in the same process: the key is in memory now, so this is the file + decrypt alone.
const t4 = performance.now();
await store.read();
const t5 = performance.now();
process.stdout.write(
  `${JSON.stringify({ importMs: t1 - t0, openMs: t2 - t1, readMs: t3 - t2, firstTotalMs: t3 - t1, warmReadMs: t5 - t4, bytes: text.length })}\n`,
);
