// AzurePowerShellCredential against the fake `pwsh` (test/fixtures/tools).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AzurePowerShellCredential, CredentialUnavailableError } from "../../src/index.js";
import { POWERSHELL_SCRIPT } from "../../src/sources/developerTools/azurePowerShell.js";
import { decodePayload, OTHER_TENANT, STORAGE, TENANT, toolLifecycleTests, useFakeTools } from "../support/toolHarness.js";
import { rejection } from "../support/assertions.js";

const tools = useFakeTools();

describe("AzurePowerShellCredential: the command", () => {
  it("runs `pwsh -NoProfile -NonInteractive -Command <constant script>` with the resource as data", async () => {
    const token = await new AzurePowerShellCredential().getToken(STORAGE);
    const [run, ...more] = tools.runs();
    assert.equal(more.length, 0);
    assert.deepEqual(run!.argv, ["-NoProfile", "-NonInteractive", "-Command", POWERSHELL_SCRIPT]);
    assert.equal(run!.cwd, "/");
    assert.deepEqual(run!.env, { AZID_POWERSHELL_RESOURCE: "https://storage.azure.com", AZID_POWERSHELL_TENANT_ID: "" });
    assert.equal(decodePayload(token.token).aud, "https://storage.azure.com");
    assert.equal(token.expiresOnTimestamp, (decodePayload(token.token).exp as number) * 1000);
  });

  it("the script is constant: no request value, no double quote, Get-AzAccessToken with SecureString handling", () => {
    assert.doesNotMatch(POWERSHELL_SCRIPT, /"/);
    assert.match(POWERSHELL_SCRIPT, /Import-Module Az\.Accounts -MinimumVersion 2\.2\.0/);
    assert.match(POWERSHELL_SCRIPT, /Get-AzAccessToken @params/);
    assert.match(POWERSHELL_SCRIPT, /AsSecureString/);
    assert.match(POWERSHELL_SCRIPT, /\[System\.Security\.SecureString\]/);
  });

  it("accepts an ISO 8601 ExpiresOn and ignores warnings around the JSON line", async () => {
    tools.setEnv({ AZID_FAKE_PWSH: "ok-iso" });
    const iso = await new AzurePowerShellCredential().getToken(STORAGE);
    assert.equal(iso.expiresOnTimestamp, (decodePayload(iso.token).exp as number) * 1000);
    tools.setEnv({ AZID_FAKE_PWSH: "warning" });
    const warned = await new AzurePowerShellCredential().getToken("https://vault.azure.net/.default");
    assert.equal(decodePayload(warned.token).aud, "https://vault.azure.net");
  });

  it("passes the tenant as data; per-request tenants need additionallyAllowedTenants", async () => {
    await new AzurePowerShellCredential({ tenantId: TENANT }).getToken(STORAGE);
    assert.equal(tools.runs()[0]!.env!.AZID_POWERSHELL_TENANT_ID, TENANT);
    const refused = await rejection(new AzurePowerShellCredential({ tenantId: TENANT }).getToken(STORAGE, { tenantId: OTHER_TENANT }));
    assert.ok(refused instanceof CredentialUnavailableError);
    const token = await new AzurePowerShellCredential({ tenantId: TENANT, additionallyAllowedTenants: ["*"] }).getToken(STORAGE, { tenantId: OTHER_TENANT });
    assert.equal(tools.runs()[1]!.env!.AZID_POWERSHELL_TENANT_ID, OTHER_TENANT);
    assert.equal(decodePayload(token.token).tid, OTHER_TENANT);
  });

  it("a claims challenge is refused with the Connect-AzAccount command, before any process", async () => {
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
    const error = await rejection(new AzurePowerShellCredential().getToken(STORAGE, { claims, tenantId: TENANT }));
    assert.ok(error instanceof CredentialUnavailableError);
    assert.equal(
      error.message,
      `This credential doesn't support claims challenges. To authenticate with the required claims, please run the following command: Connect-AzAccount -ClaimsChallenge ${Buffer.from(claims).toString("base64")} -Tenant ${TENANT}`,
    );
    assert.equal(tools.runs().length, 0);
  });
});

describe("AzurePowerShellCredential: failures and their fixes", () => {
  const cases: Array<{ scenario: string; message: RegExp }> = [
    { scenario: "not-logged-in", message: /^Please run 'Connect-AzAccount' from PowerShell to authenticate before using this credential\.$/ },
    {
      scenario: "no-module",
      message:
        /^The 'Az\.Account' module >= 2\.2\.0 is not installed\. Install the Azure Az PowerShell module with: "Install-Module -Name Az -Scope CurrentUser -Repository PSGallery -Force"\.$/,
    },
    { scenario: "execution-policy", message: /execution policy.*Set-ExecutionPolicy -ExecutionPolicy RemoteSigned -Scope CurrentUser/ },
    { scenario: "error", message: /AADSTS7000215.*See azid's docs\/troubleshooting\.md#azurepowershellcredential\.$/ },
    { scenario: "garbage", message: /^No access token found in the output of PowerShell/ },
  ];
  for (const { scenario, message } of cases) {
    it(`${scenario} → CredentialUnavailableError`, async () => {
      tools.setEnv({ AZID_FAKE_PWSH: scenario });
      const error = await rejection(new AzurePowerShellCredential().getToken(STORAGE));
      assert.ok(error instanceof CredentialUnavailableError, `${error.name}: ${error.message}`);
      assert.match(error.message, message);
      assert.equal(tools.runs().length, 1);
    });
  }

  it("pwsh missing from PATH → 'Unable to execute PowerShell', nothing spawned", async () => {
    tools.hideTools();
    const error = await rejection(new AzurePowerShellCredential().getToken(STORAGE));
    assert.ok(error instanceof CredentialUnavailableError);
    assert.match(error.message, /^Unable to execute PowerShell\. Ensure that it is installed/);
    assert.equal(tools.runs().length, 0);
  });
});

describe("AzurePowerShellCredential: deadlines, abort, single flight, cache, logs", () => {
  toolLifecycleTests(tools, {
    tool: "pwsh",
    fakeVariable: "AZID_FAKE_PWSH",
    create: (options) => new AzurePowerShellCredential(options),
    timeoutMessage:
      /^Azure PowerShell timed out: 'pwsh -NoProfile -NonInteractive -Command <Get-AzAccessToken script> \(ResourceUrl=https:\/\/storage\.azure\.com\)'/,
    scope: STORAGE,
    logLine:
      "AzurePowerShellCredential => running: pwsh -NoProfile -NonInteractive -Command <Get-AzAccessToken script> (ResourceUrl=https://storage.azure.com)",
  });
});
