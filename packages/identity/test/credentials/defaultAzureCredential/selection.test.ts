// Which credentials DefaultAzureCredential tries: AZURE_TOKEN_CREDENTIALS (dev, prod, each name,
// invalid values), the exclude* options, requiredEnvVars, and options checked at construction.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AggregateAuthenticationError,
  DefaultAzureCredential,
  diagnoseDefaultAzureCredential,
  type DefaultAzureCredentialOptions,
} from "../../../src/index.js";
import { dirname } from "node:path";
import { FAKE_TOOLS } from "../../support/toolHarness.js";
import { SIGNED_OUT, useBlackHole, useChainEnvironment } from "./chainEnvironment.js";

const STORAGE = "https://storage.azure.com/.default";
const tools = useChainEnvironment();
const blackHole = useBlackHole();

const ALL = [
  "EnvironmentCredential",
  "WorkloadIdentityCredential",
  "ManagedIdentityCredential",
  "SharedTokenCacheCredential",
  "VisualStudioCodeCredential",
  "AzureCliCredential",
  "AzurePowerShellCredential",
  "AzureDeveloperCliCredential",
  "InteractiveBrowserCredential",
];
const DEV = ["SharedTokenCacheCredential", "VisualStudioCodeCredential", "AzureCliCredential", "AzurePowerShellCredential", "AzureDeveloperCliCredential"];
const PROD = ["EnvironmentCredential", "WorkloadIdentityCredential", "ManagedIdentityCredential"];

/** The credentials the chain would try (through the same planner as the class). */
async function tried(options: DefaultAzureCredentialOptions = {}): Promise<string[]> {
  const report = await diagnoseDefaultAzureCredential({ ...options, scopes: STORAGE });
  return report.credentials.filter((c) => c.outcome !== "excluded").map((c) => c.name);
}

/** The credentials named in the error of a chain where nothing is available. */
async function triedByGetToken(options: DefaultAzureCredentialOptions = {}): Promise<string[]> {
  tools.hideTools();
  const error = await new DefaultAzureCredential(options).getToken(STORAGE).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof AggregateAuthenticationError, String(error));
  return error.message
    .split("\n")
    .filter((l) => l.startsWith("  "))
    .map((l) => l.trim().split(/\s+/)[0]!);
}

describe("AZURE_TOKEN_CREDENTIALS", () => {
  it("unset (or blank): the whole chain, the browser off by default", async () => {
    tools.hideTools();
    assert.deepEqual(
      await tried(),
      ALL.filter((n) => n !== "InteractiveBrowserCredential"),
    );
    assert.deepEqual(
      await triedByGetToken(),
      ALL.filter((n) => n !== "InteractiveBrowserCredential"),
    );
    tools.setEnv({ AZURE_TOKEN_CREDENTIALS: "  " });
    assert.deepEqual(
      await tried(),
      ALL.filter((n) => n !== "InteractiveBrowserCredential"),
    );
  });

  it("dev: developer tools only; IMDS is never probed", async () => {
    tools.setEnv({ AZURE_TOKEN_CREDENTIALS: "dev", AZURE_POD_IDENTITY_AUTHORITY_HOST: blackHole.url() });
    tools.hideTools();
    const connections = blackHole.connections();
    assert.deepEqual(await triedByGetToken(), DEV);
    assert.deepEqual(await tried(), DEV);
    assert.equal(blackHole.connections(), connections);
    const error = await new DefaultAzureCredential().getToken(STORAGE).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.match(error!.message, /Not tried: EnvironmentCredential \(AZURE_TOKEN_CREDENTIALS=dev selects developer tools only\)/);
  });

  it("dev with a signed-in az: a token from az in one process run", async () => {
    tools.setEnv({ AZURE_TOKEN_CREDENTIALS: "DEV" });
    const { credential } = await new DefaultAzureCredential().getTokenWithSource(STORAGE);
    assert.equal(credential.constructor.name, "AzureCliCredential");
    assert.deepEqual(
      tools.runs().map((r) => r.tool),
      ["az"],
    );
  });

  it("prod: Environment, WorkloadIdentity, ManagedIdentity only; signed-in tools are never run", async () => {
    tools.setEnv({ AZURE_TOKEN_CREDENTIALS: "prod" });
    assert.deepEqual(await triedByGetToken(), PROD);
    tools.setEnv({ PATH: [FAKE_TOOLS, dirname(process.execPath)].join(":") }); // signed-in fakes back on PATH
    assert.deepEqual(await tried(), PROD);
    assert.equal(tools.runs().length, 0);
  });

  for (const name of ALL) {
    it(`${name} (any case, trimmed): that credential alone`, async () => {
      tools.hideTools();
      tools.setEnv({ AZURE_TOKEN_CREDENTIALS: ` ${name.toUpperCase()} ` });
      assert.deepEqual(await tried(), [name]);
      tools.setEnv({ AZURE_TOKEN_CREDENTIALS: name.toLowerCase() });
      assert.deepEqual(await tried(), [name]);
    });
  }

  for (const value of ["developer", "AzureCli", "BrokerCredential", "dev,prod", "SharedTokenCache"]) {
    it(`'${value}': RangeError at construction listing the valid values`, () => {
      tools.setEnv({ AZURE_TOKEN_CREDENTIALS: value });
      assert.throws(
        () => new DefaultAzureCredential(),
        (e: Error) =>
          e instanceof RangeError &&
          e.message.includes(JSON.stringify(value)) &&
          /'dev'/.test(e.message) &&
          /'prod'/.test(e.message) &&
          ALL.every((n) => e.message.includes(n)),
      );
    });
  }
});

describe("exclude options", () => {
  for (const name of ALL.filter((n) => n !== "InteractiveBrowserCredential")) {
    const option = name === "VisualStudioCodeCredential" ? "excludeVisualStudioCodeCredential" : `exclude${name}`;
    it(`${option}: true leaves ${name} out`, async () => {
      tools.hideTools();
      const expected = ALL.filter((n) => n !== name && n !== "InteractiveBrowserCredential");
      assert.deepEqual(await triedByGetToken({ [option]: true }), expected);
    });
  }

  it("excludeManagedIdentityCredential: no IMDS probe at all", async () => {
    tools.setEnv({ AZURE_POD_IDENTITY_AUTHORITY_HOST: blackHole.url(), ...SIGNED_OUT });
    const connections = blackHole.connections();
    const started = Date.now();
    await new DefaultAzureCredential({ excludeManagedIdentityCredential: true }).getToken(STORAGE).catch(() => undefined);
    assert.equal(blackHole.connections(), connections);
    assert.ok(Date.now() - started < 900);
  });

  it("excludeInteractiveBrowserCredential: false turns the browser on, last in the chain", async () => {
    assert.deepEqual(await tried({ excludeInteractiveBrowserCredential: false }), ALL);
  });

  it("combine with AZURE_TOKEN_CREDENTIALS (both must allow a credential)", async () => {
    tools.hideTools();
    tools.setEnv({ AZURE_TOKEN_CREDENTIALS: "dev" });
    assert.deepEqual(
      await triedByGetToken({ excludeAzureCliCredential: true, excludeVisualStudioCodeCredential: true, excludeSharedTokenCacheCredential: true }),
      ["AzurePowerShellCredential", "AzureDeveloperCliCredential"],
    );
  });

  it("excluding everything, or a non-boolean: an error at construction", () => {
    tools.setEnv({ AZURE_TOKEN_CREDENTIALS: "AzureCliCredential" });
    assert.throws(
      () => new DefaultAzureCredential({ excludeAzureCliCredential: true }),
      (e: Error) => e instanceof RangeError && /every credential of the chain is excluded/.test(e.message),
    );
    assert.throws(
      () => new DefaultAzureCredential({ excludeAzureCliCredential: "yes" } as never),
      (e: Error) => e instanceof TypeError && /excludeAzureCliCredential must be a boolean/.test(e.message),
    );
  });
});

describe("requiredEnvVars and other options", () => {
  it("missing or empty required variables: an error at construction naming them", () => {
    assert.throws(
      () => new DefaultAzureCredential({ requiredEnvVars: ["AZURE_CLIENT_ID", "AZURE_TENANT_ID"] }),
      /Required environment variables 'AZURE_CLIENT_ID, AZURE_TENANT_ID' for DefaultAzureCredential are not set or empty/,
    );
    tools.setEnv({ AZURE_CLIENT_ID: "", AZURE_TENANT_ID: "t" });
    assert.throws(
      () => new DefaultAzureCredential({ requiredEnvVars: ["AZURE_CLIENT_ID", "AZURE_TENANT_ID"] }),
      /Required environment variable 'AZURE_CLIENT_ID' for DefaultAzureCredential is not set or empty/,
    );
    assert.throws(() => new DefaultAzureCredential({ requiredEnvVars: "AZURE_TOKEN_CREDENTIALS" }), /'AZURE_TOKEN_CREDENTIALS'/);
    tools.setEnv({ AZURE_CLIENT_ID: "c", AZURE_TOKEN_CREDENTIALS: "dev" });
    assert.ok(new DefaultAzureCredential({ requiredEnvVars: ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_TOKEN_CREDENTIALS"] }));
  });

  it("caller mistakes in options fail at construction", () => {
    assert.throws(() => new DefaultAzureCredential({ managedIdentityClientId: "a", managedIdentityResourceId: "b" } as never), TypeError);
    assert.throws(() => new DefaultAzureCredential({ tenantId: "bad tenant" }), RangeError);
    assert.throws(() => new DefaultAzureCredential({ processTimeoutInMs: -1 }), RangeError);
    assert.throws(() => new DefaultAzureCredential({ managedIdentityClientId: "" }), TypeError);
  });

  it("tenantId and processTimeoutInMs reach the developer tools", async () => {
    const tenant = "8a9b0c1d-2e3f-4a5b-8c7d-9e0f1a2b3c4d";
    tools.setEnv({ AZURE_TOKEN_CREDENTIALS: "dev" });
    await new DefaultAzureCredential({ tenantId: tenant }).getToken(STORAGE);
    assert.deepEqual(tools.runs()[0]!.argv.slice(-2), ["--tenant", tenant]);

    tools.setEnv({ AZID_FAKE_AZ: "slow", AZID_FAKE_DELAY_MS: "3000", AZID_FAKE_PWSH: "not-logged-in", AZID_FAKE_AZD: "not-logged-in" });
    const started = Date.now();
    const error = await new DefaultAzureCredential({ processTimeoutInMs: 300 }).getToken("https://vault.azure.net/.default").then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(error instanceof AggregateAuthenticationError, String(error));
    assert.match(error.message, /AzureCliCredential .*timed out.*Fix: raise processTimeoutInMs/);
    assert.ok(Date.now() - started < 2500);
  });
});
