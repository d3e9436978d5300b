// Starts N rmwWorker processes on one store, releases them at once, and reports what they measured
// plus what the store holds afterwards, as JSON. Runs inside a test keyring session (or without one,
// for the plaintext variant).   node contentionDriver.ts <workers> <entriesEach> <encrypted|plaintext>
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPersistenceProvider } from "../../src/provider.js";
import { startNode } from "./spawnNode.js";

const [workersText, countText, mode] = process.argv.slice(2);
const workers = Number(workersText);
const base = mkdtempSync(join(tmpdir(), "azid-contention-"));
const worker = fileURLToPath(new URL("./rmwWorker.ts", import.meta.url));
const children = Array.from({ length: workers }, (_, i) => startNode(worker, [base, String(i), countText!, mode!]));
const outputs = children.map((child) => {
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => (out.includes("ready\n") ? resolve() : undefined);
    child.stdout!.on("data", check);
    child.on("close", (code) => reject(new Error(`worker exited (${code}) before ready: ${err.slice(0, 800)}`)));
  });
  const done = new Promise<string>((resolve) => child.on("close", (code) => resolve(code === 0 ? out : `exit ${code}: ${err.slice(0, 800)}`)));
  return { ready, done };
});
await Promise.all(outputs.map((o) => o.ready));
const released = performance.now();
for (const child of children) child.stdin!.write("go\n");
const results = await Promise.all(outputs.map((o) => o.done));
const wallMs = performance.now() - released;
const stats = results.map((text) => {
  const line = text
    .trim()
    .split("\n")
    .find((l) => l.startsWith("{"));
  return line === undefined ? { failed: text } : JSON.parse(line);
});
const store = await createPersistenceProvider({ baseDirectory: base }).open({ name: "contention", cae: false, allowUnencryptedStorage: mode === "plaintext" });
const text = await store.read();
let entries: string[] = [];
let validJson = false;
try {
  entries = Object.keys((JSON.parse(text ?? "") as { AccessToken: Record<string, unknown> }).AccessToken);
  validJson = true;
} catch {}
process.stdout.write(`${JSON.stringify({ wallMs, stats, entries, validJson, location: store.location, encrypted: store.encrypted })}\n`);
