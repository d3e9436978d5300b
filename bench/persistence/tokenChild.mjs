// One sample of "a new process gets its first token from the persistent cache": a service principal
// (ClientSecretCredential with tokenCachePersistenceOptions) as an application builds it, from the
// packages' builds. The same file runs azid (@azid/identity + @azid/cache-persistence) and
// @azure/identity + @azure/identity-cache-persistence, which share these names; each library gets
// its own cache name. Import is timed apart; the clock then covers registering the plugin,
// constructing the credential and getToken.
//   node tokenChild.mjs <identity entry> <persistence entry> <encrypted|plaintext> [<cache name>]
// The emulator (AZURE_AUTHORITY_HOST, NODE_EXTRA_CA_CERTS, AZURE_TENANT_ID/CLIENT_ID/CLIENT_SECRET) answers
// only when the cache cannot: the session counts its token requests.
const [identityEntry, persistenceEntry, mode, cacheName = "bench-token"] = process.argv.slice(2);
const t0 = performance.now();
const { ClientSecretCredential, useIdentityPlugin } = await import(identityEntry);
const { cachePersistencePlugin } = await import(persistenceEntry);
const t1 = performance.now();
useIdentityPlugin(cachePersistencePlugin);
const credential = new ClientSecretCredential(process.env.AZURE_TENANT_ID, process.env.AZURE_CLIENT_ID, process.env.AZURE_CLIENT_SECRET, {
  authorityHost: process.env.AZURE_AUTHORITY_HOST,
  disableInstanceDiscovery: true,
  tokenCachePersistenceOptions: { enabled: true, name: cacheName, unsafeAllowUnencryptedStorage: mode === "plaintext" },
});
const token = await credential.getToken("https://storage.azure.com/.default");
const t2 = performance.now();
if (typeof token?.token !== "string") throw new Error("no token");
process.stdout.write(`${JSON.stringify({ importMs: t1 - t0, firstTokenMs: t2 - t1 })}\n`);
