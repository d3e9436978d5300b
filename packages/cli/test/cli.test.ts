// The real `azid` binary (built dist) against a real emulator process started by `azid emulator`.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

const BIN = "packages/cli/bin/azid.js";
let emulator: ChildProcess;
let emulatorEnv: Record<string, string>;
const dataDir = mkdtempSync(join(tmpdir(), "azid-cli-"));

function azid(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

before(async () => {
  emulator = spawn(process.execPath, [BIN, "emulator", "--json", "--data-dir", dataDir], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  emulatorEnv = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`azid emulator printed nothing usable: ${out}`)), 20_000);
    emulator.stdout!.on("data", (chunk) => {
      out += chunk;
      try {
        const parsed = JSON.parse(out) as { url: string; env: Record<string, string> };
        clearTimeout(timer);
        resolve(parsed.env);
      } catch {
        // not complete yet
      }
    });
    emulator.on("exit", (code) => reject(new Error(`azid emulator exited with ${code}`)));
  });
});

after(async () => {
  emulator.kill("SIGTERM");
  await new Promise((r) => emulator.once("exit", r));
  rmSync(dataDir, { recursive: true, force: true });
});

describe("azid emulator", () => {
  it("prints the environment that points credentials at it", () => {
    assert.match(emulatorEnv.AZURE_AUTHORITY_HOST!, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(emulatorEnv.NODE_EXTRA_CA_CERTS!.startsWith(dataDir));
    for (const name of ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"]) assert.ok(emulatorEnv[name], name);
  });

  it("refuses bad flags with exit code 2 and the usage", () => {
    const result = azid(["emulator", "--port", "99999"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--port must be a number from 0 to 65535/);
    assert.match(result.stderr, /Usage: azid emulator/);
  });
});

describe("azid token", () => {
  it("prints a token as JSON like az account get-access-token, logging nothing secret at verbose level", () => {
    const result = azid(["token", "--scope", "https://storage.azure.com/.default"], { ...emulatorEnv, AZURE_LOG_LEVEL: "verbose" });
    assert.equal(result.code, 0, result.stderr);
    const output = JSON.parse(result.stdout) as { accessToken: string; expiresOn: string; expires_on: number; tokenType: string; tenant: string };
    assert.equal(output.tokenType, "Bearer");
    assert.equal(output.tenant, emulatorEnv.AZURE_TENANT_ID);
    // DefaultAzureCredential: the environment's service principal wins; its non-secret claims are shown
    const { credential, claims } = output as unknown as { credential: string; claims: Record<string, unknown> };
    assert.equal(credential, "EnvironmentCredential");
    assert.equal(claims.appid, emulatorEnv.AZURE_CLIENT_ID);
    assert.equal(claims.aud, "https://storage.azure.com");
    assert.equal(claims.tid, emulatorEnv.AZURE_TENANT_ID);
    assert.match(output.expiresOn, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000000$/);
    assert.ok(output.expires_on * 1000 > Date.now());
    const payload = JSON.parse(Buffer.from(output.accessToken.split(".")[1]!, "base64url").toString());
    assert.equal(payload.aud, "https://storage.azure.com");
    assert.match(result.stderr, /azure:identity:info/, "verbose logging was on");
    assert.ok(!result.stderr.includes(emulatorEnv.AZURE_CLIENT_SECRET!), "secret in logs");
    assert.ok(!result.stderr.includes(output.accessToken.split(".")[1]!), "token in logs");
  });

  it("--output token prints the bare token; --resource builds the scope", () => {
    const result = azid(["token", "--resource", "https://vault.azure.net", "--output", "token"], emulatorEnv);
    assert.equal(result.code, 0, result.stderr);
    const payload = JSON.parse(Buffer.from(result.stdout.trim().split(".")[1]!, "base64url").toString());
    assert.equal(payload.aud, "https://vault.azure.net");
  });

  it("a wrong secret exits 4 (authentication failed) with the AADSTS error, never the secret", () => {
    const result = azid(["token", "--scope", "https://storage.azure.com/.default"], { ...emulatorEnv, AZURE_CLIENT_SECRET: "wrong~secret~value" });
    assert.equal(result.code, 4);
    assert.match(result.stderr, /AuthenticationError: invalid_client.*\n?.*AADSTS7000215/s);
    assert.ok(!result.stderr.includes("wrong~secret~value"));
  });

  it("no configuration: exits 3 (unavailable) saying which variables are missing", () => {
    // No developer tools on PATH, IMDS pointed at a closed loopback port.
    const nothing = {
      AZURE_TENANT_ID: "",
      AZURE_CLIENT_ID: "",
      AZURE_CLIENT_SECRET: "",
      PATH: dataDir,
      AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:1",
    };
    const result = azid(["token", "--scope", "https://storage.azure.com/.default", "--credential", "env"], nothing);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /CredentialUnavailableError: EnvironmentCredential is unavailable\. Missing: AZURE_TENANT_ID; AZURE_CLIENT_ID/);
    const chain = azid(["token", "--scope", "https://storage.azure.com/.default"], nothing);
    assert.equal(chain.code, 3);
    assert.match(chain.stderr, /AggregateAuthenticationError: DefaultAzureCredential authentication failed/);
    assert.match(chain.stderr, /EnvironmentCredential +unavailable: Missing: AZURE_TENANT_ID; AZURE_CLIENT_ID/);
    assert.match(chain.stderr, /AzureCliCredential .*install the Azure CLI/);
  });

  it("usage mistakes exit 2", () => {
    assert.equal(azid(["token"]).code, 2);
    assert.equal(azid(["token", "--scope"]).code, 2);
    assert.equal(azid(["token", "--scope", "x", "--output", "yaml"]).code, 2);
    assert.equal(azid(["nonsense"]).code, 2);
    const unknown = azid(["token", "--scope", "x", "--credential", "magic"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--credential must be one of default, env, wi, mi, sharedcache, vscode, cli, azd, pwsh/);
    const bad = azid(["token", "--scope", "a b"], emulatorEnv);
    assert.equal(bad.code, 2, "a malformed scope is a usage error");
    assert.match(bad.stderr, /--scope 'a b' is not a valid scope: no spaces or quotes; give each scope its own --scope/);
  });

  it("extra arguments are refused, not dropped (--scope A B loses B otherwise)", () => {
    const extra = azid(["token", "--scope", "https://storage.azure.com/.default", "https://vault.azure.net/.default"], emulatorEnv);
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /unexpected argument 'https:\/\/vault\.azure\.net\/\.default' \(give each scope its own --scope\)/);
    assert.equal(extra.stdout, "", "no token printed");
    const doctor = azid(["doctor", "extra"], emulatorEnv);
    assert.equal(doctor.code, 2);
    assert.match(doctor.stderr, /unexpected argument 'extra'/);
  });

  it("scopes for two resources: one token serves one resource, said before any request", () => {
    const result = azid(["token", "--scope", "https://storage.azure.com/.default", "--scope", "https://vault.azure.net/.default"], emulatorEnv);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /one token serves one resource, and these scopes name 2 \(https:\/\/storage\.azure\.com, https:\/\/vault\.azure\.net\): run azid token once per resource/,
    );
    assert.doesNotMatch(result.stderr, /\.default scope is missing|AADSTS/);
    const sameResource = azid(
      [
        "token",
        "--scope",
        "https://graph.microsoft.com/User.Read",
        "--scope",
        "openid",
        "--scope",
        "https://graph.microsoft.com/Mail.Read",
        "--credential",
        "env",
      ],
      emulatorEnv,
    );
    assert.doesNotMatch(sameResource.stderr, /one token serves one resource/, "permissions of one resource, plus OIDC scopes, are one resource");
  });
});
