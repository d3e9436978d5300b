// Which credentials DefaultAzureCredential tries: AZURE_TOKEN_CREDENTIALS (dev, prod, each name,
// invalid values), the exclude* options, requiredEnvVars, and options checked at construction.
// The default chain is @azure/identity 4.13's; Python's extra members are opt-in.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AggregateAuthenticationError,
  DefaultAzureCredential,
  diagnoseDefaultAzureCredential,
  type DefaultAzureCredentialOptions,
} from "../../../src/index.js";
import { dirname } from "node:path";
import { ToolTimeoutError } from "../../../src/sources/developerTools/runTool.js";
import { captureLogs } from "../../support/emulator.js";
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
/** @azure/identity 4.13.1's DefaultAzureCredential, in order (its BrokerCredential needs a WAM plugin azid doesn't have). */
const AZURE_IDENTITY = [
  "EnvironmentCredential",
  "WorkloadIdentityCredential",
  "ManagedIdentityCredential",
  "VisualStudioCodeCredential",
  "AzureCliCredential",
  "AzurePowerShellCredential",
  "AzureDeveloperCliCredential",
];
/** Python's members that @azure/identity does not have: off unless asked for. */
const OPT_IN = ["SharedTokenCacheCredential", "InteractiveBrowserCredential"];
const DEV = ["VisualStudioCodeCredential", "AzureCliCredential", "AzurePowerShellCredential", "AzureDeveloperCliCredential"];
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
  return listedAsTried(error);
}

/** The credentials an AggregateAuthenticationError lists as tried, in order. */
function listedAsTried(error: AggregateAuthenticationError): string[] {
  return error.message
    .split("\n")
    .filter((l) => l.startsWith("  "))
    .map((l) => l.trim().split(/\s+/)[0]!);
}

describe("AZURE_TOKEN_CREDENTIALS", () => {
  it("unset (or blank): @azure/identity's chain, in its order; the shared token cache and the browser off by default", async () => {
    tools.hideTools();
    assert.deepEqual(await tried(), AZURE_IDENTITY);
    assert.deepEqual(await triedByGetToken(), AZURE_IDENTITY);
    tools.setEnv({ AZURE_TOKEN_CREDENTIALS: "  " });
    assert.deepEqual(await tried(), AZURE_IDENTITY);
    const error = await new DefaultAzureCredential().getToken(STORAGE).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.doesNotMatch(error!.message, /Not tried/, "opt-in members are not reported as excluded");
  });

  it("the doctor shows Python's order beside azid's when they differ, and only azid's when they don't", async () => {
    tools.hideTools();
    const report = await diagnoseDefaultAzureCredential({ scopes: STORAGE });
    assert.deepEqual(report.order, { azid: AZURE_IDENTITY, python: ALL.filter((n) => n !== "InteractiveBrowserCredential") });
    const sharedCache = report.credentials.find((c) => c.name === "SharedTokenCacheCredential")!;
    assert.equal(sharedCache.outcome, "excluded");
    assert.match(sharedCache.excludedBecause!, /off by default, as in @azure\/identity .*excludeSharedTokenCacheCredential: false/);
    const optedIn = await diagnoseDefaultAzureCredential({ scopes: STORAGE, excludeSharedTokenCacheCredential: false });
    assert.deepEqual(optedIn.order, { azid: ALL.filter((n) => n !== "InteractiveBrowserCredential") });
    tools.setEnv({ AZURE_TOKEN_CREDENTIALS: "prod" });
    assert.deepEqual((await diagnoseDefaultAzureCredential({ scopes: STORAGE })).order, { azid: PROD });
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
  for (const name of AZURE_IDENTITY) {
    const option = `exclude${name}`;
    it(`${option}: true leaves ${name} out`, async () => {
      tools.hideTools();
      const expected = AZURE_IDENTITY.filter((n) => n !== name);
      assert.deepEqual(await triedByGetToken({ [option]: true }), expected);
    });
  }

  for (const name of OPT_IN) {
    it(`exclude${name}: true keeps ${name} out, and says so`, async () => {
      tools.hideTools();
      assert.deepEqual(await triedByGetToken({ [`exclude${name}`]: true }), AZURE_IDENTITY);
      const error = await new DefaultAzureCredential({ [`exclude${name}`]: true }).getToken(STORAGE).then(
        () => undefined,
        (e: Error) => e,
      );
      assert.match(error!.message, new RegExp(`Not tried: ${name} \\(exclude${name}: true\\)`));
    });
  }

  it("excludeManagedIdentityCredential: no IMDS probe at all", async () => {
    tools.setEnv({ AZURE_POD_IDENTITY_AUTHORITY_HOST: blackHole.url(), ...SIGNED_OUT });
    const connections = blackHole.connections();
    const { error, lines } = await captureLogs(() => new DefaultAzureCredential({ excludeManagedIdentityCredential: true }).getToken(STORAGE));
    assert.ok(error instanceof AggregateAuthenticationError, String(error));
    // The probe would connect to the black hole and wait out its deadline: nothing connected, nothing was probed.
    assert.equal(blackHole.connections(), connections, "a connection to the IMDS address");
    assert.deepEqual(
      lines.filter((l) => /IMDS probe/.test(l)),
      [],
      "an IMDS probe was logged",
    );
    assert.deepEqual(
      listedAsTried(error),
      AZURE_IDENTITY.filter((n) => n !== "ManagedIdentityCredential"),
    );
    assert.match(error.message, /Not tried: ManagedIdentityCredential \(excludeManagedIdentityCredential: true\)/);
  });

  it("excludeInteractiveBrowserCredential: false turns the browser on, last in the chain", async () => {
    assert.deepEqual(await tried({ excludeInteractiveBrowserCredential: false }), [...AZURE_IDENTITY, "InteractiveBrowserCredential"]);
    assert.deepEqual(await tried({ excludeInteractiveBrowserCredential: false, excludeSharedTokenCacheCredential: false }), ALL);
  });

  it("excludeSharedTokenCacheCredential: false turns the shared token cache on, in Python's place after managed identity", async () => {
    tools.hideTools();
    const python = ALL.filter((n) => n !== "InteractiveBrowserCredential");
    assert.deepEqual(await tried({ excludeSharedTokenCacheCredential: false }), python);
    assert.deepEqual(await triedByGetToken({ excludeSharedTokenCacheCredential: false }), python);
    tools.setEnv({ AZURE_TOKEN_CREDENTIALS: "dev" });
    assert.deepEqual(await tried({ excludeSharedTokenCacheCredential: false }), ["SharedTokenCacheCredential", ...DEV]);
  });

  it("combine with AZURE_TOKEN_CREDENTIALS (both must allow a credential)", async () => {
    tools.hideTools();
    tools.setEnv({ AZURE_TOKEN_CREDENTIALS: "dev" });
    assert.deepEqual(await triedByGetToken({ excludeAzureCliCredential: true, excludeVisualStudioCodeCredential: true }), [
      "AzurePowerShellCredential",
      "AzureDeveloperCliCredential",
    ]);
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
    assert.ok(new DefaultAzureCredential({ requiredEnvVars: ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_TOKEN_CREDENTIALS"] }), "constructed");
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
    const error = await new DefaultAzureCredential({ processTimeoutInMs: 300 }).getToken("https://vault.azure.net/.default").then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(error instanceof AggregateAuthenticationError, String(error));
    assert.match(error.message, /AzureCliCredential .*timed out.*Fix: raise processTimeoutInMs/);
    // The deadline that stopped az is the one passed (300 ms, not the default 10 s): the fake az answers after 3 s.
    const timeout = error.errors.map((e: Error) => e.cause).find((cause) => cause instanceof ToolTimeoutError);
    assert.ok(timeout instanceof ToolTimeoutError, error.message);
    assert.equal(timeout.timeoutInMs, 300);
  });
});
