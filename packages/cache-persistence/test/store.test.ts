// The store on disk: location, modes, exact round trips, atomic replacement, and every kind of bad
// file (hostile, truncated, corrupt, encrypted under another key) giving a typed error or reading as
// empty, never a crash or a leak. The key comes from an in-memory store here; keyring.test.ts uses
// a real gnome-keyring.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPersistenceProvider } from "../src/provider.js";
import { PersistenceUnavailableError, UnsafeCacheFileError } from "../src/errors.js";
import { memoryKeyStore } from "./support/memoryKeyStore.js";

const SECRET = "rt-secret-0123456789abcdef";
const CACHE = JSON.stringify({ RefreshToken: { k: { secret: SECRET } }, Note: "ünïcödé ✓ and \u2028 line separators" }, null, 4);

function setup(options: { failing?: boolean } = {}) {
  const base = mkdtempSync(join(tmpdir(), "azid-store-"));
  const keys = memoryKeyStore(options);
  const provider = createPersistenceProvider({ baseDirectory: base, keyStore: keys.store, maxFileBytes: 1024 * 1024 });
  return { base, dir: join(base, ".IdentityService"), provider, keys };
}

async function rejectsWith<T>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
  return error as T;
}

test("the file is <base>/.IdentityService/<name>.nocae or .cae; the directory is 0700 and the file 0600", async () => {
  const { dir, provider } = setup();
  const nocae = await provider.open({ name: "my-app", cae: false, allowUnencryptedStorage: false });
  const cae = await provider.open({ name: "my-app", cae: true, allowUnencryptedStorage: false });
  assert.equal(nocae.location, join(dir, "my-app.nocae"));
  assert.equal(cae.location, join(dir, "my-app.cae"));
  await nocae.modify(() => CACHE);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(nocae.location).mode & 0o777, 0o600);
  assert.equal(await cae.read(), undefined, "the CAE store is separate");
});

test("encrypted by default: the text read back is exactly the text written, and the file holds no plaintext", async () => {
  const { provider } = setup();
  const store = await provider.open({ name: "msal.cache", cae: false, allowUnencryptedStorage: false });
  assert.equal(store.encrypted, true);
  assert.equal(await store.read(), undefined);
  let seen: string | undefined = "unset";
  await store.modify((current) => ((seen = current), CACHE));
  assert.equal(seen, undefined);
  assert.equal(await store.read(), CACHE);
  const onDisk = readFileSync(store.location);
  assert.equal(onDisk.includes(SECRET), false);
  assert.equal(onDisk.subarray(0, 6).toString("latin1"), "AZIDC1");
  await store.modify((current) => {
    assert.equal(current, CACHE);
    return `${CACHE} `;
  });
  assert.equal(await store.read(), `${CACHE} `);
});

test("writes are atomic renames: the file's inode changes, no temporary file is left behind", async () => {
  const { provider, dir } = setup();
  const store = await provider.open({ name: "atomic", cae: false, allowUnencryptedStorage: false });
  await store.modify(() => CACHE);
  const before = statSync(store.location).ino;
  await store.modify(() => "{}");
  assert.notEqual(statSync(store.location).ino, before);
  assert.deepEqual(readdirSync(dir).sort(), ["atomic.nocae"]);
});

test("no key store and no opt-in: a typed error naming the fixes; with the opt-in, a plaintext 0600 file", async () => {
  const { provider } = setup({ failing: true });
  const error = await rejectsWith(provider.open({ name: "x", cae: false, allowUnencryptedStorage: false }), PersistenceUnavailableError);
  assert.equal(error.reason, "no-keyring");
  const store = await provider.open({ name: "x", cae: false, allowUnencryptedStorage: true });
  assert.equal(store.encrypted, false);
  await store.modify(() => CACHE);
  assert.equal(readFileSync(store.location, "utf8"), CACHE);
  assert.equal(statSync(store.location).mode & 0o777, 0o600);
  assert.equal(await store.read(), CACHE);
});

test("a truncated, corrupt or empty encrypted file reads as empty and is rewritten by the next modify", async () => {
  const { provider } = setup();
  const store = await provider.open({ name: "damaged", cae: false, allowUnencryptedStorage: false });
  await store.modify(() => CACHE);
  const full = readFileSync(store.location);
  for (const damaged of [
    full.subarray(0, full.length - 5),
    full.subarray(0, 20),
    Buffer.from("AZIDC1"),
    Buffer.alloc(0),
    Buffer.from(full.map((b, i) => (i === full.length - 1 ? b ^ 1 : b))),
  ]) {
    writeFileSync(store.location, damaged, { mode: 0o600 });
    assert.equal(await store.read(), undefined);
  }
  let seen: string | undefined = "unset";
  await store.modify((current) => ((seen = current), CACHE));
  assert.equal(seen, undefined, "modify hands the update an empty cache, not garbage");
  assert.equal(await store.read(), CACHE);
});

test("a file encrypted under another key, or a .cae file copied over the .nocae one, reads as empty", async () => {
  const a = setup();
  const storeA = await a.provider.open({ name: "shared", cae: false, allowUnencryptedStorage: false });
  await storeA.modify(() => CACHE);
  const b = setup();
  const storeB = await b.provider.open({ name: "shared", cae: false, allowUnencryptedStorage: false });
  copyFileSync(storeA.location, storeB.location);
  assert.equal(await storeB.read(), undefined, "another key");
  const cae = await a.provider.open({ name: "shared", cae: true, allowUnencryptedStorage: false });
  await cae.modify(() => '{"cae":true}');
  copyFileSync(cae.location, storeA.location);
  assert.equal(await storeA.read(), undefined, "the file name is bound into the ciphertext");
});

test("an existing plaintext cache is taken over by the encrypted store and encrypted by the next write", async () => {
  const { provider, dir } = setup();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, "legacy.nocae"), CACHE, { mode: 0o600 });
  const store = await provider.open({ name: "legacy", cae: false, allowUnencryptedStorage: false });
  assert.equal(await store.read(), CACHE);
  await store.modify((current) => current!);
  assert.equal(readFileSync(store.location).includes(SECRET), false);
  assert.equal(await store.read(), CACHE);
});

test("plaintext store: malformed JSON reads as empty; an encrypted file left from an earlier run reads as empty", async () => {
  const { provider } = setup({ failing: true });
  const store = await provider.open({ name: "p", cae: false, allowUnencryptedStorage: true });
  writeFileSync(store.location, '{"AccessToken": {"k": ', { mode: 0o600 });
  assert.equal(await store.read(), undefined);
  writeFileSync(store.location, Buffer.concat([Buffer.from("AZIDC1"), Buffer.alloc(60)]), { mode: 0o600 });
  assert.equal(await store.read(), undefined);
});

test("hostile files are refused with typed errors that name the file and the fix, never their contents", async () => {
  const { provider, dir } = setup({ failing: true });
  const store = await provider.open({ name: "hostile", cae: false, allowUnencryptedStorage: true });
  const target = join(dir, "elsewhere.json");
  writeFileSync(target, CACHE, { mode: 0o600 });

  symlinkSync(target, store.location);
  for (const operation of [store.read(), store.modify(() => "{}")]) {
    const error = await rejectsWith(operation, UnsafeCacheFileError);
    assert.equal(error.reason, "symlink");
    assert.match(error.message, /rm /);
    assert.equal(error.message.includes(SECRET), false);
  }
  assert.equal(readFileSync(target, "utf8"), CACHE, "the link's target was not written through");

  const cases: Array<[string, () => void, string]> = [
    ["writable-by-others", () => writeFileSync(store.location, CACHE, { mode: 0o666 }), "chmod go-w"],
    ["other-owner", () => (writeFileSync(store.location, CACHE, { mode: 0o600 }), chownSync(store.location, 4242, 4242)), "another user"],
    ["too-large", () => (writeFileSync(store.location, "{}", { mode: 0o600 }), truncateSync(store.location, 2 * 1024 * 1024)), "bytes"],
  ];
  for (const [reason, make, hint] of cases) {
    if (reason === "other-owner" && process.getuid?.() !== 0) continue; // chown needs root
    await import("node:fs/promises").then((fs) => fs.rm(store.location, { force: true }));
    make();
    if (reason === "writable-by-others") chmodSync(store.location, 0o666);
    const error = await rejectsWith(store.read(), UnsafeCacheFileError);
    assert.equal(error.reason, reason);
    assert.ok(error.message.includes(hint), error.message);
    assert.equal(error.message.includes(SECRET), false);
  }
});

test("a cache directory that is a symlink is refused at open()", async () => {
  const base = mkdtempSync(join(tmpdir(), "azid-store-"));
  const real = mkdtempSync(join(tmpdir(), "azid-real-"));
  symlinkSync(real, join(base, ".IdentityService"));
  const provider = createPersistenceProvider({ baseDirectory: base, keyStore: memoryKeyStore().store });
  const error = await rejectsWith(provider.open({ name: "x", cae: false, allowUnencryptedStorage: false }), UnsafeCacheFileError);
  assert.equal(error.reason, "symlink");
});

test("bad names and options are caller mistakes: RangeError/TypeError naming the value", async () => {
  const { provider } = setup();
  for (const name of ["../escape", ".hidden", "a/b", "", "x".repeat(101)]) {
    await assert.rejects(provider.open({ name, cae: false, allowUnencryptedStorage: false }), RangeError);
  }
  await assert.rejects(provider.open({ name: "ok", cae: "yes" as unknown as boolean, allowUnencryptedStorage: false }), TypeError);
  const store = await provider.open({ name: "ok", cae: false, allowUnencryptedStorage: false });
  await assert.rejects(
    store.modify(() => 42 as unknown as string),
    TypeError,
  );
  await store.close();
  await assert.rejects(store.read(), /closed/);
});

test("an update that throws leaves the file as it was and releases the lock", async () => {
  const { provider } = setup();
  const store = await provider.open({ name: "throws", cae: false, allowUnencryptedStorage: false });
  await store.modify(() => CACHE);
  await assert.rejects(
    store.modify(() => {
      throw new Error("update failed");
    }),
    /update failed/,
  );
  assert.equal(await store.read(), CACHE);
  await store.modify(() => "{}"); // would wait for the lock until timeout if it were still held
  assert.equal(await store.read(), "{}");
});

test("warm(), then open(): the first read uses the early read only while the file is unchanged, and a hostile file is still refused", async () => {
  const { base, dir, keys } = setup();
  const options = { name: "warm", cae: false, allowUnencryptedStorage: false };
  const writer = createPersistenceProvider({ baseDirectory: base, keyStore: keys.store });
  await (await writer.open(options)).modify(() => CACHE);

  const unchanged = createPersistenceProvider({ baseDirectory: base, keyStore: keys.store });
  unchanged.warm(options);
  assert.equal(await (await unchanged.open(options)).read(), CACHE);

  // Another process replaces the file between warm() and the first read: the new text is read.
  const replaced = createPersistenceProvider({ baseDirectory: base, keyStore: keys.store });
  replaced.warm(options);
  await new Promise((resolve) => setTimeout(resolve, 20)); // the early read has finished
  const newer = JSON.stringify({ RefreshToken: { k: { secret: "rotated" } } });
  await (await writer.open(options)).modify(() => newer);
  const store = await replaced.open(options);
  assert.equal(await store.read(), newer);
  assert.equal(await store.read(), newer);

  // A symlink planted before warm(): warm() swallows the refusal, the first read() reports it.
  const link = join(dir, "planted.nocae");
  symlinkSync(join(dir, "warm.nocae"), link);
  const hostile = createPersistenceProvider({ baseDirectory: base, keyStore: keys.store });
  hostile.warm({ ...options, name: "planted" });
  const planted = await hostile.open({ ...options, name: "planted" });
  const error = await rejectsWith(planted.read(), UnsafeCacheFileError);
  assert.equal(error.reason, "symlink");
});

test("warm() after the store was opened does nothing: no keyring lookup, nothing held for a later open()", async () => {
  const { base, keys } = setup();
  let lookups = 0;
  const counting = (path: string) => ({
    ...keys.store(path),
    loadWithoutPrompt: async () => {
      lookups++;
      return keys.keys.get(path);
    },
  });
  const provider = createPersistenceProvider({ baseDirectory: base, keyStore: counting });
  const options = { name: "many", cae: false, allowUnencryptedStorage: false };
  provider.warm(options);
  provider.warm(options); // a second credential before the first token: still one lookup
  await provider.open(options);
  for (let i = 0; i < 5; i++) provider.warm(options); // more credentials built later
  assert.equal(lookups, 1);
});
