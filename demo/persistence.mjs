// Demo: a user stays signed in across processes (tokenCachePersistenceOptions + @azid/cache-persistence).
//   node demo/persistence.mjs sign-in <record file>   authenticate() with a device code, save the AuthenticationRecord
//   node demo/persistence.mjs restart <record file>   a new process: the record + the persistent cache, no prompt allowed
// Storage: the demo runs under a throwaway HOME (demo/main.mjs sets it) and uses the plaintext opt-in
// (unsafeAllowUnencryptedStorage, a 0600 file), so it never writes a key into your own keyring. An app
// leaves the opt-in out and the cache is AES-256-GCM encrypted under a key in the OS keyring.
import { readFileSync, writeFileSync } from "node:fs";
import { DeviceCodeCredential, deserializeAuthenticationRecord, serializeAuthenticationRecord, useIdentityPlugin } from "@azid/identity";
import { cachePersistencePlugin } from "@azid/cache-persistence";

const [mode, recordFile] = process.argv.slice(2);
const env = process.env;
const STORAGE = "https://storage.azure.com/.default";
useIdentityPlugin(cachePersistencePlugin);
let prompts = 0;
const options = {
  authorityHost: env.AZURE_AUTHORITY_HOST,
  disableInstanceDiscovery: true,
  tenantId: env.AZURE_TENANT_ID,
  clientId: env.AZID_DEMO_PUBLIC_CLIENT_ID,
  tokenCachePersistenceOptions: { enabled: true, name: "azid-demo", unsafeAllowUnencryptedStorage: true },
  userPromptCallback: (info) => {
    prompts++;
    console.log(`  [device code] ${info.message}`);
  },
};

if (mode === "sign-in") {
  const record = await new DeviceCodeCredential(options).authenticate(STORAGE);
  writeFileSync(recordFile, serializeAuthenticationRecord(record), { mode: 0o600 });
  console.log(
    `  process ${process.pid}: signed in as ${record.username}; AuthenticationRecord saved, tokens in ~/.IdentityService/azid-demo.nocae (plaintext opt-in)`,
  );
} else {
  const credential = new DeviceCodeCredential({
    ...options,
    authenticationRecord: deserializeAuthenticationRecord(readFileSync(recordFile, "utf8")),
    disableAutomaticAuthentication: true,
  });
  const token = await credential.getToken(STORAGE);
  const claims = JSON.parse(Buffer.from(token.token.split(".")[1], "base64url").toString());
  console.log(`  process ${process.pid}: a token for ${claims.upn ?? claims.preferred_username} from the persistent cache, ${prompts} prompts`);
}
