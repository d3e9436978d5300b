// Child process for closable.test.ts: uses a credential the way a program does, closes it, prints
// when, and then does nothing: the process must exit by itself, promptly.
import {
  AzureCliCredential,
  ChainedTokenCredential,
  DeviceCodeCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  InteractiveBrowserCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from "../../src/index.js";

const scope = "https://storage.azure.com/.default";
const scenario = process.argv[2];
const print = (value: unknown) => process.stdout.write(JSON.stringify(value) + "\n");
// The moment the process exits by itself: its event loop has nothing left (a socket, timer, server or
// child still open would hold this back). Written synchronously (stdout is a pipe), as the last line.
process.on("exit", () => print({ exitedAt: Date.now() }));

async function afterClose(getToken: () => Promise<unknown>): Promise<{ name: string; code?: string }> {
  try {
    await getToken();
    return { name: "no error" };
  } catch (error) {
    return { name: (error as Error).name, code: (error as { code?: string }).code };
  }
}

if (scenario === "secret") {
  const credential = new ClientSecretCredential(process.env.AZURE_TENANT_ID!, process.env.AZURE_CLIENT_ID!, process.env.AZURE_CLIENT_SECRET!);
  await credential.getToken(scope);
  await credential.close();
  print({ closedAt: Date.now(), after: await afterClose(() => credential.getToken(scope)) });
} else if (scenario === "await-using") {
  let kept: DefaultAzureCredential;
  {
    await using credential = new DefaultAzureCredential();
    kept = credential;
    await credential.getToken(scope);
  }
  print({ closedAt: Date.now(), after: await afterClose(() => kept.getToken(scope)) });
} else if (scenario === "browser-sign-in") {
  // A sign-in that never completes: its loopback server is listening when close() is called.
  const credential = new InteractiveBrowserCredential({
    tenantId: process.env.AZURE_TENANT_ID!,
    clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
    authorityHost: process.env.AZURE_AUTHORITY_HOST!,
    disableInstanceDiscovery: true,
    browserOpener: async () => {
      setTimeout(() => void credential.close(), 50);
    },
  });
  const pending = afterClose(() => credential.getToken(scope));
  const result = await pending;
  print({ closedAt: Date.now(), after: result });
}

if (scenario === "in-flight-keep-alive") {
  // The first token opens a keep-alive connection; the second request reuses it and the emulator never
  // answers (a hang fault), so a referenced socket is busy when close() is called: it must be ended.
  const credential = new ClientSecretCredential(process.env.AZURE_TENANT_ID!, process.env.AZURE_CLIENT_ID!, process.env.AZURE_CLIENT_SECRET!);
  await credential.getToken(scope);
  process.stdout.write("first-token\n");
  await new Promise((resolve) => process.stdin.once("data", resolve)); // the test has armed the hang
  process.stdin.destroy();
  const pending = afterClose(() => credential.getToken("https://vault.azure.net/.default"));
  await new Promise((r) => setTimeout(r, 300)); // the request is on the wire, waiting
  await credential.close();
  const closedAt = Date.now();
  print({ closedAt, after: await pending });
}

if (scenario === "managed-identity" || scenario === "chain-managed-identity" || scenario === "dac-managed-identity") {
  // Managed identity (the emulator's IMDS) alone, in a chain, and as DefaultAzureCredential's member: the
  // first token opens a keep-alive connection on the shared per-endpoint client; the second request hangs
  // (the test arms an IMDS hang), so a referenced socket is busy when close() is called and must be ended.
  const credential: TokenCredential & { close(): Promise<void> } =
    scenario === "managed-identity"
      ? new ManagedIdentityCredential()
      : scenario === "chain-managed-identity"
        ? new ChainedTokenCredential(new ManagedIdentityCredential())
        : new DefaultAzureCredential();
  await credential.getToken(scope);
  process.stdout.write("first-token\n");
  await new Promise((resolve) => process.stdin.once("data", resolve));
  process.stdin.destroy();
  const pending = afterClose(() => credential.getToken("https://vault.azure.net/.default"));
  await new Promise((r) => setTimeout(r, 300));
  await credential.close();
  const closedAt = Date.now();
  print({ closedAt, after: await pending });
}

if (scenario === "developer-tool" || scenario === "device-code") {
  // A developer tool still running (the fake az answers after a minute) or a device code sign-in still
  // polling (nobody approves the code) when close() is called: the tool process, the poll timer and its
  // requests must not keep this process alive.
  // The fake tool needs the network guard, not the TypeScript loader (it runs from "/", where tsx doesn't resolve), as toolHarness.ts sets it.
  process.env.NODE_OPTIONS = (process.env.NODE_OPTIONS ?? "")
    .replace(/--import[= ]tsx\b/, "")
    .replace(/--conditions=\S+/, "")
    .trim();
  const credential =
    scenario === "developer-tool"
      ? new AzureCliCredential()
      : new DeviceCodeCredential({ tenantId: process.env.AZURE_TENANT_ID!, userPromptCallback: () => undefined });
  const pending = afterClose(() => credential.getToken(scope));
  await new Promise((r) => setTimeout(r, 500)); // the tool is running / the first polls went out
  await credential.close();
  const closedAt = Date.now();
  print({ closedAt, after: await pending });
}

if (scenario === "persistent-cache") {
  // tokenCachePersistenceOptions through @azid/cache-persistence, as an application registers it (plaintext
  // file here: no keyring in a test): the store's handles must not keep the process alive after close().
  const { useIdentityPlugin } = await import("../../src/index.js");
  const { cachePersistencePlugin } = await import("@azid/cache-persistence");
  useIdentityPlugin(cachePersistencePlugin);
  const credential = new ClientSecretCredential(process.env.AZURE_TENANT_ID!, process.env.AZURE_CLIENT_ID!, process.env.AZURE_CLIENT_SECRET!, {
    tokenCachePersistenceOptions: { enabled: true, name: `azid-close-${process.pid}`, unsafeAllowUnencryptedStorage: true },
  });
  await credential.getToken(scope);
  await credential.close();
  print({ closedAt: Date.now(), after: await afterClose(() => credential.getToken(scope)) });
}
