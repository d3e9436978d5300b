// `npm start`: the main job. Starts the Entra ID emulator and Azurite (OAuth + HTTPS) on loopback,
// then runs demo/app.mjs as a separate process — exactly like a user's app — with the environment
// `azid emulator` would print. The app acquires real tokens with several credentials and uses one
// with @azure/storage-blob.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_USER_IDENTITY_CLIENT_ID, startEmulator } from "@azid/emulator";
import { startAzurite } from "../scripts/lib/azurite.mjs";

const dataDir = join(tmpdir(), "azid-demo");
mkdirSync(dataDir, { recursive: true });
const emulator = await startEmulator({ dataDir, deviceCodeIntervalSeconds: 1 });
const tenant = emulator.config.tenants[0];

// A certificate app: its certificate is issued by the emulator's CA, its private key stays here.
const certApp = { clientId: randomUUID(), displayName: "demo certificate app" };
const { certPem, keyPem } = await emulator.createClientCertificate("azid demo client");
const certPath = join(dataDir, "client-cert.pem");
writeFileSync(certPath, keyPem + certPem, { mode: 0o600 });
tenant.apps.push({ ...certApp, certificates: [certPem], roles: ["Demo.Read"] });

// A workload-style app trusting the emulator's own OIDC issuer (federated credential).
const federatedApp = { clientId: randomUUID(), displayName: "demo federated app" };
const subject = "system:serviceaccount:demo:inventory";
tenant.apps.push({ ...federatedApp, federatedCredentials: [{ issuer: emulator.federation.issuerUrl(), subject, audiences: ["api://AzureADTokenExchange"] }] });

let azurite;
try {
  azurite = await startAzurite(emulator);
} catch (error) {
  console.error(`(Azurite unavailable, skipping the storage part: ${error.message.split("\n")[0]})`);
}

// Workload identity: a Kubernetes-style service account token file from the emulator's own issuer.
const workload = await emulator.writeWorkloadIdentityToken();

const user = tenant.users[0];
const publicApp = tenant.apps.find((a) => a.publicClient);
const env = {
  ...process.env,
  ...emulator.env(),
  AZID_DEMO_CERT_PATH: certPath,
  AZID_DEMO_CERT_CLIENT_ID: certApp.clientId,
  AZID_DEMO_FEDERATED_CLIENT_ID: federatedApp.clientId,
  AZID_DEMO_ASSERTION: emulator.federation.mint({ subject }),
  AZID_DEMO_USERNAME: user?.username ?? "",
  AZID_DEMO_PASSWORD: user?.password ?? "",
  AZID_DEMO_PUBLIC_CLIENT_ID: publicApp?.clientId ?? "",
  AZID_DEMO_BLOB_ENDPOINT: azurite?.blobEndpoint ?? "",
  // Managed identity: the emulator's IMDS stands in for 169.254.169.254.
  ...emulator.managedIdentity.env("imds"),
  AZID_DEMO_USER_IDENTITY_CLIENT_ID: DEFAULT_USER_IDENTITY_CLIENT_ID,
  AZID_DEMO_WI_TOKEN_FILE: workload.AZURE_FEDERATED_TOKEN_FILE,
  AZID_DEMO_WI_CLIENT_ID: workload.AZURE_CLIENT_ID,
  ...emulator.pipelines.env(),
};

// The "user" of the device-code sign-in: approves each code shown, as if typed in at /devicelogin.
const deviceUser = setInterval(() => {
  for (const { userCode } of emulator.deviceCode.pending()) {
    console.log(`  [demo user] enters code ${userCode} at ${emulator.url}/devicelogin and signs in as ${user?.username}`);
    emulator.deviceCode.approve(userCode, user?.username);
  }
}, 200);

// Every child runs with the network guard: nothing may leave loopback.
const guard = ["--import", new URL("../scripts/network-guard.mjs", import.meta.url).href];
const azid = fileURLToPath(new URL("../packages/cli/bin/azid.js", import.meta.url));
const run = (args, childEnv, stdio = "inherit") =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [...guard, ...args], { stdio: ["ignore", stdio, "inherit"], env: childEnv });
    let out = "";
    child.stdout?.on("data", (chunk) => (out += chunk));
    child.on("exit", (c) => resolve({ code: c ?? 1, out }));
  });

console.log(`Entra ID emulator: ${emulator.url}   Azurite (OAuth, HTTPS): ${azurite?.url ?? "not running"}\n`);
let { code } = await run([fileURLToPath(new URL("./app.mjs", import.meta.url))], env);

// A developer's machine: no service principal, no managed identity (IMDS refuses), no developer
// tools on PATH, but Visual Studio signed in (its MSAL cache in ~/.IdentityService, written by the
// emulator). SharedTokenCacheCredential is not in @azure/identity's chain, so the developer opts in
// with AZURE_TOKEN_CREDENTIALS. `azid doctor` explains what DefaultAzureCredential finds; `azid token` then uses it.
const developerHome = join(dataDir, "developer-home");
rmSync(developerHome, { recursive: true, force: true });
const seeded = await emulator.writeSharedTokenCache({ path: join(developerHome, ".IdentityService", "msal.cache") });
const emptyPath = join(developerHome, "bin");
mkdirSync(emptyPath, { recursive: true });
const developerEnv = {
  HOME: developerHome,
  PATH: emptyPath,
  NODE_EXTRA_CA_CERTS: emulator.caCertPath,
  AZURE_AUTHORITY_HOST: emulator.url,
  AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${await closedPort()}`,
  AZURE_TOKEN_CREDENTIALS: "SharedTokenCacheCredential",
};
console.log(
  `\n$ AZURE_TOKEN_CREDENTIALS=SharedTokenCacheCredential azid doctor   (a developer's machine: Visual Studio signed in as ${seeded.username}, nothing else)`,
);
const doctor = await run([azid, "doctor", "--scope", "https://storage.azure.com/.default"], developerEnv);
const token = await run([azid, "token", "--scope", "https://storage.azure.com/.default", "--output", "json"], developerEnv, "pipe");
if (token.code === 0) {
  const { credential, expiresOn, claims } = JSON.parse(token.out);
  console.log(
    `$ azid token --scope https://storage.azure.com/.default\n  a token from ${credential} for ${claims?.upn ?? claims?.appid}, audience ${claims?.aud}, expires ${expiresOn}`,
  );
} else console.log(`azid token failed (exit ${token.code})`);
if (doctor.code !== 0 || token.code !== 0) code ||= 1;

// A user signs in once: process 1 authenticates (device code) with a persistent token cache and saves
// its AuthenticationRecord; process 2, new, signs in silently from both: no prompt, no request.
const persistenceHome = join(dataDir, "persistence-home");
rmSync(persistenceHome, { recursive: true, force: true });
mkdirSync(persistenceHome, { recursive: true });
const persistenceEnv = { ...env, HOME: persistenceHome };
const persistenceScript = fileURLToPath(new URL("./persistence.mjs", import.meta.url));
const recordFile = join(persistenceHome, "record.json");
console.log("\nStaying signed in across processes (tokenCachePersistenceOptions, plaintext opt-in under a throwaway HOME):");
const signIn = await run([persistenceScript, "sign-in", recordFile], persistenceEnv);
const beforeRestart = emulator.requests.length;
const restart = signIn.code === 0 ? await run([persistenceScript, "restart", recordFile], persistenceEnv) : { code: 1 };
console.log(`  requests the second process made: ${emulator.requests.length - beforeRestart}`);
if (signIn.code !== 0 || restart.code !== 0) code ||= 1;

const tokenRequests = emulator.requests.filter((r) => r.route === "token").length;
const imdsRequests = emulator.requests.filter((r) => r.route === "imds").length;
console.log(`\nThe emulator answered ${tokenRequests} token requests and ${imdsRequests} IMDS requests.`);
clearInterval(deviceUser);

/** A loopback port where nothing listens: connections are refused at once. */
async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
await azurite?.close();
await emulator.close();
process.exit(code);
