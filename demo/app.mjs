// The demo app: what a user's program does. Everything comes from the environment the emulator
// printed; no test hooks. Prints one row per credential: its first call (a real HTTPS token request,
// or a cache hit when an earlier row already fetched the same identity's token: the process-wide
// cache serves every instance of it), the cached time, and the claims of the token it got.
import {
  ChainedTokenCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  AzurePipelinesCredential,
  DefaultAzureCredential,
  DeviceCodeCredential,
  EnvironmentCredential,
  ManagedIdentityCredential,
  UsernamePasswordCredential,
  WorkloadIdentityCredential,
  getBearerTokenProvider,
} from "@azid/identity";

const env = process.env;
const common = { authorityHost: env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true };
const STORAGE = "https://storage.azure.com/.default";

const credentials = [
  ["EnvironmentCredential (secret)", new EnvironmentCredential(common)],
  ["ClientSecretCredential", new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, common)],
  ["ClientCertificateCredential (PS256)", new ClientCertificateCredential(env.AZURE_TENANT_ID, env.AZID_DEMO_CERT_CLIENT_ID, env.AZID_DEMO_CERT_PATH, common)],
  [
    "ClientCertificateCredential (RS256, x5c)",
    new ClientCertificateCredential(
      env.AZURE_TENANT_ID,
      env.AZID_DEMO_CERT_CLIENT_ID,
      { certificatePath: env.AZID_DEMO_CERT_PATH },
      { ...common, assertionAlgorithm: "RS256", sendCertificateChain: true },
    ),
  ],
  [
    "ClientAssertionCredential (federated)",
    new ClientAssertionCredential(env.AZURE_TENANT_ID, env.AZID_DEMO_FEDERATED_CLIENT_ID, async () => env.AZID_DEMO_ASSERTION, common),
  ],
  [
    "DeviceCodeCredential",
    new DeviceCodeCredential({
      ...common,
      tenantId: env.AZURE_TENANT_ID,
      clientId: env.AZID_DEMO_PUBLIC_CLIENT_ID,
      userPromptCallback: (info) => console.log(`  [device code] ${info.message}`),
    }),
  ],
  [
    "UsernamePasswordCredential",
    env.AZID_DEMO_USERNAME
      ? new UsernamePasswordCredential(env.AZURE_TENANT_ID, env.AZID_DEMO_PUBLIC_CLIENT_ID, env.AZID_DEMO_USERNAME, env.AZID_DEMO_PASSWORD, common)
      : undefined,
  ],
  ["ManagedIdentityCredential (system, IMDS)", new ManagedIdentityCredential()],
  ["ManagedIdentityCredential (user-assigned)", new ManagedIdentityCredential({ clientId: env.AZID_DEMO_USER_IDENTITY_CLIENT_ID })],
  [
    "WorkloadIdentityCredential",
    new WorkloadIdentityCredential({
      ...common,
      tenantId: env.AZURE_TENANT_ID,
      clientId: env.AZID_DEMO_WI_CLIENT_ID,
      tokenFilePath: env.AZID_DEMO_WI_TOKEN_FILE,
    }),
  ],
  [
    "AzurePipelinesCredential",
    new AzurePipelinesCredential(
      env.AZURESUBSCRIPTION_TENANT_ID,
      env.AZURESUBSCRIPTION_CLIENT_ID,
      env.AZURESUBSCRIPTION_SERVICE_CONNECTION_ID,
      env.SYSTEM_ACCESSTOKEN,
      common,
    ),
  ],
  // The service-principal variables are set here, so the chain stops at EnvironmentCredential.
  ["DefaultAzureCredential", new DefaultAzureCredential(common)],
  ["ChainedTokenCredential", new ChainedTokenCredential(new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, common))],
];

function claims(token) {
  const payload = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
  const who = payload.upn ?? payload.unique_name ?? `${payload.xms_mirid ? "MI" : "app"} ${String(payload.appid).slice(0, 8)}…`;
  const grants = payload.roles ? `roles=${payload.roles.join(",")}` : payload.scp ? `scp=${payload.scp}` : "";
  // With the date: managed-identity tokens live 24 hours, so a time alone can look already past.
  return { aud: payload.aud, who, grants, exp: new Date(payload.exp * 1000).toISOString().slice(0, 16).replace("T", " ") };
}

/** Each token string a row got first, by row name: a fresh request always mints a new token. */
const firstSeenIn = new Map();

const rows = [];
let failures = 0;
for (const [name, credential] of credentials) {
  if (credential === undefined) continue;
  try {
    let started = process.hrtime.bigint();
    // DefaultAzureCredential also says which of its credentials answered.
    const { token, credential: source } = credential.getTokenWithSource
      ? await credential.getTokenWithSource(STORAGE)
      : { token: await credential.getToken(STORAGE) };
    const coldMs = Number(process.hrtime.bigint() - started) / 1e6;
    const n = 10_000;
    started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await credential.getToken(STORAGE);
    const cachedUs = Number(process.hrtime.bigint() - started) / 1e3 / n;
    const c = claims(token.token);
    const earlier = firstSeenIn.get(token.token);
    if (earlier === undefined) firstSeenIn.set(token.token, name);
    const first = earlier === undefined ? `${coldMs.toFixed(1)} ms` : `cache hit (${earlier})`;
    rows.push([source ? `${name} → ${source.constructor.name}` : name, first, `${cachedUs.toFixed(2)} µs`, c.aud, c.who, c.grants, c.exp]);
  } catch (error) {
    failures++;
    rows.push([name, "FAILED", "", `${error.name}: ${error.message.split("\n")[0]}`, "", "", ""]);
  }
}

const header = ["Credential", "First call", "Cached", "aud", "who", "grants", "expires (UTC)"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join("  ");
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const row of rows) console.log(line(row));

// A real Azure SDK client: @azure/storage-blob against Azurite in OAuth mode, with an azid credential.
if (env.AZID_DEMO_BLOB_ENDPOINT) {
  try {
    const { BlobServiceClient } = await import("@azure/storage-blob");
    const credential = new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, common);
    const service = new BlobServiceClient(env.AZID_DEMO_BLOB_ENDPOINT, credential);
    const container = service.getContainerClient(`demo-${Date.now()}`);
    await container.create();
    const text = "Hello from azid: this blob was written with a token from the local Entra ID emulator.";
    await container.getBlockBlobClient("hello.txt").upload(text, Buffer.byteLength(text));
    const names = [];
    for await (const blob of container.listBlobsFlat()) names.push(blob.name);
    console.log(`\n@azure/storage-blob + ClientSecretCredential: created container '${container.containerName}', uploaded and listed: ${names.join(", ")}`);
  } catch (error) {
    failures++;
    console.log(`\n@azure/storage-blob FAILED: ${error.name}: ${error.message.split("\n")[0]}`);
  }
}

const bearer = getBearerTokenProvider(credentials[1][1], STORAGE);
const bearerToken = await bearer();
console.log(`getBearerTokenProvider: a ${bearerToken.split(".").length}-part JWT of ${bearerToken.length} characters (tokens are never printed)`);
process.exit(failures === 0 ? 0 : 1);
