// One process of the persistence tests: builds a real @azid/identity credential with
// tokenCachePersistenceOptions (the plugin registered as an app would), does one thing, and prints a
// JSON line: what it got (a hash of the token, never the token), how many prompts it showed.
//   node credentialChild.ts '<json: { action, ... }>'
// The emulator's address and CA come from the environment (AZURE_AUTHORITY_HOST, NODE_EXTRA_CA_CERTS).
import { createHash } from "node:crypto";
import {
  ClientSecretCredential,
  DeviceCodeCredential,
  SharedTokenCacheCredential,
  UsernamePasswordCredential,
  deserializeAuthenticationRecord,
  serializeAuthenticationRecord,
} from "@azid/identity";
import { useRecordingPersistencePlugin } from "./recordingPlugin.js";

interface Job {
  action: "authenticate" | "silent" | "secret" | "shared";
  tenantId: string;
  clientId: string;
  scope: string;
  name: string;
  unencrypted: boolean;
  username?: string;
  password?: string;
  secret?: string;
  record?: string;
  cae?: boolean;
}

const job = JSON.parse(process.argv[2]!) as Job;
// The plugin as cachePersistencePlugin registers it, with the stores kept so their lock waits can be reported.
const stores = useRecordingPersistencePlugin();
const common = {
  authorityHost: process.env.AZURE_AUTHORITY_HOST!,
  disableInstanceDiscovery: true as const,
  tokenCachePersistenceOptions: { enabled: true, name: job.name, unsafeAllowUnencryptedStorage: job.unencrypted },
};
const hash = (token: string) => createHash("sha256").update(token).digest("hex").slice(0, 16);
let prompts = 0;
const started = performance.now();
try {
  if (job.action === "authenticate") {
    const credential = new UsernamePasswordCredential(job.tenantId, job.clientId, job.username!, job.password!, common);
    const record = await credential.authenticate(job.scope);
    const token = await credential.getToken(job.scope);
    print({ record: serializeAuthenticationRecord(record!), token: hash(token.token) });
  } else if (job.action === "silent") {
    const credential = new DeviceCodeCredential({
      ...common,
      tenantId: job.tenantId,
      clientId: job.clientId,
      authenticationRecord: deserializeAuthenticationRecord(job.record!),
      disableAutomaticAuthentication: true,
      userPromptCallback: () => void prompts++,
    });
    const token = await credential.getToken(job.scope);
    print({ token: hash(token.token), prompts });
  } else if (job.action === "shared") {
    // No tokenCachePersistenceOptions: SharedTokenCacheCredential reads what Microsoft's tools left, through the plugin.
    const credential = new SharedTokenCacheCredential({ authorityHost: common.authorityHost, disableInstanceDiscovery: true });
    const token = await credential.getToken(job.scope);
    const claims = JSON.parse(Buffer.from(token.token.split(".")[1]!, "base64url").toString()) as { upn?: string };
    print({ token: hash(token.token), username: claims.upn });
  } else {
    const credential = new ClientSecretCredential(job.tenantId, job.clientId, job.secret!, common);
    const token = await credential.getToken(job.scope, { enableCae: job.cae === true });
    print({ token: hash(token.token) });
  }
} catch (error) {
  print({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), prompts });
  process.exitCode = 1;
}

function print(result: Record<string, unknown>): void {
  const maxLockWaitMs = Math.max(0, ...stores.map((store) => store.lockStats().maxWaitMs));
  process.stdout.write(`${JSON.stringify({ ...result, maxLockWaitMs, ms: Math.round(performance.now() - started) })}\n`);
}
