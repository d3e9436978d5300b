// What the real Azure CLI (Debian's azure-cli 2.45) can't do against the emulator, proven, and the
// fake az (packages/identity/test/fixtures/tools/fakeTool.mjs) compared byte for byte with the real
// one where the real one answers without a network. Runs in a loopback-only network namespace.
import { after, before, describe } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID } from "@azid/emulator";
import { startTestEmulator, tempDir } from "../support/client.js";
import { AzureCliRunner, azureCliUnavailable, azureCliVersion, startResourceManagerStandIn } from "./support/azureCli.js";
import { lastJsonLine, runInLoopbackNamespace } from "./support/loopbackBridge.js";
import { clientResults } from "./support/results.js";

const FAKE_AZ = fileURLToPath(new URL("../../../identity/test/fixtures/tools/az", import.meta.url));
const CHILD = fileURLToPath(new URL("./support/azidOnRealAz.mjs", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

const results = clientResults("azure-cli-limits", "Azure CLI (Debian)");

describe("the real Azure CLI's limits against the emulator, and the fake az beside it", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  let arm: Awaited<ReturnType<typeof startResourceManagerStandIn>>;
  let az: AzureCliRunner;
  let unavailable: string | undefined;
  let registered: Error | undefined;
  const files = tempDir("azure-cli-limits");
  let configDir = "";

  before(async () => {
    unavailable = await azureCliUnavailable();
    const version = await azureCliVersion();
    if (version !== undefined) results.client = `Azure CLI ${version} (Debian)`;
    emu = await startTestEmulator({ recordSecrets: true });
    arm = await startResourceManagerStandIn(emu);
    az = new AzureCliRunner(emu, arm.url, files);
    if (unavailable !== undefined) return;
    // One directory for every case: a cloud registered at the emulator, nobody signed in.
    configDir = az.freshConfig();
    await az.registerCloud(configDir).catch((error: Error) => (registered = error));
  });
  after(async () => {
    await arm?.close();
    await emu?.stop();
    rmSync(files, { recursive: true, force: true });
  });

  const skip = () => (process.env.CI ? undefined : unavailable);
  const ensureReady = () => {
    assert.equal(unavailable, undefined, unavailable);
    if (registered) throw registered;
  };

  results.case(
    "az login --service-principal, cloud registered at the emulator",
    async () => {
      ensureReady();
      const before = emu.requests.length;
      const login = await az.run(configDir, [
        "login",
        "--service-principal",
        "--username",
        DEFAULT_CLIENT_ID,
        "--tenant",
        DEFAULT_TENANT_ID,
        "--password",
        DEFAULT_CLIENT_SECRET,
        "--allow-no-subscriptions",
      ]);
      assert.equal(login.code, 1);
      // az 2.45 builds its msal app without instance_discovery=False, so msal-python's Authority()
      // asks Microsoft's instance discovery about any host it doesn't know (dropping the port from
      // the question); in a namespace without DNS that can't even resolve. If a later az turns
      // discovery off, this fails: then sign in with the service principal for real.
      const authorize = encodeURIComponent(`https://127.0.0.1/${DEFAULT_TENANT_ID}/oauth2/v2.0/authorize`);
      assert.ok(
        login.stderr.includes(
          `HTTPSConnectionPool(host='login.microsoftonline.com', port=443): Max retries exceeded with url: /common/discovery/instance?authorization_endpoint=${authorize}&api-version=1.0`,
        ),
        login.stderr,
      );
      assert.ok(login.stderr.includes("msal/authority.py"), "the failure is inside msal's authority validation");
      assert.deepEqual(emu.requests.slice(before), [], "nothing reached the emulator");
      assert.ok(!login.stderr.includes(DEFAULT_CLIENT_SECRET), "az did not print the secret");
      return {
        result: "blocked",
        note: "az 2.45 can't turn off msal's instance discovery: ConnectionError to login.microsoftonline.com/common/discovery/instance before any request to the emulator",
      };
    },
    skip,
  );

  results.case(
    "azid AzureCliCredential on the real az, nobody signed in: CredentialUnavailableError",
    async () => {
      ensureReady();
      const result = await runInLoopbackNamespace(process.execPath, [CHILD, "cli"], {
        ports: az.ports,
        cwd: REPO_ROOT, // where NODE_OPTIONS' `--import tsx` resolves
        env: { ...az.env(configDir), NODE_OPTIONS: process.env.NODE_OPTIONS ?? "", AZID_TEST_SCOPE: "https://storage.azure.com/.default" },
        timeoutMs: 90_000,
      });
      const output = lastJsonLine<{ token?: string; error?: { name: string; message: string } }>(result);
      // Unavailable, not failed: a chain moves on to the next credential.
      assert.equal(output.error?.name, "CredentialUnavailableError", output.error?.message);
      assert.match(output.error?.message ?? "", /az login/);
    },
    skip,
  );

  // Answers of the fake az that the real one also gives offline, compared byte for byte.
  const comparisons: Array<{ name: string; args: string[]; fakeScenario: string }> = [
    {
      name: "not signed in",
      args: ["account", "get-access-token", "--output", "json", "--resource", "https://management.core.windows.net/"],
      fakeScenario: "not-logged-in",
    },
    {
      name: "--tenant with --subscription",
      args: [
        "account",
        "get-access-token",
        "--output",
        "json",
        "--resource",
        "https://management.core.windows.net/",
        "--tenant",
        DEFAULT_TENANT_ID,
        "--subscription",
        "00000000-0000-0000-0000-0000000000aa",
      ],
      fakeScenario: "ok",
    },
    {
      name: "unrecognized arguments, with the error's offline tail",
      args: ["account", "get-access-token", "--output", "json", "--resource", "https://management.core.windows.net/", "--bogus", "x"],
      fakeScenario: "ok",
    },
  ];
  for (const { name, args, fakeScenario } of comparisons) {
    results.case(
      `fake az matches the real az byte for byte: ${name}`,
      async () => {
        ensureReady();
        const real = await az.run(configDir, args);
        const fake = await promisify(execFile)(process.execPath, [FAKE_AZ, ...args], { env: { ...process.env, AZID_FAKE_AZ: fakeScenario } }).then(
          (ok) => ({ code: 0, stdout: ok.stdout, stderr: ok.stderr }),
          (failed: { code: number; stdout: string; stderr: string }) => ({ code: failed.code, stdout: failed.stdout, stderr: failed.stderr }),
        );
        assert.ok(real.code !== 0, "the real az refused");
        assert.deepEqual(fake, { code: real.code, stdout: real.stdout, stderr: real.stderr });
      },
      skip,
    );
  }
});
