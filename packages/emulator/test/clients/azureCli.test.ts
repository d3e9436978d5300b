// The real Azure CLI (Debian's azure-cli 2.45) signed in to the emulator, in a loopback-only
// network namespace, and azid's AzureCliCredential and DefaultAzureCredential running that real `az`.
//
// `az login --service-principal` can't reach the emulator (azureCliLimits.test.ts proves why), but
// `az login --identity` can: az reads MSI_ENDPOINT (the Cloud Shell protocol, which the emulator
// serves) and asks the registered cloud's Resource Manager for subscriptions (a stand-in that has
// none; see support/azureCli.ts). Every token below is then one the emulator signed, fetched by az.
import { after, before, describe } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DEFAULT_SYSTEM_IDENTITY_CLIENT_ID, DEFAULT_TENANT_ID } from "@azid/emulator";
import { startTestEmulator, tempDir } from "../support/client.js";
import { AZ, AzureCliRunner, azureCliUnavailable, azureCliVersion, CLOUD, startResourceManagerStandIn } from "./support/azureCli.js";
import { lastJsonLine, runInLoopbackNamespace, type NamespacedResult } from "./support/loopbackBridge.js";
import { clientResults } from "./support/results.js";

const FAKE_AZ = fileURLToPath(new URL("../../../identity/test/fixtures/tools/az", import.meta.url));
const CHILD = fileURLToPath(new URL("./support/azidOnRealAz.mjs", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const STORAGE = "https://storage.azure.com/.default";
const TOKEN_ARGS = ["account", "get-access-token", "--output", "json", "--resource", "https://storage.azure.com"];

const results = clientResults("azure-cli", "Azure CLI (Debian)");

describe("the real Azure CLI signed in to the emulator with a managed identity, in a loopback-only network namespace", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  let arm: Awaited<ReturnType<typeof startResourceManagerStandIn>>;
  let az: AzureCliRunner;
  let unavailable: string | undefined;
  const files = tempDir("azure-cli");
  const binDir = join(files, "bin");
  let configDir = "";
  let login: NamespacedResult | undefined;
  let tokenOutput: NamespacedResult | undefined;

  before(async () => {
    unavailable = await azureCliUnavailable();
    const version = await azureCliVersion();
    if (version !== undefined) results.client = `Azure CLI ${version} (Debian)`;
    emu = await startTestEmulator();
    arm = await startResourceManagerStandIn(emu);
    az = new AzureCliRunner(emu, arm.url, files);
    // az reads MSI_ENDPOINT from its own environment; azid's ManagedIdentityCredential (before az in
    // DefaultAzureCredential) must not see it, or it would answer first. A user would have it in a
    // shell profile; here a launcher first on PATH sets it for az alone.
    mkdirSync(binDir);
    writeFileSync(join(binDir, "az"), `#!/bin/sh\nexport MSI_ENDPOINT='${emu.managedIdentity.env("cloudShell").MSI_ENDPOINT}'\nexec ${AZ} "$@"\n`);
    chmodSync(join(binDir, "az"), 0o755);
    if (unavailable !== undefined) return;
    configDir = az.freshConfig();
    await az.registerCloud(configDir);
    login = await az.run(configDir, ["login", "--identity", "--allow-no-subscriptions", "--output", "json"], emu.managedIdentity.env("cloudShell"));
  });
  after(async () => {
    await arm?.close();
    await emu?.stop();
    rmSync(files, { recursive: true, force: true });
  });

  const skip = () => (process.env.CI ? undefined : unavailable);
  const ensureSignedIn = () => {
    assert.equal(unavailable, undefined, unavailable);
    assert.equal(login?.code, 0, login?.stderr);
  };

  results.case(
    "az login --identity (Cloud Shell MSI_ENDPOINT), then az account get-access-token",
    async () => {
      ensureSignedIn();
      const [account] = JSON.parse(login!.stdout) as Array<{ environmentName: string; tenantId: string; user: Record<string, string> }>;
      assert.equal(account!.environmentName, CLOUD);
      assert.equal(account!.tenantId, DEFAULT_TENANT_ID);
      assert.deepEqual(account!.user, { assignedIdentityInfo: "MSI", name: "systemAssignedIdentity", type: "servicePrincipal" });
      const before = emu.requests.length;
      tokenOutput = await az.run(configDir, TOKEN_ARGS, emu.managedIdentity.env("cloudShell"));
      assert.equal(tokenOutput.code, 0, tokenOutput.stderr);
      const body = JSON.parse(tokenOutput.stdout) as Record<string, string>;
      // az 2.45's shape: no expires_on yet (2.54 added it), expiresOn in local time.
      assert.deepEqual(Object.keys(body), ["accessToken", "expiresOn", "subscription", "tenant", "tokenType"]);
      const { payload } = emu.decodeToken(body.accessToken!);
      assert.equal(payload.aud, "https://storage.azure.com");
      assert.equal(payload.appid, DEFAULT_SYSTEM_IDENTITY_CLIENT_ID);
      // az 2.45 asks the host twice per command: when it builds its MSI credential and when it reads the token.
      const served = emu.requests.slice(before);
      assert.ok(served.length >= 1);
      assert.deepEqual(new Set(served.map((r) => `${r.route} ${r.status} ${r.form?.resource}`)), new Set(["cloudShell 200 https://storage.azure.com"]));
    },
    skip,
  );

  results.case(
    "fake az's get-access-token JSON has the real az's layout (values aside)",
    async () => {
      ensureSignedIn();
      assert.equal(tokenOutput?.code, 0, "the previous case's real output");
      const fake = await promisify(execFile)(process.execPath, [FAKE_AZ, ...TOKEN_ARGS], { env: { ...process.env, AZID_FAKE_AZ: "old-format" } });
      // Each value replaced by its shape: a JWT, a local time with microseconds, a GUID.
      const shape = (text: string) =>
        text
          .replace(/"eyJ[\w-]+\.[\w-]+\.[\w-]+"/g, '"<jwt>"')
          .replace(/"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}"/g, '"<local time>"')
          .replace(/"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/g, '"<guid>"');
      assert.ok(shape(tokenOutput!.stdout).includes('"accessToken": "<jwt>"'), "the real output has a JWT");
      assert.equal(shape(fake.stdout), shape(tokenOutput!.stdout));
      assert.equal(fake.stderr, tokenOutput!.stderr);
    },
    skip,
  );

  async function azidOnRealAz(kind: "cli" | "default") {
    ensureSignedIn();
    const before = emu.requests.length;
    const result = await runInLoopbackNamespace(process.execPath, [CHILD, kind], {
      ports: az.ports,
      cwd: REPO_ROOT, // where NODE_OPTIONS' `--import tsx` resolves
      env: {
        ...az.env(configDir),
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
    assert.ok(
      Math.abs(output.expiresOnTimestamp! - (payload.exp as number) * 1000) < 2000,
      `expiresOnTimestamp ${output.expiresOnTimestamp} vs exp ${payload.exp}`,
    );
    // Only az's own requests (python-requests) reached the emulator: azid itself asked no host.
    const sent = emu.requests.slice(before);
    assert.ok(sent.length >= 1);
    assert.deepEqual(
      new Set(sent.map((r) => `${r.route} ${r.status} ${/^python-requests\//.test(r.headers["user-agent"] ?? "")}`)),
      new Set(["cloudShell 200 true"]),
    );
  }

  results.case("azid AzureCliCredential running the real az", () => azidOnRealAz("cli"), skip);
  results.case("azid DefaultAzureCredential reaching the real az", () => azidOnRealAz("default"), skip);
});
