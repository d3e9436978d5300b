// One of the processes of the contention test: opens the store, says "ready", waits for "go" on
// stdin, then does `count` read-modify-writes, each adding one entry of its own, and prints its
// lock statistics as JSON.   node rmwWorker.ts <baseDirectory> <workerId> <count> <encrypted|plaintext>
import { createPersistenceProvider } from "../../src/provider.js";

const [baseDirectory, id, countText, mode] = process.argv.slice(2);
const count = Number(countText);
const provider = createPersistenceProvider({ baseDirectory: baseDirectory! });
const store = await provider.open({ name: "contention", cae: false, allowUnencryptedStorage: mode === "plaintext" });
process.stdout.write("ready\n");
await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
const started = performance.now();
for (let j = 0; j < count; j++) {
  await store.modify((current) => {
    const cache = current === undefined ? {} : (JSON.parse(current) as Record<string, Record<string, unknown>>);
    const section = (cache.AccessToken ??= {});
    section[`worker${id}-entry${j}`] = { secret: `token-${id}-${j}`, cached_at: String(Date.now()) };
    return JSON.stringify(cache);
  });
}
const elapsedMs = performance.now() - started;
await store.close();
process.stdout.write(`${JSON.stringify({ id, encrypted: store.encrypted, elapsedMs, ...store.lockStats() })}\n`);
process.stdin.destroy();
