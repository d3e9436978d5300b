// One of the contention benchmark's writers: open, "ready", wait for "go", `count` read-modify-writes
// each adding one entry, then its lock statistics.   node writerChild.mjs <entry> <base> <id> <count> <mode>
const [entry, baseDirectory, id, count, mode] = process.argv.slice(2);
const { createPersistenceProvider } = await import(entry);
const store = await createPersistenceProvider({ baseDirectory }).open({ name: "contention", cae: false, allowUnencryptedStorage: mode === "plaintext" });
process.stdout.write("ready\n");
await new Promise((resolve) => process.stdin.once("data", resolve));
const started = performance.now();
for (let j = 0; j < Number(count); j++) {
  await store.modify((current) => {
    const cache = current === undefined ? {} : JSON.parse(current);
    (cache.AccessToken ??= {})[`w${id}-${j}`] = { secret: `t-${id}-${j}`, cached_at: String(Date.now()) };
    return JSON.stringify(cache);
  });
}
const elapsedMs = performance.now() - started;
process.stdout.write(`${JSON.stringify({ id, elapsedMs, ...store.lockStats() })}\n`);
process.stdin.destroy();
