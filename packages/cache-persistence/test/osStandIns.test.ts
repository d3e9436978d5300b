// The macOS Keychain and Windows Credential Manager paths, which cannot run here, against stand-ins
// that behave as those stores are documented to (support/osStandIns.ts): the same provider code,
// only the binding differs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPersistenceProvider } from "../src/provider.js";
import { KEYRING_SERVICE, osKeyStore } from "../src/keyStore.js";
import { PersistenceUnavailableError } from "../src/errors.js";
import { openMicrosoftSharedCache } from "../src/microsoftSharedCache.js";
import { macKeychainStandIn, windowsCredentialManagerStandIn } from "./support/osStandIns.js";

const CACHE = JSON.stringify({ RefreshToken: { k: { secret: "rt-standin" } } });

function providerWith(
  platform: NodeJS.Platform,
  binding: () => Promise<import("../src/keyStore.js").KeyringBinding>,
  base = mkdtempSync(join(tmpdir(), `azid-${platform}-`)),
) {
  return createPersistenceProvider({ baseDirectory: base, keyStore: (path) => osKeyStore(path, { platform, loadBinding: binding }) });
}

test("macOS: the key is a Keychain generic password (service azid.cache-persistence, account = the file); no Linux options", async () => {
  const keychain = macKeychainStandIn();
  const base = mkdtempSync(join(tmpdir(), "azid-darwin-"));
  const provider = providerWith("darwin", async () => keychain.binding, base);
  const store = await provider.open({ name: "mac", cae: false, allowUnencryptedStorage: false });
  await store.modify(() => CACHE);
  assert.equal(store.encrypted, true);
  assert.equal(readFileSync(store.location).includes("rt-standin"), false);
  assert.deepEqual(keychain.constructed[0], { service: KEYRING_SERVICE, username: store.location, options: undefined });
  const [key] = [...keychain.items.values()];
  assert.equal(key?.length, 32);
  // A second process (a new provider, same Keychain) reads it back.
  const again = await providerWith("darwin", async () => keychain.binding, base).open({ name: "mac", cae: false, allowUnencryptedStorage: false });
  assert.equal(await again.read(), CACHE);
});

test("macOS: a locked Keychain (errSecInteractionNotAllowed) is keyring-locked with the unlock-keychain fix", async () => {
  const keychain = macKeychainStandIn();
  keychain.locked = true;
  const provider = providerWith("darwin", async () => keychain.binding);
  const error = await provider.open({ name: "mac", cae: false, allowUnencryptedStorage: false }).catch((e: unknown) => e);
  assert.ok(error instanceof PersistenceUnavailableError);
  assert.equal(error.reason, "keyring-locked");
  assert.match(error.fixes[0]!, /security unlock-keychain/);
  const fallback = await provider.open({ name: "mac", cae: false, allowUnencryptedStorage: true });
  assert.equal(fallback.encrypted, false);
});

test("Windows: the 32-byte key fits Credential Manager's 2,560-byte blob limit that a whole cache would not", async () => {
  const credentials = windowsCredentialManagerStandIn();
  const provider = providerWith("win32", async () => credentials.binding);
  const store = await provider.open({ name: "win", cae: true, allowUnencryptedStorage: false });
  await store.modify(() => CACHE.padEnd(10_000, " "));
  assert.equal((await store.read())?.length, 10_000);
  assert.deepEqual([...credentials.items.keys()], [`${store.location}.${KEYRING_SERVICE}`]);
  const entry = new credentials.binding.AsyncEntry("x", "y");
  await assert.rejects(entry.setSecret(new Uint8Array(2561)), /platform limit/, "the stand-in enforces the documented limit");
});

test("Windows: no logon session (a service without a loaded profile) is no-keyring with the profile fix", async () => {
  const credentials = windowsCredentialManagerStandIn();
  credentials.unavailable = true;
  const error = await providerWith("win32", async () => credentials.binding)
    .open({ name: "win", cae: false, allowUnencryptedStorage: false })
    .catch((e: unknown) => e);
  assert.ok(error instanceof PersistenceUnavailableError);
  assert.equal(error.reason, "no-keyring");
  assert.match(error.fixes[0]!, /profile/);
});

test("a platform without the prebuilt binary: binding-missing, naming the optional package", async () => {
  const error = await providerWith("linux", async () => {
    throw new Error("Cannot find module '@napi-rs/keyring-linux-x64-gnu'");
  })
    .open({ name: "nobinding", cae: false, allowUnencryptedStorage: false })
    .catch((e: unknown) => e);
  assert.ok(error instanceof PersistenceUnavailableError);
  assert.equal(error.reason, "binding-missing");
  assert.match(error.fixes[0]!, /@napi-rs\/keyring-/);
});

test("macOS: the Microsoft tools' Keychain item (service Microsoft.Developer.IdentityService, account MSALCache) is read", async () => {
  const keychain = macKeychainStandIn();
  await new keychain.binding.AsyncEntry("Microsoft.Developer.IdentityService", "MSALCache").setSecret(Buffer.from(CACHE));
  const cache = openMicrosoftSharedCache({
    name: "msal.cache",
    cae: false,
    platform: "darwin",
    baseDirectory: mkdtempSync(join(tmpdir(), "azid-mac-")),
    loadBinding: async () => keychain.binding,
  });
  assert.deepEqual(await cache.read(), { text: CACHE, origin: "macos-keychain" });
});
