// Child process for storageBlob.test.ts: @azure/storage-blob with an azid credential, exactly as a
// user's program would run it. It lives in its own process because @azure/storage-blob trusts the
// emulator's CA (which also signed Azurite's certificate) only through NODE_EXTRA_CA_CERTS, which
// Node reads at start-up. Prints one JSON line on stdout; never prints a token or a secret.
import { AzureLogger, ClientSecretCredential, setLogLevel } from "@azid/identity";
import { BlobServiceClient, BlockBlobClient, ContainerClient } from "@azure/storage-blob";

const env = process.env;
const scenario = process.argv[2];
const endpoint = env.AZID_TEST_BLOB_ENDPOINT;
const containerName = env.AZID_TEST_CONTAINER;
const common = { authorityHost: env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true, retryOptions: { retryDelayInMs: 20 } };

const logLines = [];
AzureLogger.log = (...args) => logLines.push(args.map(String).join(" "));
setLogLevel("verbose");

// Still the ClientSecretCredential (same class, same cache); it only counts the calls it gets.
let getTokenCalls = 0;
class CountedClientSecretCredential extends ClientSecretCredential {
  getToken(scopes, options) {
    getTokenCalls++;
    return super.getToken(scopes, options);
  }
}

function describeError(error) {
  return {
    name: error?.name,
    message: String(error?.message ?? error),
    statusCode: error?.statusCode,
    code: error?.code,
    errorResponse: error?.errorResponse,
    details: error?.details,
  };
}

async function streamToString(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

async function roundTrip() {
  // Two credential instances of one identity and four clients, each with its own pipeline (and so
  // its own bearer-token policy): only azid's process-wide cache can make this one token request.
  const first = new CountedClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, common);
  const second = new CountedClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, common);
  const text = `azid round trip ${containerName} \u00e4\u00f6\u00fc`;
  await new BlobServiceClient(endpoint, first).getContainerClient(containerName).create();
  const containerUrl = `${endpoint}/${containerName}`;
  await new BlockBlobClient(`${containerUrl}/hello.txt`, second).upload(text, Buffer.byteLength(text), {
    blobHTTPHeaders: { blobContentType: "text/plain; charset=utf-8" },
  });
  const downloaded = await new BlockBlobClient(`${containerUrl}/hello.txt`, first).download();
  const content = await streamToString(downloaded.readableStreamBody);
  const names = [];
  for await (const blob of new ContainerClient(containerUrl, second).listBlobsFlat()) names.push({ name: blob.name, size: blob.properties.contentLength });
  return {
    uploaded: text,
    content,
    contentType: downloaded.contentType,
    names,
    getTokenCalls,
    isClientSecretCredential: first instanceof ClientSecretCredential,
  };
}

async function wrongSecret() {
  const credential = new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZID_TEST_WRONG_SECRET, common);
  try {
    await new BlobServiceClient(endpoint, credential).getContainerClient(containerName).create();
    return { error: undefined };
  } catch (error) {
    return { error: describeError(error), logLines };
  }
}

async function otherAudience() {
  // A genuine emulator token, but for Key Vault: Azurite must refuse it (it checks aud and iss; in
  // its "basic" OAuth mode it does not verify signatures).
  const credential = new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, common);
  const vaultScoped = { getToken: () => credential.getToken("https://vault.azure.net/.default") };
  try {
    await new BlobServiceClient(endpoint, vaultScoped).getContainerClient(containerName).create();
    return { error: undefined };
  } catch (error) {
    return { error: describeError(error) };
  }
}

const scenarios = { roundTrip, wrongSecret, otherAudience };
if (!(scenario in scenarios)) throw new Error(`unknown scenario ${scenario}`);
const result = await scenarios[scenario]();
process.stdout.write(`${JSON.stringify(result)}\n`);
