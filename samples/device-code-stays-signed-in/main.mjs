// A command-line tool that keeps its user signed in across runs: the first run signs in with a
// device code; every later run gets tokens silently, from the encrypted token cache on disk
// (@azid/cache-persistence), until the refresh token expires or is revoked.
// Configuration (environment):
//   AZURE_TENANT_ID       your tenant (default "organizations")
//   AZURE_CLIENT_ID       a public client app registration with "Allow public client flows" on
//                         (default: the Azure CLI's, as @azure/identity does)
//   AZURE_SCOPE           default https://management.azure.com/.default
//   SAMPLE_RECORD_PATH    where the account record is kept (default ~/.azid-sample-account.json)
//   SAMPLE_ALLOW_PLAINTEXT=1  where no keyring is available (containers, SSH), allow an owner-only
//                         (0600) unencrypted cache file instead of failing
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import {
  AuthenticationRequiredError,
  DeviceCodeCredential,
  deserializeAuthenticationRecord,
  serializeAuthenticationRecord,
  useIdentityPlugin,
} from "@azid/identity";
import { cachePersistencePlugin } from "@azid/cache-persistence";

// One line turns on persistence for every credential given tokenCachePersistenceOptions.
useIdentityPlugin(cachePersistencePlugin);

const scope = process.env.AZURE_SCOPE ?? "https://management.azure.com/.default";
const recordPath = process.env.SAMPLE_RECORD_PATH ?? join(homedir(), ".azid-sample-account.json");
// The record names the account (no token, no secret); the tokens are in the persistent cache.
const saved = existsSync(recordPath) ? deserializeAuthenticationRecord(readFileSync(recordPath, "utf8")) : undefined;

const credential = new DeviceCodeCredential({
  tenantId: process.env.AZURE_TENANT_ID,
  clientId: process.env.AZURE_CLIENT_ID,
  authenticationRecord: saved,
  tokenCachePersistenceOptions: { enabled: true, name: "azid-sample-cli", unsafeAllowUnencryptedStorage: process.env.SAMPLE_ALLOW_PLAINTEXT === "1" },
  // getToken() never prompts by itself: this program decides when the user is asked.
  disableAutomaticAuthentication: true,
  userPromptCallback: (info) => console.error(info.message),
});

let token;
try {
  token = await credential.getToken(scope);
  console.log(`welcome back, ${saved.username}: signed in silently from the token cache`);
} catch (error) {
  if (!(error instanceof AuthenticationRequiredError)) throw error;
  const record = await credential.authenticate(scope);
  writeFileSync(recordPath, serializeAuthenticationRecord(record), { mode: 0o600 });
  console.log(`signed in as ${record.username} (tenant ${record.tenantId}); the next run will not ask`);
  token = await credential.getToken(scope);
}
const claims = JSON.parse(Buffer.from(token.token.split(".")[1], "base64url").toString("utf8"));
console.log(`token for audience ${claims.aud}, scopes ${claims.scp}`);
