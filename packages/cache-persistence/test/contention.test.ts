// 8 processes doing read-modify-write on one store at once, each adding its own entries: afterwards
// no entry is lost, the file is valid JSON, and no process waited more than 1 s for the lock (a
// correctness bound: a lock held for milliseconds must never queue anyone for long; wall times are
// reported by bench/persistence, not asserted here).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runWithTestKeyring } from "./support/withTestKeyring.mjs";
import { lastJson } from "./support/spawnNode.js";

const driver = fileURLToPath(new URL("./support/contentionDriver.ts", import.meta.url));
const WORKERS = 8;
const EACH = 25;

interface Report {
  wallMs: number;
  stats: Array<{ id: string; encrypted: boolean; acquisitions: number; maxWaitMs: number; recovered: number; failed?: string }>;
  entries: string[];
  validJson: boolean;
  location: string;
  encrypted: boolean;
}

for (const mode of ["encrypted", "plaintext"] as const) {
  test(`${WORKERS} processes x ${EACH} read-modify-writes on one ${mode} store: nothing lost, valid JSON, no lock wait over 1 s`, async () => {
    // encrypted: a real gnome-keyring in a throwaway D-Bus session; plaintext: no D-Bus at all, opted in.
    const run = await runWithTestKeyring(process.execPath, [driver, String(WORKERS), String(EACH), mode], {
      keyring: mode === "encrypted" ? "unlocked" : "none",
    });
    assert.equal(run.code, 0, run.stderr.slice(-2000));
    const report = lastJson<Report>(run.stdout);
    for (const s of report.stats) assert.equal(s.failed, undefined, `a worker failed: ${s.failed}`);
    assert.equal(report.encrypted, mode === "encrypted");
    assert.ok(report.stats.every((s) => s.encrypted === (mode === "encrypted")));
    assert.equal(report.validJson, true);
    const expected = Array.from({ length: WORKERS }, (_, w) => Array.from({ length: EACH }, (_, j) => `worker${w}-entry${j}`))
      .flat()
      .sort();
    assert.deepEqual([...report.entries].sort(), expected);
    const maxWait = Math.max(...report.stats.map((s) => s.maxWaitMs));
    assert.ok(maxWait < 1_000, `a process waited ${Math.round(maxWait)} ms for the lock`);
    assert.equal(
      report.stats.reduce((n, s) => n + s.acquisitions, 0),
      WORKERS * EACH,
    );
    assert.equal(
      report.stats.reduce((n, s) => n + s.recovered, 0),
      0,
      "no live process's lock was ever broken",
    );
    const onDisk = readFileSync(report.location);
    if (mode === "encrypted") assert.equal(onDisk.includes("worker0-entry0"), false, "the file on disk must not hold the cache in clear");
    else assert.equal(JSON.parse(onDisk.toString("utf8")).AccessToken["worker7-entry24"].secret, "token-7-24");
    console.log(`# ${mode}: ${WORKERS}x${EACH} writes in ${Math.round(report.wallMs)} ms; max lock wait ${maxWait.toFixed(1)} ms`);
  });
}
