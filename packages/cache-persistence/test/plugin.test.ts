// The plugin against @azid/identity's real useIdentityPlugin, and the contract types kept in step
// with the core's (this package restates them structurally; these checks fail to compile if they drift).
import { test } from "node:test";
import assert from "node:assert/strict";
import { useIdentityPlugin, type PersistenceProvider as CoreProvider, type PersistentStore as CoreStore, type IdentityPlugin } from "@azid/identity";
import { cachePersistencePlugin, createPersistenceProvider, type FileStore, type PersistenceProvider, type PersistentStore } from "../src/index.js";

type Assignable<From, To> = [From] extends [To] ? true : false;
const checks: [
  Assignable<ReturnType<typeof createPersistenceProvider>, CoreProvider>,
  Assignable<FileStore, CoreStore>,
  Assignable<CoreStore, PersistentStore>,
  Assignable<PersistenceProvider, CoreProvider>,
] = [true, true, true, true];

test("cachePersistencePlugin registers a provider through @azid/identity's useIdentityPlugin", () => {
  assert.deepEqual(checks, [true, true, true, true]);
  const plugin: IdentityPlugin = cachePersistencePlugin;
  useIdentityPlugin(plugin); // throws if the context were not the one the plugin expects
  let registered: unknown;
  cachePersistencePlugin({ azid: { contractVersion: 1 }, setPersistence: (p: unknown) => (registered = p), setDistributedTokenCache() {} });
  assert.equal(typeof (registered as CoreProvider).open, "function");
  assert.equal(typeof (registered as PersistenceProvider).openMicrosoftSharedCache, "function");
});

test("given @azure/identity's plugin context instead, it says which package to use", () => {
  const azureContext = { cachePluginControl: { setPersistence() {} }, nativeBrokerPluginControl: {}, vsCodeCredentialControl: {} };
  assert.throws(
    () => cachePersistencePlugin(azureContext),
    (e: unknown) => e instanceof TypeError && /@azure\/identity-cache-persistence/.test(e.message),
  );
  assert.throws(() => cachePersistencePlugin(undefined), TypeError);
});
