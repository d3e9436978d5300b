// The real `azid` binary (built dist) with DefaultAzureCredential: `azid doctor` and
// `azid token --credential`, against an emulator started here (Entra ID and the managed identity
// hosts) and the fake az/azd/pwsh on PATH. Checks output, exit codes, and that no secret is printed.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { startEmulator, type Emulator } from "@azid/emulator";

const BIN = "packages/cli/bin/azid.js";
const FAKE_TOOLS = resolve("packages/identity/test/fixtures/tools");
const STORAGE = "https://storage.azure.com/.default";
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\./;
const dataDir = mkdtempSync(join(tmpdir(), "azid-cli-doctor-"));
let emu: Emulator;
let app: { clientId: string; secret: string };
let blackHole: net.Server;
const held = new Set<net.Socket>();

before(async () => {
  emu = await startEmulator({ dataDir: join(dataDir, "emulator") });
  app = { clientId: randomUUID(), secret: `sec~${randomUUID()}` };
  emu.config.tenants[0]!.apps.push({ clientId: app.clientId, secrets: [app.secret], certificates: [], roles: [], federatedCredentials: [] });
  blackHole = net.createServer((socket) => {
    held.add(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((r) => blackHole.listen(0, "127.0.0.1", r));
});

after(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((r) => blackHole.close(r));
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the built binary (no TypeScript loader; the network guard stays) with only `env` configuring Azure. */
function azid(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(AZURE_|IDENTITY_|IMDS_|MSI_|AZID_FAKE)/.test(k)) base[k] = v;
  base.NODE_OPTIONS = (process.env.NODE_OPTIONS ?? "")
    .replace(/--import[= ]tsx\b/, "")
    .replace(/--conditions=\S+/, "")
    .trim();
  base.PATH = [FAKE_TOOLS, dirname(process.execPath)].join(":");
  base.AZURE_POD_IDENTITY_AUTHORITY_HOST = "http://127.0.0.1:1"; // refused: never the real IMDS
  base.HOME = join(dataDir, "home"); // no shared token cache or VS Code sign-in of the machine's user
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const signedOut = { AZID_FAKE_AZ: "not-logged-in", AZID_FAKE_AZD: "not-logged-in", AZID_FAKE_PWSH: "not-logged-in" };
const onlyAz = { AZID_FAKE_AZD: "not-logged-in", AZID_FAKE_PWSH: "not-logged-in" };
const servicePrincipal = () => ({
  NODE_EXTRA_CA_CERTS: emu.caCertPath,
  AZURE_AUTHORITY_HOST: emu.url,
  AZURE_TENANT_ID: emu.config.tenants[0]!.id,
  AZURE_CLIENT_ID: app.clientId,
  AZURE_CLIENT_SECRET: app.secret,
});

interface Report {
  selected?: string;
  stoppedAt?: string;
  credentials: Array<{
    name: string;
    outcome: string;
    configured: boolean;
    from: string[];
    details: Record<string, string>;
    elapsedMs?: number;
    claims?: Record<string, unknown>;
    reason?: string;
    fix?: string;
    selected: boolean;
    excludedBecause?: string;
  }>;
}

describe("azid doctor", () => {
  it("az signed in, nothing else: a table of every credential, the reasons and fixes, and which one is used", async () => {
    const result = await azid(["doctor"], onlyAz);
    assert.equal(result.code, 0, result.stderr);
    const out = result.stdout;
    const names = [
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
    const rows = out.split("\n").filter((l) => /^\d+ +\w+Credential/.test(l));
    assert.deepEqual(
      rows.map((r) => r.split(/\s+/)[1]),
      names,
    );
    assert.match(rows[5]!, /AzureCliCredential +yes +\d+ ms +got a token +<- used by DefaultAzureCredential/);
    assert.match(rows[2]!, /ManagedIdentityCredential .* unavailable/);
    assert.match(rows[8]!, /not tried/);
    assert.match(rows[3]!, /SharedTokenCacheCredential +- .* not tried/);
    assert.match(
      out,
      /order: +EnvironmentCredential → WorkloadIdentityCredential → ManagedIdentityCredential → VisualStudioCodeCredential → AzureCliCredential → AzurePowerShellCredential → AzureDeveloperCliCredential \(as @azure\/identity\)/,
    );
    assert.match(
      out,
      /Python azure-identity would try: EnvironmentCredential → WorkloadIdentityCredential → ManagedIdentityCredential → SharedTokenCacheCredential → VisualStudioCodeCredential/,
    );
    assert.match(out, /reason: +ManagedIdentityCredential: managed identity endpoint unreachable: not running on Azure/);
    assert.match(out, /fix: +set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET/);
    assert.match(out, /fix: +run `Connect-AzAccount` in PowerShell/);
    assert.match(out, /fix: +run `azd auth login`/);
    assert.match(out, new RegExp(`from: +${FAKE_TOOLS}/az`));
    assert.match(out, /claims: +aud=https:\/\/management\.azure\.com tid=[0-9a-f-]+ oid=[0-9a-f-]+ exp=\d{4}-/);
    assert.match(out, /DefaultAzureCredential would use AzureCliCredential\./);
    assert.doesNotMatch(out + result.stderr, JWT, "no token printed");
  });

  it("a Visual Studio sign-in in the shared token cache: not used by default (as @azure/identity), used when asked for; its tokens never shown", async () => {
    const home = join(dataDir, "vs-home");
    const seeded = await emu.writeSharedTokenCache({ path: join(home, ".IdentityService", "msal.cache") });
    const env = { ...onlyAz, HOME: home, NODE_EXTRA_CA_CERTS: emu.caCertPath, AZURE_AUTHORITY_HOST: emu.url };
    const byDefault = await azid(["doctor", "--scope", STORAGE], env);
    assert.equal(byDefault.code, 0, byDefault.stderr);
    assert.match(byDefault.stdout, /DefaultAzureCredential would use AzureCliCredential\./);
    assert.match(byDefault.stdout, /why: +off by default, as in @azure\/identity/);
    const result = await azid(["doctor", "--scope", STORAGE], { ...env, AZURE_TOKEN_CREDENTIALS: "SharedTokenCacheCredential" });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /SharedTokenCacheCredential +yes +\d+ ms +got a token +<- used by DefaultAzureCredential/);
    assert.match(result.stdout, new RegExp(`accounts=${seeded.username} \\(tenant ${seeded.tenantId}\\)`));
    assert.match(result.stdout, /DefaultAzureCredential would use SharedTokenCacheCredential\./);
    assert.doesNotMatch(result.stdout + result.stderr, JWT);
    const token = await azid(["token", "--scope", STORAGE, "--credential", "sharedcache"], env);
    assert.equal(token.code, 0, token.stderr);
    const body = JSON.parse(token.stdout) as { credential: string; claims: { upn: string } };
    assert.equal(body.credential, "SharedTokenCacheCredential");
    assert.equal(body.claims.upn, seeded.username);
  });

  it("--json: the same report for machines", async () => {
    const result = await azid(["doctor", "--json", "--scope", STORAGE], onlyAz);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as Report;
    assert.equal(report.selected, "AzureCliCredential");
    assert.equal(report.credentials.length, 9);
    const cli = report.credentials.find((c) => c.name === "AzureCliCredential")!;
    assert.equal(cli.outcome, "token");
    assert.equal(cli.selected, true);
    assert.equal(cli.claims!.aud, "https://storage.azure.com");
    assert.ok(typeof cli.elapsedMs === "number");
    const mi = report.credentials.find((c) => c.name === "ManagedIdentityCredential")!;
    assert.equal(mi.outcome, "unavailable");
    assert.match(mi.reason!, /connection refused/);
    assert.match(mi.fix!, /AZURE_TOKEN_CREDENTIALS=dev/);
    assert.equal(report.credentials.find((c) => c.name === "AzurePowerShellCredential")!.selected, false);
    assert.doesNotMatch(result.stdout, JWT);
  });

  it("a service principal in the environment: EnvironmentCredential, its ids and variable names shown, never the secret", async () => {
    const env = servicePrincipal();
    const result = await azid(["doctor", "--json"], env);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as Report;
    assert.equal(report.selected, "EnvironmentCredential");
    const environment = report.credentials[0]!;
    assert.equal(environment.configured, true);
    assert.deepEqual(environment.from, ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"], "what decided, not AZURE_AUTHORITY_HOST");
    assert.equal(environment.details.clientId, app.clientId);
    assert.equal(environment.details.mode, "client secret");
    assert.equal(environment.claims!.appid, app.clientId);
    const text = await azid(["doctor"], env);
    for (const output of [result.stdout, result.stderr, text.stdout, text.stderr]) {
      assert.ok(!output.includes(app.secret), "secret printed");
      assert.doesNotMatch(output, JWT);
    }
    assert.match(text.stdout, /from: +AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET/);
  });

  it("App Service managed identity: ManagedIdentityCredential, detected from IDENTITY_ENDPOINT and IDENTITY_HEADER; the header's value is never shown", async () => {
    const vars = emu.managedIdentity.env("appService");
    const result = await azid(["doctor"], { ...vars, ...signedOut });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /DefaultAzureCredential would use ManagedIdentityCredential\./);
    assert.match(
      result.stdout,
      /found: +host=App Service; endpoint=http:\/\/127\.0\.0\.1:\d+\/appService\/msi\/token; detectedFrom=IDENTITY_ENDPOINT and IDENTITY_HEADER/,
    );
    assert.ok(!result.stdout.includes(vars.IDENTITY_HEADER!));
  });

  it("nothing signed in: exit 3, every fix listed", async () => {
    const result = await azid(["doctor"], signedOut);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stdout, /No credential can get a token here/);
    assert.match(result.stdout, /fix: +run `az login`/);
  });

  it("an unconfigured EnvironmentCredential shows no 'from:', though AZURE_AUTHORITY_HOST is set", async () => {
    const result = await azid(["doctor"], { ...signedOut, AZURE_AUTHORITY_HOST: emu.url, NODE_EXTRA_CA_CERTS: emu.caCertPath });
    const section = result.stdout.split("\n1. EnvironmentCredential")[1]?.split("\n2. ")[0] ?? "";
    assert.match(section, /unavailable/);
    assert.doesNotMatch(section, /from:/);
    assert.doesNotMatch(result.stdout, /from: +AZURE_AUTHORITY_HOST/);
    const json = JSON.parse(
      (await azid(["doctor", "--json"], { ...signedOut, AZURE_AUTHORITY_HOST: emu.url, NODE_EXTRA_CA_CERTS: emu.caCertPath })).stdout,
    ) as Report;
    assert.deepEqual(json.credentials[0]!.from, [], "the JSON report names nothing that decided either");
  });

  it("a wrong secret: exit 4, the chain would stop at EnvironmentCredential even though az is signed in", async () => {
    const result = await azid(["doctor"], { ...servicePrincipal(), AZURE_CLIENT_SECRET: "wrong~secret~value" });
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stdout, /1 +EnvironmentCredential +yes +\d+ ms +FAILED/);
    assert.match(result.stdout, /AADSTS7000215/);
    assert.match(result.stdout, /would stop at EnvironmentCredential/);
    assert.ok(!result.stdout.includes("wrong~secret~value"));
    const environment = result.stdout.split("\n1. EnvironmentCredential")[1]?.split("\n2. ")[0] ?? "";
    assert.doesNotMatch(environment, /fix: +set /, "the variables are all set: no advice to set them");
    assert.match(environment, /fix: +the variables are set, but Microsoft Entra ID rejected the secret in AZURE_CLIENT_SECRET; put the secret's Value/);
  });

  it("a wrong secret that is an English word: its value is redacted, the hint's words are not", async () => {
    const result = await azid(["doctor", "--json"], { ...servicePrincipal(), AZURE_CLIENT_SECRET: "wrong" });
    assert.equal(result.code, 4, result.stderr);
    const environment = (JSON.parse(result.stdout) as Report).credentials[0]!;
    assert.match(environment.reason!, /Hint: The client secret is wrong: use the secret's Value/);
    assert.doesNotMatch(result.stdout, /\[REDACTED\]/, "nothing in this report is the secret's value");
  });

  it("AZURE_TOKEN_CREDENTIALS=dev: the production credentials are shown as not tried, and why; an invalid value exits 1", async () => {
    const result = await azid(["doctor", "--json"], { ...onlyAz, AZURE_TOKEN_CREDENTIALS: "dev" });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as Report;
    for (const c of report.credentials.slice(0, 3)) {
      assert.equal(c.outcome, "excluded");
      assert.match(c.excludedBecause!, /AZURE_TOKEN_CREDENTIALS=dev/);
    }
    const invalid = await azid(["doctor"], { AZURE_TOKEN_CREDENTIALS: "laptop" });
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /RangeError: Invalid value for AZURE_TOKEN_CREDENTIALS: "laptop"/);
  });

  it("IMDS black hole: the report still comes back quickly, saying IMDS did not answer", async () => {
    const address = blackHole.address() as net.AddressInfo;
    const result = await azid(["doctor", "--json"], { ...onlyAz, AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${address.port}` });
    assert.equal(result.code, 0, result.stderr);
    const mi = (JSON.parse(result.stdout) as Report).credentials.find((c) => c.name === "ManagedIdentityCredential")!;
    assert.match(mi.reason!, /no answer within 1000 ms/);
    assert.ok(mi.elapsedMs! >= 900 && mi.elapsedMs! < 2000, `${mi.elapsedMs} ms`);
  });

  it("usage mistakes exit 2", async () => {
    const result = await azid(["doctor", "--scopes", "x"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Usage: azid doctor/);
  });
});

describe("azid token with DefaultAzureCredential and --credential", () => {
  it("default chain, only az signed in: the token from az, the credential named, claims decoded", async () => {
    const result = await azid(["token", "--scope", STORAGE], onlyAz);
    assert.equal(result.code, 0, result.stderr);
    const output = JSON.parse(result.stdout) as { accessToken: string; credential: string; claims: Record<string, unknown>; tenant: string };
    assert.equal(output.credential, "AzureCliCredential");
    assert.equal(output.claims.aud, "https://storage.azure.com");
    assert.equal(output.tenant, output.claims.tid);
    assert.deepEqual(Object.keys(output.claims).sort(), ["aud", "exp", "oid", "tid"]);
  });

  const named: Array<[string, string, Record<string, string>]> = [
    ["cli", "AzureCliCredential", {}],
    ["azd", "AzureDeveloperCliCredential", {}],
    ["pwsh", "AzurePowerShellCredential", {}],
    ["AzurePowerShellCredential", "AzurePowerShellCredential", {}],
    ["env", "EnvironmentCredential", {}],
    ["mi", "ManagedIdentityCredential", {}],
  ];
  for (const [flag, expected] of named) {
    it(`--credential ${flag}: ${expected}`, async () => {
      const env = flag === "env" ? servicePrincipal() : flag === "mi" ? emu.managedIdentity.env("appService") : {};
      const result = await azid(["token", "--scope", STORAGE, "--credential", flag], env);
      assert.equal(result.code, 0, result.stderr);
      assert.equal((JSON.parse(result.stdout) as { credential: string }).credential, expected);
    });
  }

  it("--credential wi with the workload identity variables", async () => {
    const vars = await emu.writeWorkloadIdentityToken();
    const result = await azid(["token", "--scope", STORAGE, "--credential", "wi", "--output", "token"], { ...vars, NODE_EXTRA_CA_CERTS: emu.caCertPath });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(emu.decodeToken(result.stdout.trim()).payload.appid, vars.AZURE_CLIENT_ID);
  });

  it("exit 3 when the named credential is unavailable, 4 when it fails", async () => {
    const unavailable = await azid(["token", "--scope", STORAGE, "--credential", "cli"], { AZID_FAKE_AZ: "not-logged-in" });
    assert.equal(unavailable.code, 3);
    assert.match(unavailable.stderr, /Please run 'az login'/);
    const failed = await azid(["token", "--scope", STORAGE, "--credential", "cli"], { AZID_FAKE_AZ: "error" });
    assert.equal(failed.code, 4);
    const chain = await azid(["token", "--scope", STORAGE], signedOut);
    assert.equal(chain.code, 3);
    assert.match(chain.stderr, /AzureCliCredential +unavailable: .*Fix: run `az login`/);
    assert.match(chain.stderr, /ManagedIdentityCredential +unavailable: managed identity endpoint unreachable: not running on Azure/);
  });
});
