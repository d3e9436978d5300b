// One member of a fleet: many processes (containers, workers, functions) with the same service
// principal share its app-only tokens through Redis (@azid/cache-redis), so the fleet asks Entra ID
// once per scope instead of once per process. Start it N times; only one of them fetches.
// Configuration (environment):
//   AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET   the service principal (EnvironmentCredential)
//   REDIS_URL            e.g. redis://127.0.0.1:6379 (or rediss://... with TLS)
//   AZID_CACHE_KEY       32 random bytes, base64, the same for the whole fleet: tokens are
//                        encrypted in Redis (AES-256-GCM); create one with `openssl rand -base64 32`
//   AZURE_SCOPE          default https://storage.azure.com/.default
import { createClient } from "redis";
import { EnvironmentCredential, useIdentityPlugin } from "@azid/identity";
import { redisCachePlugin } from "@azid/cache-redis";

const client = await createClient({ url: process.env.REDIS_URL }).connect();
const plugin = redisCachePlugin({ client, keyPrefix: "azid-sample", encryptionKeys: [process.env.AZID_CACHE_KEY] });
useIdentityPlugin(plugin);

const scope = process.env.AZURE_SCOPE ?? "https://storage.azure.com/.default";
const credential = new EnvironmentCredential();
const token = await credential.getToken(scope);
const claims = JSON.parse(Buffer.from(token.token.split(".")[1], "base64url").toString("utf8"));
const stats = plugin.cache.stats();
// Where this process's token came from: Redis (another member fetched it) or Entra ID (this one did).
const source = stats.l2Hits > 0 ? "redis" : "entra";
console.log(`token for audience ${claims.aud}, app ${claims.appid}, from ${source}`);
await client.quit();
