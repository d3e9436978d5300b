// tokenChild.mjs for @azure/identity + @azure/identity-cache-persistence: the same service principal,
// the same emulator, the same timings (import apart; then register the plugin, construct, getToken).
//   node azureTokenChild.mjs <identity entry> <persistence entry> <encrypted|plaintext>
const [identityEntry, persistenceEntry, mode] = process.argv.slice(2);
const t0 = performance.now();
const { ClientSecretCredential, useIdentityPlugin } = await import(identityEntry);
const { cachePersistencePlugin } = await import(persistenceEntry);
const t1 = performance.now();
useIdentityPlugin(cachePersistencePlugin);
const credential = new ClientSecretCredential(process.env.AZURE_TENANT_ID, process.env.AZURE_CLIENT_ID, process.env.AZURE_CLIENT_SECRET, {
  authorityHost: process.env.AZURE_AUTHORITY_HOST,
  disableInstanceDiscovery: true,
  tokenCachePersistenceOptions: { enabled: true, name: "bench-token-azure", unsafeAllowUnencryptedStorage: mode === "plaintext" },
});
const token = await credential.getToken("https://storage.azure.com/.default");
const t2 = performance.now();
if (typeof token?.token !== "string") throw new Error("no token");
process.stdout.write(`${JSON.stringify({ importMs: t1 - t0, firstTokenMs: t2 - t1 })}\n`);
