// AzureCliCredential against the fake `az` (test/fixtures/tools): exact argv, both expiry formats,
// tenants, subscription, every failure and its fix, timeouts, abort, single-flight and the cache.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AuthenticationError,
  AzureCliCredential,
  AzureDeveloperCliCredential,
  AzurePowerShellCredential,
  CredentialUnavailableError,
} from "../../src/index.js";
import { parseAzureCliLocalTime } from "../../src/sources/developerTools/azureCli.js";
import { ToolTimeoutError } from "../../src/sources/developerTools/runTool.js";
import { captureLogs } from "../support/emulator.js";
import { decodePayload, isAlive, OTHER_TENANT, STORAGE, TENANT, useFakeTools, waitUntil } from "../support/toolHarness.js";
import { rejection, settledThisTurn, STILL_PENDING } from "../support/assertions.js";

const tools = useFakeTools();

describe("AzureCliCredential: the command", () => {
  it("runs `az account get-access-token --output json --resource <resource>` from /, and returns az's token", async () => {
    const token = await new AzureCliCredential().getToken(STORAGE);
    const [run, ...more] = tools.runs();
    assert.equal(more.length, 0);
    assert.deepEqual(run!.argv, ["account", "get-access-token", "--output", "json", "--resource", "https://storage.azure.com"]);
    assert.equal(run!.cwd, "/");
    assert.equal(decodePayload(token.token).aud, "https://storage.azure.com");
    assert.equal(token.tokenType, "Bearer");
  });

  it("uses expires_on (epoch seconds) when az prints it", async () => {
    tools.setEnv({ AZID_FAKE_EXPIRES_IN: "4000" });
    const before = Math.floor(Date.now() / 1000);
    const token = await new AzureCliCredential().getToken(STORAGE);
    const seconds = token.expiresOnTimestamp / 1000;
    assert.ok(Number.isInteger(seconds) && seconds >= before + 4000 && seconds <= before + 4002, `expires ${seconds}`);
  });

  it("falls back to expiresOn, read as the local time of az (old az, no expires_on), in any time zone", async () => {
    for (const tz of ["Asia/Kolkata", "America/Los_Angeles", "UTC"]) {
      tools.setEnv({ AZID_FAKE_AZ: "old-format", TZ: tz });
      const token = await new AzureCliCredential().getToken(`https://${tz.replace(/\W/g, "").toLowerCase()}.example/.default`);
      const exp = decodePayload(token.token).exp as number;
      assert.ok(Math.abs(token.expiresOnTimestamp - exp * 1000) <= 1000, `${tz}: ${token.expiresOnTimestamp} vs ${exp * 1000}`);
    }
  });

  it("parses 'YYYY-MM-DD HH:MM:SS.ffffff' as local time, and only that or RFC 3339 with a zone", () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = "America/New_York";
      assert.equal(parseAzureCliLocalTime("2024-05-01 14:03:12.500000"), Date.UTC(2024, 4, 1, 18, 3, 12, 500));
      process.env.TZ = "Asia/Tokyo";
      assert.equal(parseAzureCliLocalTime("2024-05-01 14:03:12.000000"), Date.UTC(2024, 4, 1, 5, 3, 12));
      assert.equal(parseAzureCliLocalTime("2024-05-01T14:03:12Z"), Date.UTC(2024, 4, 1, 14, 3, 12));
      for (const bad of ["2024-02-30 10:00:00.000000", "tomorrow", "2024-05-01", 1714572192, "2024-05-01 14:03"])
        assert.equal(parseAzureCliLocalTime(bad), undefined, String(bad));
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it("passes the configured tenant with --tenant", async () => {
    const token = await new AzureCliCredential({ tenantId: TENANT }).getToken(STORAGE);
    assert.deepEqual(tools.runs()[0]!.argv.slice(-2), ["--tenant", TENANT]);
    assert.equal(decodePayload(token.token).tid, TENANT);
  });

  it("honours a per-request tenant only when additionallyAllowedTenants allows it", async () => {
    const strict = new AzureCliCredential({ tenantId: TENANT });
    const refused = await rejection(strict.getToken(STORAGE, { tenantId: OTHER_TENANT }));
    assert.ok(refused instanceof CredentialUnavailableError);
    assert.match(refused.message, /additionallyAllowedTenants/);
    assert.equal(tools.runs().length, 0, "refused before any process");

    const allowed = new AzureCliCredential({ tenantId: TENANT, additionallyAllowedTenants: [OTHER_TENANT] });
    const token = await allowed.getToken(STORAGE, { tenantId: OTHER_TENANT });
    assert.equal(decodePayload(token.token).tid, OTHER_TENANT);
    assert.deepEqual(tools.runs()[0]!.argv.slice(-2), ["--tenant", OTHER_TENANT]);

    await new AzureCliCredential({ tenantId: TENANT, additionallyAllowedTenants: ["*"] }).getToken("https://vault.azure.net/.default", {
      tenantId: "contoso.onmicrosoft.com",
    });
    assert.deepEqual(tools.runs()[1]!.argv.slice(-2), ["--tenant", "contoso.onmicrosoft.com"]);
  });

  it("without a configured tenant, a per-request tenant is used as is", async () => {
    await new AzureCliCredential().getToken(STORAGE, { tenantId: OTHER_TENANT });
    assert.deepEqual(tools.runs()[0]!.argv.slice(-2), ["--tenant", OTHER_TENANT]);
  });

  it("passes a subscription name with spaces as one argument, and caches per subscription", async () => {
    const token = await new AzureCliCredential({ subscription: "My Dev Sub" }).getToken(STORAGE);
    assert.deepEqual(tools.runs()[0]!.argv.slice(-2), ["--subscription", "My Dev Sub"]);
    assert.ok(token.token.length > 0);
    await new AzureCliCredential({ subscription: "My Dev Sub" }).getToken(STORAGE);
    assert.equal(tools.runs().length, 1, "same subscription: cache hit");
    await new AzureCliCredential({ subscription: "Other" }).getToken(STORAGE);
    await new AzureCliCredential().getToken(STORAGE);
    assert.equal(tools.runs().length, 3, "another subscription (or none) is another identity");
  });

  it("a subscription together with a tenant reaches az, whose refusal is an AuthenticationError", async () => {
    const error = await rejection(new AzureCliCredential({ tenantId: TENANT, subscription: "Sub" }).getToken(STORAGE));
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.equal(error.errorResponse.error, "azure_cli_error");
    assert.match(error.message, /Please specify only one of subscription and tenant, not both/);
    assert.deepEqual(tools.runs()[0]!.argv.slice(6), ["--tenant", TENANT, "--subscription", "Sub"]);
  });
});

describe("AzureCliCredential: failures and their fixes", () => {
  const cases: Array<{ scenario: string; type: Function; message: RegExp[] }> = [
    {
      scenario: "not-logged-in",
      type: CredentialUnavailableError,
      message: [/^Please run 'az login' from a command prompt to authenticate before using this credential\.$/],
    },
    { scenario: "no-subscription", type: CredentialUnavailableError, message: [/no subscription selected/, /az account set --subscription/] },
    {
      scenario: "mfa",
      type: CredentialUnavailableError,
      message: [
        /sign in again \(AADSTS50076\)/,
        /\n {2}az logout\n {2}az login --tenant "72f988bf-86f1-41af-91ab-2d7cd011db47" --scope "https:\/\/storage\.azure\.com\/\.default"/,
        /multi-factor authentication/,
      ],
    },
    { scenario: "expired", type: CredentialUnavailableError, message: [/AADSTS70043/, /\n {2}az login --scope https:\/\/storage\.azure\.com\/\.default/] },
    { scenario: "error", type: AuthenticationError, message: [/Subscription 'unknown' not found/, /exit code 1/] },
    { scenario: "garbage", type: CredentialUnavailableError, message: [/did not print JSON/] },
  ];
  for (const { scenario, type, message } of cases) {
    it(`${scenario} → ${type.name}`, async () => {
      tools.setEnv({ AZID_FAKE_AZ: scenario });
      const error = await rejection(new AzureCliCredential().getToken(STORAGE));
      assert.ok(error instanceof type, `${error.name}: ${error.message}`);
      for (const pattern of message) assert.match(error.message, pattern);
      assert.equal(tools.runs().length, 1);
    });
  }

  it("az missing from PATH → 'not installed' with the install link, nothing spawned", async () => {
    tools.hideTools();
    const error = await rejection(new AzureCliCredential().getToken(STORAGE));
    assert.ok(error instanceof CredentialUnavailableError);
    assert.match(error.message, /^Azure CLI could not be found\. Please visit https:\/\/aka\.ms\/azure-cli/);
    assert.equal(tools.runs().length, 0);
  });

  it("a claims challenge is refused with the az login command to run, before any process", async () => {
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
    const error = await rejection(new AzureCliCredential({ tenantId: TENANT }).getToken(STORAGE, { claims }));
    assert.ok(error instanceof CredentialUnavailableError);
    assert.equal(
      error.message,
      "This credential doesn't support claims challenges. To authenticate with the required claims, please run the following command: " +
        `az login --claims-challenge ${Buffer.from(claims).toString("base64")} --scope ${STORAGE} --tenant ${TENANT} (requires Azure CLI 2.76.0 or later)`,
    );
    assert.equal(tools.runs().length, 0);
  });

  it("tokens az leaks on stderr are redacted from the error", async () => {
    tools.setEnv({ AZID_FAKE_AZ: "secret-in-stderr" });
    const error = await rejection(new AzureCliCredential().getToken(STORAGE));
    assert.ok(error instanceof AuthenticationError);
    assert.doesNotMatch(error.message, /eyJ[\w-]+\.eyJ/);
    assert.match(error.message, /"accessToken": "\*\*\*\*"/);
  });

  it("rejects a bad processTimeoutInMs at construction", () => {
    for (const bad of [0, -1, NaN, Infinity, "10" as unknown as number]) {
      assert.throws(() => new AzureCliCredential({ processTimeoutInMs: bad }), RangeError);
    }
  });
});

describe("AzureCliCredential: deadlines, abort, single flight, cache, logs", () => {
  it("kills az (and its process group) at processTimeoutInMs with a typed error naming the command", async () => {
    tools.setEnv({ AZID_FAKE_AZ: "hang" });
    const started = Date.now();
    const error = await rejection(new AzureCliCredential({ processTimeoutInMs: 1500 }).getToken(STORAGE));
    const elapsed = Date.now() - started;
    assert.ok(error instanceof ToolTimeoutError && error instanceof CredentialUnavailableError, String(error));
    assert.equal(error.name, "CredentialUnavailableError");
    assert.equal(error.command, "az account get-access-token --output json --resource https://storage.azure.com");
    assert.equal(error.timeoutInMs, 1500);
    assert.match(error.message, /did not finish within 1500 ms/);
    // The fake hangs for ever: only the deadline ends it (timeoutInMs above is the configured value), and not early.
    assert.ok(elapsed >= 1400, `stopped after ${elapsed} ms, before the 1500 ms deadline`);
    assert.equal(tools.runs().length, 1, "one run, no retry");
    const [run] = tools.runs();
    assert.ok(run !== undefined, "the fake started");
    assert.equal(isAlive(run.pid), false, "az is gone");
    assert.ok(await waitUntil(() => !isAlive(run.grandchildPid!)), "what az started is gone too");
  });

  it("abort rejects at once and kills the process nobody else waits for", async () => {
    tools.setEnv({ AZID_FAKE_AZ: "hang" });
    const controller = new AbortController();
    const pending = new AzureCliCredential({ processTimeoutInMs: 20_000 }).getToken(STORAGE, { abortSignal: controller.signal });
    assert.ok(await waitUntil(() => tools.runs().length === 1, 5_000));
    controller.abort();
    // At once: the caller's rejection does not wait for the kill or the process's exit (no event-loop turn).
    const outcome = await settledThisTurn(pending);
    assert.ok(outcome !== STILL_PENDING && "error" in outcome, "rejected before the event loop's next turn");
    assert.equal((outcome.error as Error).name, "AbortError");
    const [run] = tools.runs();
    assert.ok(await waitUntil(() => !isAlive(run!.pid) && !isAlive(run!.grandchildPid!)), "process group killed");
  });

  it("one caller's abort does not kill the process another caller waits for", async () => {
    tools.setEnv({ AZID_FAKE_AZ: "slow", AZID_FAKE_DELAY_MS: "400" });
    const credential = new AzureCliCredential();
    const controller = new AbortController();
    const aborted = credential.getToken(STORAGE, { abortSignal: controller.signal });
    const patient = credential.getToken(STORAGE);
    controller.abort();
    assert.equal((await rejection(aborted)).name, "AbortError");
    const token = await patient;
    assert.ok(token.token.length > 0);
    assert.equal(tools.runs().length, 1);
  });

  it("an already-aborted signal starts nothing", async () => {
    const error = await rejection(new AzureCliCredential().getToken(STORAGE, { abortSignal: AbortSignal.abort() }));
    assert.equal(error.name, "AbortError");
    assert.equal(tools.runs().length, 0);
  });

  it("50 concurrent getToken calls run az once; the next call is a cache hit", async () => {
    tools.setEnv({ AZID_FAKE_AZ: "slow", AZID_FAKE_DELAY_MS: "200" });
    const credential = new AzureCliCredential();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => credential.getToken(STORAGE)));
    assert.equal(new Set(tokens.map((t) => t.token)).size, 1);
    assert.equal(tools.runs().length, 1);
    const again = await new AzureCliCredential().getToken(STORAGE);
    assert.equal(again.token, tokens[0]!.token);
    assert.equal(tools.runs().length, 1, "cached: nothing spawned");
  });

  it("logs the command at info, never the token; errors never carry it either", async () => {
    const { lines, result } = await captureLogs(() => new AzureCliCredential().getToken(STORAGE));
    assert.ok(result !== undefined);
    assert.ok(
      lines.some((l) => l.includes("AzureCliCredential => running: az account get-access-token --output json --resource https://storage.azure.com")),
      lines.join("\n"),
    );
    const payload = result.token.split(".")[1]!;
    for (const line of lines) assert.ok(!line.includes(payload), line);
  });
});

describe("loggingOptions on the developer-tool credentials (az, azd, pwsh)", () => {
  it("allowLoggingAccountIdentifiers logs the [Authenticated account] line for the tool's token (an azid extension: @azure/identity logs none here)", async () => {
    const loggingOptions = { allowLoggingAccountIdentifiers: true, enableUnsafeSupportLogging: true };
    const credentials = [
      new AzureCliCredential({ loggingOptions }),
      new AzureDeveloperCliCredential({ loggingOptions }),
      new AzurePowerShellCredential({ loggingOptions }),
    ];
    for (const [i, credential] of credentials.entries()) {
      const { lines, result } = await captureLogs(() => credential.getToken(`https://logging${i}.example/.default`));
      const name = credential.constructor.name;
      const account = lines.find((l) => l.includes("[Authenticated account]"));
      assert.equal(
        account,
        `azure:identity:info ${name} => [Authenticated account] Client ID: undefined. Tenant ID: ${String(decodePayload(result!.token).tid)}. User Principal Name: No User Principal Name available. Object ID (user): 11111111-2222-3333-4444-555555555555`,
        name,
      );
      assert.ok(
        lines.some((l) => l.includes("[Support]")),
        name,
      );
      for (const line of lines) assert.ok(!line.includes(result!.token.split(".")[1]!), line);
    }
    const { lines } = await captureLogs(() => new AzureCliCredential().getToken("https://logging-off.example/.default"));
    assert.ok(!lines.some((l) => l.includes("[Authenticated account]")));
  });
});
