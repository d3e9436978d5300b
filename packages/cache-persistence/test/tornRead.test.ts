// Reads take no lock. Microsoft's plaintext writers rewrite the file in place (truncate, then write),
// so a reader can catch it half written: such a read is retried, and what read() returns is always
// one whole version or nothing, never a torn one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPersistenceProvider } from "../src/provider.js";
import { memoryKeyStore } from "./support/memoryKeyStore.js";

const version = (tag: string) =>
  JSON.stringify({ AccessToken: Object.fromEntries(Array.from({ length: 4000 }, (_, i) => [`${tag}-${i}`, { secret: `${tag}-secret-${i}` }])) });

test("a read racing an in-place writer returns a whole version or undefined, never a torn text", async () => {
  const base = mkdtempSync(join(tmpdir(), "azid-torn-"));
  const store = await createPersistenceProvider({ baseDirectory: base, keyStore: memoryKeyStore({ failing: true }).store }).open({
    name: "torn",
    cae: false,
    allowUnencryptedStorage: true,
  });
  const [a, b] = [version("a"), version("b")];
  writeFileSync(store.location, a, { mode: 0o600 });
  const writerSource = `
    const fs = require("node:fs");
    const [path, a, b] = [process.argv[1], fs.readFileSync(process.argv[2], "utf8"), fs.readFileSync(process.argv[3], "utf8")];
    for (let i = 0; ; i++) fs.writeFileSync(path, i % 2 ? a : b); // in place, like msal-extensions' FilePersistence`;
  const [fileA, fileB] = [join(base, "a.json"), join(base, "b.json")];
  writeFileSync(fileA, a);
  writeFileSync(fileB, b);
  const writer = spawn(process.execPath, ["-e", writerSource, store.location, fileA, fileB], { stdio: "ignore" });
  try {
    const seen = { a: 0, b: 0, none: 0 };
    for (let i = 0; i < 200; i++) {
      const text = await store.read();
      if (text === a) seen.a++;
      else if (text === b) seen.b++;
      else if (text === undefined) seen.none++;
      else assert.fail(`a torn read of ${text.length} characters was returned`);
    }
    assert.ok(seen.a + seen.b > 0, `no whole version was ever read: ${JSON.stringify(seen)}`);
  } finally {
    writer.kill("SIGKILL");
  }
});
