// The msal-extensions-compatible lock: exclusive creation of <cache>.lockfile holding the pid, and
// recovery of a lock its holder left behind (killed, or too old), which Microsoft's extensions fail on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { acquireLock } from "../src/lockFile.js";
import { PersistenceLockError } from "../src/errors.js";
import { startNode } from "./support/spawnNode.js";

const lockHolder = fileURLToPath(new URL("./support/lockHolder.ts", import.meta.url));
const freshLockPath = () => join(mkdtempSync(join(tmpdir(), "azid-lock-")), "msal.cache.nocae.lockfile");

/** The pid of a process that has exited (so it is not running). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8", env: { PATH: process.env.PATH } });
  return Number(child.stdout);
}

test("the lock file is created exclusively, 0600, holds '<pid> azid', and is gone after release", async () => {
  const path = freshLockPath();
  const lock = await acquireLock(path);
  assert.equal(readFileSync(path, "utf8"), `${process.pid} azid`);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  await lock.release();
  assert.equal(existsSync(path), false);
});

test("a second acquirer waits for the holder and gets the lock when it is released", async () => {
  const path = freshLockPath();
  const first = await acquireLock(path);
  let secondHas = false;
  const second = acquireLock(path).then((l) => ((secondHas = true), l));
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(secondHas, false, "the second acquirer must not get a held lock");
  await first.release();
  const lock = await second;
  assert.equal(readFileSync(path, "utf8"), `${process.pid} azid`);
  await lock.release();
});

test("a lock left by a process killed while holding it is recovered, not a CrossPlatformLockError", async () => {
  const path = freshLockPath();
  const holder = startNode(lockHolder, [path]);
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    holder.stdout!.on("data", (d) => ((out += d), out.includes("\n") && resolve(out)));
    holder.on("close", (code) => reject(new Error(`holder exited ${code}`)));
  });
  assert.match(line, /^locked \d+/);
  assert.equal(readFileSync(path, "utf8"), `${holder.pid} azid`);
  holder.kill("SIGKILL");
  await new Promise((resolve) => holder.once("exit", resolve));
  assert.equal(existsSync(path), true, "the killed holder leaves its lock file behind");
  const lock = await acquireLock(path, { timeoutMs: 5_000 });
  assert.equal(lock.recovered, 1);
  assert.equal(readFileSync(path, "utf8"), `${process.pid} azid`);
  await lock.release();
});

test("MSAL Python's '<pid> <argv0>' and msal-node's '<pid>' lock files are understood", async () => {
  for (const content of [`${deadPid()} /usr/bin/az`, `${deadPid()}`]) {
    const path = freshLockPath();
    writeFileSync(path, content);
    const old = (Date.now() - 1_000) / 1000;
    utimesSync(path, old, old); // past the grace that protects a lock file just created
    const lock = await acquireLock(path, { timeoutMs: 3_000 });
    assert.equal(lock.recovered, 1, `recovered ${JSON.stringify(content)}`);
    await lock.release();
  }
});

test("a lock older than the age limit is recovered even when its pid is alive (reused pid, other host)", async () => {
  const path = freshLockPath();
  writeFileSync(path, `${process.ppid} python3`); // a live process that will never release it
  const old = (Date.now() - 60_000) / 1000;
  utimesSync(path, old, old);
  const lock = await acquireLock(path, { staleAfterMs: 10_000, timeoutMs: 3_000 });
  assert.equal(lock.recovered, 1);
  await lock.release();
});

test("a fresh lock of a live process is respected: a bounded wait, then a typed error naming the holder", async () => {
  const path = freshLockPath();
  writeFileSync(path, `${process.ppid} python3`);
  const error = await acquireLock(path, { timeoutMs: 200 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof PersistenceLockError, String(error));
  assert.match(error.message, new RegExp(`pid ${process.ppid}`));
  assert.ok(error.waitedMs >= 200 && error.waitedMs < 2_000, `waited ${error.waitedMs}`);
  assert.equal(readFileSync(path, "utf8"), `${process.ppid} python3`, "the live holder's lock is untouched");
});

test("an empty lock file (created, pid not yet written) is not taken for stale while it is fresh", async () => {
  const path = freshLockPath();
  writeFileSync(path, "");
  await assert.rejects(acquireLock(path, { timeoutMs: 100 }), PersistenceLockError);
  const old = (Date.now() - 20_000) / 1000;
  utimesSync(path, old, old);
  const lock = await acquireLock(path, { timeoutMs: 1_000 });
  assert.equal(lock.recovered, 1);
  await lock.release();
});

test("a lock file of this process's own pid that this process does not hold is a dead predecessor's", async () => {
  const path = freshLockPath();
  writeFileSync(path, `${process.pid} azid`);
  const old = (Date.now() - 1_000) / 1000;
  utimesSync(path, old, old);
  const lock = await acquireLock(path, { timeoutMs: 1_000 });
  assert.equal(lock.recovered, 1);
  await lock.release();
});

test("fairness: while a live process has claimed the next turn (<lockfile>.next), azid waits for it even though the lock is free", async () => {
  const path = freshLockPath();
  writeFileSync(`${path}.next`, `${process.ppid} azid`); // a live claimant that is not us
  await assert.rejects(acquireLock(path, { timeoutMs: 300 }), PersistenceLockError);
  assert.equal(existsSync(path), false, "the free lock was left for the claimant");
  writeFileSync(`${path}.next`, `${deadPid()} azid`); // a claimant that died: ignored and removed
  const lock = await acquireLock(path, { timeoutMs: 1_000 });
  assert.equal(existsSync(`${path}.next`), false);
  await lock.release();
});

test("fairness: a waiter that has waited long claims the next turn, takes the lock before the others, and gives the claim up", async () => {
  const path = freshLockPath();
  const holder = await acquireLock(path);
  const starving = acquireLock(path, { timeoutMs: 5_000 });
  // The claim is created, then its pid written: wait for both.
  while (!existsSync(`${path}.next`) || readFileSync(`${path}.next`, "utf8") === "") await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(readFileSync(`${path}.next`, "utf8"), `${process.pid} azid`);
  await holder.release();
  const lock = await starving;
  assert.ok(lock.waitedMs >= 150, `waited ${lock.waitedMs}`);
  assert.equal(existsSync(`${path}.next`), false);
  await lock.release();
});
