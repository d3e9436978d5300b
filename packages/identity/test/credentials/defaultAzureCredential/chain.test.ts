// DefaultAzureCredential, one test per path through the chain, against the emulator (Entra and the
// managed identity hosts) and the fake developer tools: who wins, what was sent, how long it took,
// stickiness, and what the error says when nobody can help.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AggregateAuthenticationError,
  AuthenticationError,
  AzureCliCredential,
  ChainedTokenCredential,
  CredentialUnavailableError,
  DefaultAzureCredential,
  EnvironmentCredential,
  getDefaultAzureCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from "../../../src/index.js";
import { captureLogs, decodeJwt, useEmulator } from "../../support/emulator.js";
import { decodePayload } from "../../support/toolHarness.js";
import { SIGNED_OUT, useBlackHole, useChainEnvironment } from "./chainEnvironment.js";
import { PROBE_TIMEOUT_MS } from "../../../src/credentials/defaultAzureCredential/probedManagedIdentity.js";
import { rejection } from "../../support/assertions.js";

const STORAGE = "https://storage.azure.com/.default";
const VAULT = "https://vault.azure.net/.default";
const env = useEmulator();
const tools = useChainEnvironment();
const blackHole = useBlackHole();

function imdsRequests(since: number) {
  return env.emu.requests.slice(since).filter((r) => r.route === "imds");
}

describe("DefaultAzureCredential: each path", () => {
  it("is a ChainedTokenCredential, and getDefaultAzureCredential() returns one", () => {
    assert.ok(new DefaultAzureCredential() instanceof ChainedTokenCredential, "DefaultAzureCredential is a ChainedTokenCredential");
    assert.ok(getDefaultAzureCredential() instanceof DefaultAzureCredential, "getDefaultAzureCredential() returns a DefaultAzureCredential");
  });

  it("environment secret: EnvironmentCredential wins; no tool runs, no IMDS probe", async () => {
    const app = env.addApp();
    tools.setEnv({
      AZURE_TENANT_ID: env.tenantId,
      AZURE_CLIENT_ID: app.clientId,
      AZURE_CLIENT_SECRET: app.secret,
      AZURE_POD_IDENTITY_AUTHORITY_HOST: blackHole.url(),
    });
    const connections = blackHole.connections();
    const { token, credential } = await new DefaultAzureCredential(env.options).getTokenWithSource(STORAGE);
    assert.ok(credential instanceof EnvironmentCredential, credential.constructor.name);
    assert.equal(decodeJwt(token.token).payload.appid, app.clientId);
    assert.equal(tools.runs().length, 0);
    assert.equal(blackHole.connections(), connections);
  });

  it("a configured-but-broken environment (wrong secret) stops the chain with the AuthenticationError", async () => {
    const app = env.addApp();
    tools.setEnv({ AZURE_TENANT_ID: env.tenantId, AZURE_CLIENT_ID: app.clientId, AZURE_CLIENT_SECRET: "wrong~secret~value" });
    const error = await rejection(new DefaultAzureCredential(env.options).getToken(STORAGE));
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.match(error.message, /AADSTS7000215/);
    assert.ok(!error.message.includes("wrong~secret~value"), "the secret is in the message");
    assert.equal(tools.runs().length, 0, "az was not tried in its place");
  });

  it("an unreadable certificate in the environment stops the chain too", async () => {
    tools.setEnv({
      AZURE_TENANT_ID: env.tenantId,
      AZURE_CLIENT_ID: "00000000-0000-0000-0000-000000000001",
      AZURE_CLIENT_CERTIFICATE_PATH: "/nonexistent/cert.pem",
    });
    const error = await rejection(new DefaultAzureCredential(env.options).getToken(STORAGE));
    assert.ok(!(error instanceof CredentialUnavailableError) && !(error instanceof AggregateAuthenticationError), String(error));
    assert.equal(tools.runs().length, 0);
  });

  it("workload identity variables: WorkloadIdentityCredential wins", async () => {
    tools.setEnv(await env.emu.writeWorkloadIdentityToken());
    const { token, credential } = await new DefaultAzureCredential({ tlsOptions: { ca: env.emu.caCertPem } }).getTokenWithSource(STORAGE);
    assert.ok(credential instanceof WorkloadIdentityCredential, credential.constructor.name);
    assert.equal(decodeJwt(token.token).payload.appid, process.env.AZURE_CLIENT_ID);
    assert.equal(tools.runs().length, 0);
  });

  for (const host of ["appService", "serviceFabric", "azureArc", "azureMl", "cloudShell"] as const) {
    it(`managed identity on ${host} (emulator): ManagedIdentityCredential wins`, async () => {
      tools.setEnv(env.emu.managedIdentity.env(host));
      const before = env.emu.requests.length;
      // The emulated Arc agent writes its key files in its own directory (ManagedIdentityCredential's option, passed through).
      const options = { tlsOptions: { ca: env.emu.managedIdentity.serviceFabricCertPem }, azureArcTokenDirectory: env.emu.managedIdentity.arcTokenDirectory };
      const { token, credential } = await new DefaultAzureCredential(options).getTokenWithSource(STORAGE);
      assert.ok(credential instanceof ManagedIdentityCredential, credential.constructor.name);
      assert.equal(decodeJwt(token.token).payload.aud, "https://storage.azure.com");
      assert.ok(
        env.emu.requests.slice(before).some((r) => r.route === host),
        `a ${host} request`,
      );
      assert.equal(tools.runs().length, 0);
    });
  }

  it("IMDS (emulator): one probe without Metadata, then the token request; later calls don't probe again", async () => {
    tools.setEnv(env.emu.managedIdentity.env("imds"));
    const before = env.emu.requests.length;
    const { token, credential } = await new DefaultAzureCredential().getTokenWithSource(STORAGE);
    assert.ok(credential instanceof ManagedIdentityCredential, credential.constructor.name);
    assert.ok(token.token.length > 0, "an empty token");
    const [probe, request, ...more] = imdsRequests(before);
    assert.equal(more.length, 0);
    assert.equal(probe!.headers.metadata, undefined);
    assert.deepEqual(probe!.query, {});
    assert.equal(request!.headers.metadata, "true");
    // a new instance, another resource: the probe's outcome is remembered for the process
    await new DefaultAzureCredential().getToken(VAULT);
    const after = imdsRequests(before).slice(2);
    assert.equal(after.length, 1);
    assert.equal(after[0]!.headers.metadata, "true");
  });

  it("managedIdentityClientId, else AZURE_CLIENT_ID, selects the user-assigned identity; managedIdentityResourceId too", async () => {
    const { DEFAULT_USER_IDENTITY_CLIENT_ID, DEFAULT_USER_IDENTITY_RESOURCE_ID } = await import("@azid/emulator");
    tools.setEnv(env.emu.managedIdentity.env("imds"));
    const before = env.emu.requests.length;
    await new DefaultAzureCredential({ managedIdentityClientId: DEFAULT_USER_IDENTITY_CLIENT_ID }).getToken(STORAGE);
    tools.setEnv({ AZURE_CLIENT_ID: DEFAULT_USER_IDENTITY_CLIENT_ID });
    await new DefaultAzureCredential().getToken(VAULT);
    tools.setEnv({ AZURE_CLIENT_ID: undefined });
    await new DefaultAzureCredential({ managedIdentityResourceId: DEFAULT_USER_IDENTITY_RESOURCE_ID }).getToken(VAULT);
    const sent = imdsRequests(before).filter((r) => r.headers.metadata === "true");
    assert.deepEqual(
      sent.map((r) => r.query.client_id ?? r.query.msi_res_id),
      [DEFAULT_USER_IDENTITY_CLIENT_ID, DEFAULT_USER_IDENTITY_CLIENT_ID, DEFAULT_USER_IDENTITY_RESOURCE_ID],
    );
  });

  it("only az signed in, IMDS refused: AzureCliCredential, the probe ending on the refusal (not its deadline); the second token from the cache", async () => {
    tools.setEnv({ AZID_FAKE_AZD: "not-logged-in", AZID_FAKE_PWSH: "not-logged-in" });
    const credential = new DefaultAzureCredential();
    let started = performance.now();
    const { result, error, lines } = await captureLogs(() => credential.getTokenWithSource(STORAGE));
    const first = performance.now() - started;
    assert.equal(error, undefined);
    const { token, credential: source } = result!;
    started = performance.now();
    const again = await credential.getToken(STORAGE);
    const second = performance.now() - started;
    assert.ok(source instanceof AzureCliCredential, source.constructor.name);
    assert.equal(decodePayload(token.token).aud, "https://storage.azure.com");
    assert.equal(again.token, token.token);
    assert.equal(credential.selectedCredentialName, "AzureCliCredential");
    assert.deepEqual(
      tools.runs().map((r) => r.tool),
      ["az"],
      "the second token came from the cache, not from another az run",
    );
    // Time is not asserted (a loaded machine stretches it): what keeps this fast is that a refused port ends the probe at once.
    assert.deepEqual(
      lines.filter((l) => /IMDS probe/.test(l)).map((l) => /unreachable \(([^)]*)\)/.exec(l)?.[1]),
      ["connection refused"],
    );
    console.log(`# az signed in, IMDS refused: first token ${first.toFixed(1)} ms, second ${second.toFixed(3)} ms`);
  });

  it("IMDS black hole (accepts, never answers): one probe, given up at its deadline without retries, then az; later credentials don't probe again", async () => {
    tools.setEnv({ AZURE_POD_IDENTITY_AUTHORITY_HOST: blackHole.url() });
    const connections = blackHole.connections();
    let started = performance.now();
    const firstCall = await captureLogs(() => new DefaultAzureCredential().getTokenWithSource(STORAGE));
    const first = performance.now() - started;
    assert.equal(firstCall.error, undefined);
    assert.ok(firstCall.result!.credential instanceof AzureCliCredential, firstCall.result!.credential.constructor.name);
    assert.equal(blackHole.connections() - connections, 1, "one probe connection, no retries");
    assert.deepEqual(
      firstCall.lines.filter((l) => /IMDS probe/.test(l)).map((l) => /unreachable \(([^)]*)\)/.exec(l)?.[1]),
      [`no answer within ${PROBE_TIMEOUT_MS} ms`],
    );
    started = performance.now();
    // A new instance, a new scope: az runs again, IMDS is not asked again.
    const secondCall = await captureLogs(() => new DefaultAzureCredential().getToken(VAULT));
    const other = performance.now() - started;
    assert.equal(secondCall.error, undefined);
    assert.equal(blackHole.connections() - connections, 1, "no second probe");
    assert.deepEqual(
      secondCall.lines.filter((l) => /IMDS probe/.test(l)),
      [],
    );
    assert.deepEqual(
      tools.runs().map((r) => r.tool),
      ["az", "az"],
    );
    console.log(`# IMDS black hole: first token ${first.toFixed(1)} ms; a new credential for another scope ${other.toFixed(1)} ms`);
  });
});

describe("DefaultAzureCredential: sticky", () => {
  it("after a success, later calls (even for a new scope) go straight to the winner", async () => {
    tools.setEnv({ AZID_FAKE_AZ: "not-logged-in" }); // az unavailable, pwsh wins
    const credential = new DefaultAzureCredential();
    await credential.getToken(STORAGE);
    assert.deepEqual(
      tools.runs().map((r) => r.tool),
      ["az", "pwsh"],
    );
    await credential.getToken(VAULT); // a cache miss: only the winner runs
    assert.deepEqual(
      tools.runs().map((r) => r.tool),
      ["az", "pwsh", "pwsh"],
    );
    assert.equal(credential.selectedCredentialName, "AzurePowerShellCredential");
  });

  it("when the winner becomes unavailable, the chain is walked again (without asking the winner twice)", async () => {
    tools.setEnv({ AZID_FAKE_AZ: "not-logged-in" });
    const credential = new DefaultAzureCredential();
    await credential.getToken(STORAGE);
    tools.setEnv({ AZID_FAKE_PWSH: "not-logged-in", AZID_FAKE_AZ: "ok" });
    const { credential: source } = await credential.getTokenWithSource(VAULT);
    assert.ok(source instanceof AzureCliCredential, source.constructor.name);
    assert.deepEqual(
      tools.runs().map((r) => r.tool),
      ["az", "pwsh", "pwsh", "az"],
    );
    assert.equal(credential.selectedCredentialName, "AzureCliCredential");
  });

  it("a winner that later fails for real (not unavailable) stops there", async () => {
    const credential = new DefaultAzureCredential();
    await credential.getToken(STORAGE);
    tools.setEnv({ AZID_FAKE_AZ: "error" });
    const error = await rejection(credential.getToken(VAULT));
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.deepEqual(
      tools.runs().map((r) => r.tool),
      ["az", "az"],
    );
  });
});

describe("DefaultAzureCredential: when nothing works", () => {
  it("one AggregateAuthenticationError: a line per credential with its reason and fix; logged at info only", async () => {
    tools.setEnv(SIGNED_OUT);
    const { error, lines } = await captureLogs(() => new DefaultAzureCredential().getToken(STORAGE));
    assert.ok(error instanceof AggregateAuthenticationError, String(error));
    const message = error.message;
    assert.match(message, /^DefaultAzureCredential authentication failed/);
    const expectations: Array<[string, RegExp]> = [
      ["EnvironmentCredential", /set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET/],
      ["WorkloadIdentityCredential", /AZURE_FEDERATED_TOKEN_FILE/],
      ["ManagedIdentityCredential", /managed identity endpoint unreachable: not running on Azure.*connection refused.*AZURE_TOKEN_CREDENTIALS=dev/],
      ["VisualStudioCodeCredential", /unavailable: VS Code is not signed in to Azure .*Fix: sign in with the Azure CLI/],
      ["AzureCliCredential", /Fix: run `az login`/],
      ["AzurePowerShellCredential", /Fix: run `Connect-AzAccount`/],
      ["AzureDeveloperCliCredential", /Fix: run `azd auth login`/],
    ];
    const body = message.split("\n");
    for (const [name, pattern] of expectations) {
      const line = body.find((l) => l.trimStart().startsWith(name));
      assert.ok(line, `a line for ${name}`);
      assert.match(line, pattern, name);
    }
    assert.equal(error.errors.length, expectations.length);
    assert.ok(
      error.errors.every((e: Error) => e instanceof CredentialUnavailableError && e.cause !== undefined),
      "each error a CredentialUnavailableError with its cause",
    );
    assert.ok(!/InteractiveBrowserCredential|SharedTokenCacheCredential/.test(message), "off by default: not listed as tried");
    assert.deepEqual(
      lines.filter((l) => /:(warning|error) /.test(l)),
      [],
      "expected unavailability is not a warning",
    );
    assert.ok(
      lines.some((l) => /DefaultAzureCredential => .*AzureCliCredential is unavailable/.test(l)),
      lines.join("\n"),
    );
  });

  it("tools missing entirely: the fix says to install them", async () => {
    tools.hideTools();
    const error = await rejection(new DefaultAzureCredential().getToken(STORAGE));
    assert.match(error.message, /AzureCliCredential .*install the Azure CLI \(https:\/\/aka\.ms\/azure-cli\), then run `az login`/);
    assert.match(error.message, /AzureDeveloperCliCredential .*install the Azure Developer CLI/);
    assert.match(error.message, /AzurePowerShellCredential .*install PowerShell 7/);
  });

  it("a bad scope is the caller's mistake: TypeError before anything runs", async () => {
    await assert.rejects(new DefaultAzureCredential().getToken("has space"), TypeError);
    assert.equal(tools.runs().length, 0);
  });
});
