// AzureDeveloperCliCredential against the fake `azd` (test/fixtures/tools).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AuthenticationError, AzureDeveloperCliCredential, CredentialUnavailableError } from "../../src/index.js";
import { decodePayload, OTHER_TENANT, STORAGE, TENANT, toolLifecycleTests, useFakeTools } from "../support/toolHarness.js";
import { rejection } from "../support/assertions.js";

const GRAPH = "https://graph.microsoft.com/User.Read";
const tools = useFakeTools();

describe("AzureDeveloperCliCredential: the command", () => {
  it("runs `azd auth token --output json --no-prompt --scope <s>` from / and reads {token, expiresOn}", async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await new AzureDeveloperCliCredential().getToken(STORAGE);
    const [run, ...more] = tools.runs();
    assert.equal(more.length, 0);
    assert.deepEqual(run!.argv, ["auth", "token", "--output", "json", "--no-prompt", "--scope", STORAGE]);
    assert.equal(run!.cwd, "/");
    assert.equal(decodePayload(token.token).aud, "https://storage.azure.com");
    const seconds = token.expiresOnTimestamp / 1000;
    assert.ok(Number.isInteger(seconds) && seconds >= before + 3600 && seconds <= before + 3602, String(seconds));
  });

  it("passes every scope, each with its own --scope", async () => {
    const token = await new AzureDeveloperCliCredential().getToken([GRAPH, "https://graph.microsoft.com/Mail.Read"]);
    assert.deepEqual(tools.runs()[0]!.argv.slice(5), ["--scope", GRAPH, "--scope", "https://graph.microsoft.com/Mail.Read"]);
    assert.equal(decodePayload(token.token).scp, `${GRAPH} https://graph.microsoft.com/Mail.Read`);
  });

  it("passes the tenant with --tenant-id; per-request tenants need additionallyAllowedTenants", async () => {
    await new AzureDeveloperCliCredential({ tenantId: TENANT }).getToken(STORAGE);
    assert.deepEqual(tools.runs()[0]!.argv.slice(-2), ["--tenant-id", TENANT]);

    const refused = await rejection(new AzureDeveloperCliCredential({ tenantId: TENANT }).getToken(STORAGE, { tenantId: OTHER_TENANT }));
    assert.ok(refused instanceof CredentialUnavailableError);
    assert.equal(tools.runs().length, 1);

    const token = await new AzureDeveloperCliCredential({ tenantId: TENANT, additionallyAllowedTenants: [OTHER_TENANT] }).getToken(STORAGE, {
      tenantId: OTHER_TENANT,
    });
    assert.deepEqual(tools.runs()[1]!.argv.slice(-2), ["--tenant-id", OTHER_TENANT]);
    assert.equal(decodePayload(token.token).tid, OTHER_TENANT);
  });

  it("forwards a claims challenge as --claims <base64>, bypassing the cache", async () => {
    const credential = new AzureDeveloperCliCredential();
    await credential.getToken(STORAGE);
    const claims = '{"access_token":{"nbf":{"essential":true,"value":"1714572192"}}}';
    await credential.getToken(STORAGE, { claims });
    const runs = tools.runs();
    assert.equal(runs.length, 2, "a claims challenge is never answered from the cache");
    assert.deepEqual(runs[1]!.argv.slice(-2), ["--claims", Buffer.from(claims).toString("base64")]);
  });
});

describe("AzureDeveloperCliCredential: failures and their fixes", () => {
  const cases: Array<{ scenario: string; type: Function; message: RegExp[] }> = [
    {
      scenario: "not-logged-in",
      type: CredentialUnavailableError,
      message: [
        /^Please run 'azd auth login' from a command prompt to authenticate before using this credential\. See azid's docs\/troubleshooting\.md#azd-login\.$/,
      ],
    },
    { scenario: "not-logged-in-text", type: CredentialUnavailableError, message: [/^Please run 'azd auth login'/] },
    {
      scenario: "reauth",
      type: CredentialUnavailableError,
      message: [
        /^Azure Developer CLI needs you to sign in again \(AADSTS50076\)\. To fix it, run:\n {2}azd auth login --scope https:\/\/storage\.azure\.com\/\.default\n/,
        /multi-factor/,
      ],
    },
    {
      scenario: "login-expired",
      type: CredentialUnavailableError,
      message: [/azd auth login --scope https:\/\/storage\.azure\.com\/\.default/, /AADSTS70043/],
    },
    { scenario: "error", type: AuthenticationError, message: [/AADSTS70011/, /failed to authenticate/] },
    { scenario: "garbage", type: CredentialUnavailableError, message: [/did not print JSON/] },
  ];
  for (const { scenario, type, message } of cases) {
    it(`${scenario} → ${type.name}`, async () => {
      tools.setEnv({ AZID_FAKE_AZD: scenario });
      const error = await rejection(new AzureDeveloperCliCredential().getToken(STORAGE));
      assert.ok(error instanceof type, `${error.name}: ${error.message}`);
      for (const pattern of message) assert.match(error.message, pattern);
      assert.doesNotMatch(error.message, /"type":"consoleMessage"/, "azd's JSON envelope is unwrapped");
      assert.equal(tools.runs().length, 1);
    });
  }

  it("AuthenticationError carries the AADSTS code", async () => {
    tools.setEnv({ AZID_FAKE_AZD: "error" });
    const error = await rejection(new AzureDeveloperCliCredential().getToken(STORAGE));
    assert.ok(error instanceof AuthenticationError);
    assert.equal(error.aadstsCode, 70011);
  });

  it("azd missing from PATH → 'couldn't be found' with the troubleshooting link, nothing spawned", async () => {
    tools.hideTools();
    const error = await rejection(new AzureDeveloperCliCredential().getToken(STORAGE));
    assert.ok(error instanceof CredentialUnavailableError);
    assert.match(error.message, /^Azure Developer CLI couldn't be found\. .*See azid's docs\/troubleshooting\.md#tool-not-installed\.$/);
    assert.equal(tools.runs().length, 0);
  });
});

describe("AzureDeveloperCliCredential: deadlines, abort, single flight, cache, logs", () => {
  toolLifecycleTests(tools, {
    tool: "azd",
    fakeVariable: "AZID_FAKE_AZD",
    create: (options) => new AzureDeveloperCliCredential(options),
    timeoutMessage:
      /^Azure Developer CLI timed out: 'azd auth token --output json --no-prompt --scope https:\/\/storage\.azure\.com\/\.default' did not finish within 1200 ms/,
    scope: GRAPH,
    logLine: "AzureDeveloperCliCredential => running: azd auth token --output json --no-prompt --scope https://storage.azure.com/.default",
  });
});
