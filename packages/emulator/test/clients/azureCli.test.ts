// The real Azure CLI (Debian's azure-cli 2.45) against the emulator, in a loopback-only network
// namespace, and azid's AzureCliCredential / DefaultAzureCredential running that real `az`.
//
// What works and what can't, each proven here:
// - `az login --service-principal` against a cloud registered at the emulator can't work: az 2.45
//   builds an msal-python app without turning instance discovery off, so msal asks
//   login.microsoftonline.com about any authority host it doesn't know, before anything reaches the
//   emulator. The first case asserts exactly that failure.
// - `az login --identity` works: az reads MSI_ENDPOINT (the Cloud Shell protocol, which the emulator
//   serves), then lists subscriptions at the cloud's Resource Manager endpoint. ARM is not part of
//   the emulator, so a stand-in answers that one call with an empty list (`--allow-no-subscriptions`
//   then makes a tenant-level account). Tokens then come from the emulator through the real az.
// - Where the fake az (packages/identity/test/fixtures/tools/fakeTool.mjs) imitates an answer that
//   the real az gives offline, the two are compared byte for byte.
import { after, before, describe } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_SYSTEM_IDENTITY_CLIENT_ID, DEFAULT_TENANT_ID } from "@azid/emulator";
import { startTestEmulator, tempDir } from "../support/client.js";
import { lastJsonLine, loopbackNamespaceUnavailable, runInLoopbackNamespace, type NamespacedResult } from "./support/loopbackBridge.js";
import { clientResults } from "./support/results.js";

const AZ = "/usr/bin/az";
const FAKE_AZ = fileURLToPath(new URL("../../../identity/test/fixtures/tools/az", import.meta.url));
const CHILD = fileURLToPath(new URL("./support/azidOnRealAz.mjs", import.meta.url));
const STORAGE = "https://storage.azure.com/.default";
const CLOUD = "AzidEmulator";
const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

const results = clientResults("azure-cli", "Azure CLI (Debian)");

describe("the real Azure CLI against the emulator, in a loopback-only network namespace", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  let arm: Server;
  let armUrl: string;
  let unavailable: string | undefined;
  const files = tempDir("azure-cli");
  const binDir = join(files, "bin");
  let configCounter = 0;

  const portOf = (url: string) => Number(new URL(url).port);
  const ports = () => [portOf(emu.url), portOf(emu.managedIdentity.httpUrl), portOf(armUrl)];

  /** A fresh, empty az configuration directory (az keeps its login state and clouds there). */
  const freshConfig = () => {
    const dir = join(files, `config-${++configCounter}`);
    mkdirSync(dir);
    return dir;
  };

  const azEnv = (configDir: string): NodeJS.ProcessEnv => ({
    PATH: "/usr/bin:/bin",
    HOME: configDir,
    LANG: "C.UTF-8",
    AZURE_CONFIG_DIR: configDir,
    AZURE_CORE_COLLECT_TELEMETRY: "no",
    AZURE_CORE_NO_COLOR: "true",
    REQUESTS_CA_BUNDLE: emu.caCertPath,
  });

  const az = (configDir: string, args: string[], extraEnv: Record<string, string> = {}) =>
    runInLoopbackNamespace(AZ, args, { ports: ports(), env: { ...azEnv(configDir), ...extraEnv }, timeoutMs: 90_000 });

  async function registerCloud(configDir: string): Promise<void> {
    const register = await az(configDir, [
      "cloud", "register", "--name", CLOUD,
      "--endpoint-active-directory", emu.url,
      "--endpoint-active-directory-resource-id", "https://management.core.windows.net/",
      "--endpoint-resource-manager", `${armUrl}/`,
      "--endpoint-active-directory-graph-resource-id", "https://graph.windows.net/",
      "--suffix-storage-endpoint", "core.windows.net",
    ]);
    assert.equal(register.code, 0, register.stderr);
    const set = await az(configDir, ["cloud", "set", "--name", CLOUD]);
    assert.equal(set.code, 0, set.stderr);
  }

  /** A configuration directory where az is signed in with the Cloud Shell managed identity. */
  let signedIn: string | undefined;
  let loginOutput: NamespacedResult | undefined;
  async function signedInConfig(): Promise<string> {
    if (signedIn !== undefined) return signedIn;
    const dir = freshConfig();
    await registerCloud(dir);
    loginOutput = await az(dir, ["login", "--identity", "--allow-no-subscriptions", "--output", "json"], emu.managedIdentity.env("cloudShell"));
    assert.equal(loginOutput.code, 0, loginOutput.stderr);
    signedIn = dir;
    return dir;
  }

  before(async () => {
    unavailable = await loopbackNamespaceUnavailable();
    if (unavailable === undefined && !existsSync(AZ)) unavailable = `${AZ} is missing (install the azure-cli package: node scripts/system-deps.mjs)`;
    emu = await startTestEmulator();
    // Resource Manager stand-in: az login lists subscriptions there; this tenant has none.
    const { certPem, keyPem } = emu.issueServerCertificate(["127.0.0.1"]);
    arm = createServer({ cert: certPem, key: keyPem }, (request, response) => {
      const known = request.method === "GET" && /^\/(subscriptions|tenants)\?/.test(request.url ?? "");
      response.writeHead(known ? 200 : 404, { "content-type": "application/json" });
      response.end(JSON.stringify(known ? { value: [] } : { error: { code: "NotFound", message: `no ${request.url} here` } }));
    });
    await new Promise<void>((resolve) => arm.listen(0, "127.0.0.1", resolve));
    armUrl = `https://127.0.0.1:${(arm.address() as { port: number }).port}`;
    if (unavailable === undefined) {
      const version = await az(freshConfig(), ["version", "--output", "json"]);
      if (version.code === 0) results.client = `Azure CLI ${(JSON.parse(version.stdout) as Record<string, string>)["azure-cli"]} (Debian)`;
    }
    // az reads MSI_ENDPOINT from its own environment; azid's ManagedIdentityCredential (first in
    // DefaultAzureCredential) must not see it, or it would answer before az is asked. A user would
    // have it in a shell profile; here a two-line launcher sets it for az alone.
    mkdirSync(binDir);
    const launcher = join(binDir, "az");
    writeFileSync(launcher, `#!/bin/sh\nexport MSI_ENDPOINT='${emu.managedIdentity.env("cloudShell").MSI_ENDPOINT}'\nexec ${AZ} "$@"\n`);
    chmodSync(launcher, 0o755);
  });
  after(async () => {
    await new Promise((resolve) => arm?.close(resolve));
    await emu?.stop();
    rmSync(files, { recursive: true, force: true });
  });

  const skip = () => (process.env.CI ? undefined : unavailable);
  const ensureAvailable = () => assert.equal(unavailable, undefined, unavailable);

  results.case("az login --service-principal, cloud registered at the emulator", async () => {
    ensureAvailable();
    const dir = freshConfig();
    await registerCloud(dir);
    const before = emu.requests.length;
    const login = await az(dir, ["login", "--service-principal", "--username", DEFAULT_CLIENT_ID, "--tenant", DEFAULT_TENANT_ID, "--password", DEFAULT_CLIENT_SECRET, "--allow-no-subscriptions"]);
    assert.equal(login.code, 1);
    // msal-python's Authority() asks Microsoft's instance discovery about the unknown host (and
    // drops its port from the question); in a namespace without DNS that can't even resolve.
    const authorize = encodeURIComponent(`https://127.0.0.1/${DEFAULT_TENANT_ID}/oauth2/v2.0/authorize`);
    assert.ok(login.stderr.includes(`HTTPSConnectionPool(host='login.microsoftonline.com', port=443): Max retries exceeded with url: /common/discovery/instance?authorization_endpoint=${authorize}&api-version=1.0`), login.stderr);
    assert.ok(login.stderr.includes("msal/authority.py"), "the failure is inside msal's authority validation");
    assert.deepEqual(emu.requests.slice(before), [], "nothing reached the emulator");
    assert.ok(!login.stderr.includes(DEFAULT_CLIENT_SECRET), "az did not print the secret");
    return {
      result: "blocked",
      note: "az 2.45 can't turn off msal's instance discovery: ConnectionError to login.microsoftonline.com/common/discovery/instance before any request to the emulator",
    };
  }, skip);

  results.case("az login --identity (Cloud Shell MSI_ENDPOINT) and az account get-access-token", async () => {
    ensureAvailable();
    const dir = await signedInConfig();
    const [account] = JSON.parse(loginOutput!.stdout) as Array<{ environmentName: string; tenantId: string; user: { type: string; name: string; assignedIdentityInfo: string } }>;
    assert.equal(account!.environmentName, CLOUD);
    assert.equal(account!.tenantId, DEFAULT_TENANT_ID);
    assert.deepEqual(account!.user, { assignedIdentityInfo: "MSI", name: "systemAssignedIdentity", type: "servicePrincipal" });
    const before = emu.requests.length;
    const result = await az(dir, ["account", "get-access-token", "--output", "json", "--resource", "https://storage.azure.com"], emu.managedIdentity.env("cloudShell"));
    assert.equal(result.code, 0, result.stderr);
    const body = JSON.parse(result.stdout) as Record<string, string>;
    // az 2.45's shape: no expires_on yet (2.54 added it), expiresOn in local time.
    assert.deepEqual(Object.keys(body), ["accessToken", "expiresOn", "subscription", "tenant", "tokenType"]);
    const { payload } = emu.decodeToken(body.accessToken!);
    assert.equal(payload.aud, "https://storage.azure.com");
    assert.equal(payload.appid, DEFAULT_SYSTEM_IDENTITY_CLIENT_ID);
    // az 2.45 asks the host twice per command: when it builds its MSI credential and when it reads the token.
    const served = emu.requests.slice(before);
    assert.ok(served.length >= 1);
    assert.deepEqual(new Set(served.map((r) => `${r.route} ${r.status} ${r.form?.resource}`)), new Set(["cloudShell 200 https://storage.azure.com"]));
  }, skip);

  async function azidOnRealAz(kind: "cli" | "default") {
    const dir = await signedInConfig();
    const before = emu.requests.length;
    const result = await runInLoopbackNamespace(process.execPath, [CHILD, kind], {
      ports: ports(),
      cwd: REPO_ROOT, // where NODE_OPTIONS' `--import tsx` resolves
      env: {
        ...azEnv(dir),
        PATH: `${binDir}:/usr/bin:/bin`,
        // the tsx loader, the @azid/source condition and the network guard, as for every test child
        NODE_OPTIONS: process.env.NODE_OPTIONS ?? "",
        AZID_TEST_SCOPE: STORAGE,
        // DefaultAzureCredential's managed identity asks IMDS first: here a loopback port nothing
        // listens on (never 169.254.169.254), so it is unavailable and the chain goes on to az.
        AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:9",
      },
      timeoutMs: 90_000,
    });
    const output = lastJsonLine<{ token?: string; expiresOnTimestamp?: number; error?: { name: string; message: string } }>(result);
    assert.equal(output.error, undefined, `${output.error?.name}: ${output.error?.message}`);
    const { payload } = emu.decodeToken(output.token!);
    assert.equal(payload.aud, "https://storage.azure.com");
    assert.equal(payload.appid, DEFAULT_SYSTEM_IDENTITY_CLIENT_ID);
    // az prints expiresOn to the second, in local time without a zone.
    assert.ok(Math.abs(output.expiresOnTimestamp! - (payload.exp as number) * 1000) < 2000, `expiresOnTimestamp ${output.expiresOnTimestamp} vs exp ${payload.exp}`);
    // Only az's own requests (python-requests) reached the emulator: azid itself asked no host.
    const sent = emu.requests.slice(before);
    assert.ok(sent.length >= 1);
    assert.deepEqual(new Set(sent.map((r) => `${r.route} ${r.status} ${/^python-requests\//.test(r.headers["user-agent"] ?? "")}`)), new Set(["cloudShell 200 true"]));
  }

  results.case("azid AzureCliCredential running the real az", async () => {
    ensureAvailable();
    await azidOnRealAz("cli");
  }, skip);

  results.case("azid DefaultAzureCredential reaching the real az", async () => {
    ensureAvailable();
    await azidOnRealAz("default");
  }, skip);

  // The fake az's imitations of answers the real one gives without a network, compared byte for byte.
  const comparisons: Array<{ name: string; args: string[]; fakeScenario: string }> = [
    { name: "not signed in", args: ["account", "get-access-token", "--output", "json", "--resource", "https://management.core.windows.net/"], fakeScenario: "not-logged-in" },
    {
      name: "--tenant with --subscription",
      args: ["account", "get-access-token", "--output", "json", "--resource", "https://management.core.windows.net/", "--tenant", DEFAULT_TENANT_ID, "--subscription", "00000000-0000-0000-0000-0000000000aa"],
      fakeScenario: "ok",
    },
  ];
  for (const { name, args, fakeScenario } of comparisons) {
    results.case(`fake az matches the real az byte for byte: ${name}`, async () => {
      ensureAvailable();
      const real = await az(freshConfig(), args);
      const fake = await promisify(execFile)(process.execPath, [FAKE_AZ, ...args], { env: { ...process.env, AZID_FAKE_AZ: fakeScenario } }).then(
        (ok) => ({ code: 0, stdout: ok.stdout, stderr: ok.stderr }),
        (failed: { code: number; stdout: string; stderr: string }) => ({ code: failed.code, stdout: failed.stdout, stderr: failed.stderr }),
      );
      assert.deepEqual({ code: fake.code, stdout: fake.stdout, stderr: fake.stderr }, { code: real.code, stdout: real.stdout, stderr: real.stderr });
    }, skip);
  }

  results.case("fake az matches the real az's get-access-token JSON layout (values aside)", async () => {
    ensureAvailable();
    const dir = await signedInConfig();
    const args = ["account", "get-access-token", "--output", "json", "--resource", "https://storage.azure.com"];
    const real = await az(dir, args, emu.managedIdentity.env("cloudShell"));
    assert.equal(real.code, 0, real.stderr);
    const fake = await promisify(execFile)(process.execPath, [FAKE_AZ, ...args], { env: { ...process.env, AZID_FAKE_AZ: "old-format" } });
    // Each value replaced by its shape: a JWT, a local time with microseconds, a GUID, "Bearer".
    const shape = (text: string) =>
      text
        .replace(/"eyJ[\w-]+\.[\w-]+\.[\w-]+"/g, '"<jwt>"')
        .replace(/"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}"/g, '"<local time>"')
        .replace(/"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/g, '"<guid>"');
    assert.equal(shape(fake.stdout), shape(real.stdout));
    assert.ok(shape(real.stdout).includes('"<jwt>"') && shape(real.stdout).includes('"<local time>"'), real.stdout.replace(/eyJ[\w.-]+/g, "<jwt>"));
  }, skip);
});
