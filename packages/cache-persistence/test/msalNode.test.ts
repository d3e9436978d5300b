// The text this package stores is exactly the text given, so msal-node's own cache plugin interface
// (ICachePlugin) can sit on it: msal-node reads a cache written through a plaintext store, and azid's
// store reads back exactly what msal-node wrote with the plain file plugin of msal-node's docs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PublicClientApplication, type ICachePlugin, type TokenCacheContext } from "@azure/msal-node";
import { createPersistenceProvider } from "../src/provider.js";
import { memoryKeyStore } from "./support/memoryKeyStore.js";
import { MSAL_USERNAME, msalCacheFixture } from "./fixtures/msalCache.js";

const clientId = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const authority = "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47";

async function plaintextStore() {
  const base = mkdtempSync(join(tmpdir(), "azid-msal-"));
  const provider = createPersistenceProvider({ baseDirectory: base, keyStore: memoryKeyStore({ failing: true }).store });
  return provider.open({ name: "msal.cache", cae: false, allowUnencryptedStorage: true });
}

test("msal-node reads, through its ICachePlugin, the cache azid's store wrote", async () => {
  const store = await plaintextStore();
  await store.modify(() => msalCacheFixture);
  assert.equal(readFileSync(store.location, "utf8"), msalCacheFixture, "the file holds exactly the text given");
  const plugin: ICachePlugin = {
    async beforeCacheAccess(context: TokenCacheContext) {
      const text = await store.read();
      if (text !== undefined) context.tokenCache.deserialize(text);
    },
    async afterCacheAccess(context: TokenCacheContext) {
      if (context.cacheHasChanged) await store.modify(() => context.tokenCache.serialize());
    },
  };
  const pca = new PublicClientApplication({ auth: { clientId, authority }, cache: { cachePlugin: plugin } });
  const accounts = await pca.getTokenCache().getAllAccounts();
  assert.deepEqual(
    accounts.map((a) => a.username),
    [MSAL_USERNAME],
  );
  // And msal-node writing back through the store: removing the account changes the cache.
  await pca.getTokenCache().removeAccount(accounts[0]!);
  const after = JSON.parse((await store.read())!) as { Account: object; RefreshToken: object };
  assert.deepEqual(Object.keys(after.Account), []);
});

test("azid's store reads exactly what msal-node wrote with a plain file cache plugin", async () => {
  const store = await plaintextStore();
  writeFileSync(store.location, msalCacheFixture, { mode: 0o600 });
  const filePlugin: ICachePlugin = {
    async beforeCacheAccess(context) {
      context.tokenCache.deserialize(readFileSync(store.location, "utf8"));
    },
    async afterCacheAccess(context) {
      if (context.cacheHasChanged) writeFileSync(store.location, context.tokenCache.serialize(), { mode: 0o600 });
    },
  };
  const pca = new PublicClientApplication({ auth: { clientId, authority }, cache: { cachePlugin: filePlugin } });
  const [account] = await pca.getTokenCache().getAllAccounts();
  await pca.getTokenCache().removeAccount(account!);
  const written = readFileSync(store.location, "utf8");
  assert.notEqual(written, msalCacheFixture, "msal-node rewrote the file");
  assert.equal(await store.read(), written);
});
