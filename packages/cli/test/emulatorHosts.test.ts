// `azid emulator --host ...`: the real binary prints a managed-identity host's environment, and
// that environment reaches a working endpoint.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as http from "node:http";
import * as https from "node:https";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

const BIN = "packages/cli/bin/azid.js";
const dataDir = mkdtempSync(join(tmpdir(), "azid-cli-hosts-"));
let emulator: ReturnType<typeof spawn>;
let output: { url: string; env: Record<string, string>; controlSecret: string; hosts: Record<string, Record<string, string>> };

before(async () => {
  emulator = spawn(process.execPath, [BIN, "emulator", "--json", "--data-dir", dataDir, "--host", "appService", "--host", "pipelines"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  output = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`azid emulator printed nothing usable: ${out}`)), 20_000);
    emulator.stdout!.on("data", (chunk) => {
      out += chunk;
      try {
        const parsed = JSON.parse(out) as typeof output;
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        // not complete yet
      }
    });
    emulator.on("exit", (code) => reject(new Error(`azid emulator exited with ${code}`)));
  });
});

after(async () => {
  emulator.kill("SIGTERM");
  await new Promise((resolve) => emulator.once("exit", resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

function get(url: string, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(body) as Record<string, unknown> }));
      })
      .on("error", reject);
  });
}

describe("azid emulator --host", () => {
  it("prints the App Service environment next to the Entra one", () => {
    assert.match(output.env.AZURE_AUTHORITY_HOST!, /^https:\/\/127\.0\.0\.1:\d+$/);
    const appService = output.hosts.appService!;
    assert.deepEqual(Object.keys(appService).sort(), ["IDENTITY_ENDPOINT", "IDENTITY_HEADER"]);
    assert.match(appService.IDENTITY_ENDPOINT!, /^http:\/\/127\.0\.0\.1:\d+\/appService\/msi\/token$/);
    assert.match(output.hosts.pipelines!.SYSTEM_OIDCREQUESTURI!, /\/oidctoken$/);
  });

  it("whose endpoint issues a managed-identity token", async () => {
    const { IDENTITY_ENDPOINT, IDENTITY_HEADER } = output.hosts.appService!;
    const res = await get(`${IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=${encodeURIComponent("https://vault.azure.net")}`, {
      "X-IDENTITY-HEADER": IDENTITY_HEADER!,
    });
    assert.equal(res.status, 200);
    assert.equal(typeof res.json.access_token, "string");
    assert.match(String(res.json.expires_on), /^\d+$/);
  });

  it("--credential AzurePipelinesCredential gets a token from the printed pipelines environment", () => {
    const env = { ...process.env, ...output.env, ...output.hosts.pipelines, AZURE_CLIENT_SECRET: "" };
    const result = spawnSync(process.execPath, [BIN, "token", "--scope", "https://management.azure.com/.default", "--credential", "AzurePipelinesCredential"], {
      encoding: "utf8",
      env,
      timeout: 30_000,
    });
    assert.equal(result.status, 0, result.stderr);
    const printed = JSON.parse(result.stdout) as { credential: string; claims: Record<string, string> };
    assert.equal(printed.credential, "AzurePipelinesCredential");
    assert.equal(printed.claims.appid, output.hosts.pipelines!.AZURESUBSCRIPTION_CLIENT_ID);
    const missing = spawnSync(process.execPath, [BIN, "token", "--scope", "https://management.azure.com/.default", "--credential", "pipelines"], {
      encoding: "utf8",
      env: { ...process.env, ...output.env, SYSTEM_ACCESSTOKEN: "" },
      timeout: 30_000,
    });
    assert.equal(missing.status, 3);
    assert.match(
      missing.stderr,
      /AzurePipelinesCredential is unavailable\. Missing: AZURESUBSCRIPTION_TENANT_ID; AZURESUBSCRIPTION_CLIENT_ID; AZURESUBSCRIPTION_SERVICE_CONNECTION_ID; SYSTEM_ACCESSTOKEN/,
    );
  });

  it("prints the control secret, which the control API requires", async () => {
    assert.ok(output.controlSecret.length >= 32);
    const ca = readFileSync(output.env.NODE_EXTRA_CA_CERTS!, "utf8");
    const control = (authorization?: string) =>
      new Promise<number>((resolve, reject) => {
        https
          .get(`${output.url}/_emulator/requests`, { ca, agent: false, headers: authorization === undefined ? {} : { authorization } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on("error", reject);
      });
    assert.equal(await control(), 401);
    assert.equal(await control(`Bearer ${output.controlSecret}`), 200);
  });

  it("refuses an unknown host with exit code 2, listing the valid ones", () => {
    const result = spawnSync(process.execPath, [BIN, "emulator", "--host", "vm"], { encoding: "utf8", timeout: 30_000 });
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      /--host must be one of imds, appService, serviceFabric, azureArc, azureMl, cloudShell, workloadIdentity, pipelines, received 'vm'/,
    );
    assert.match(result.stderr, /Usage: azid emulator/);
  });
});

describe("azid emulator --host azureArc --arc-key-dir DIR", () => {
  it("writes the challenge key files where it is told, so a client that only reads the agent's directory can be served", async () => {
    const keyDir = join(dataDir, "azcmagent-tokens");
    const arc = spawn(process.execPath, [BIN, "emulator", "--json", "--data-dir", dataDir, "--host", "azureArc", "--arc-key-dir", keyDir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      const printed = await new Promise<typeof output>((resolve, reject) => {
        arc.stdout!.on("data", (chunk) => {
          out += chunk;
          try {
            resolve(JSON.parse(out) as typeof output);
          } catch {
            // not complete yet
          }
        });
        arc.on("exit", (code) => reject(new Error(`azid emulator exited with ${code}: ${out}`)));
      });
      const { IDENTITY_ENDPOINT } = printed.hosts.azureArc!;
      const challenge = await new Promise<string>((resolve, reject) => {
        http
          .get(
            `${IDENTITY_ENDPOINT}?api-version=2020-06-01&resource=${encodeURIComponent("https://management.azure.com")}`,
            { headers: { Metadata: "true" }, agent: false },
            (res) => {
              res.resume();
              resolve(String(res.headers["www-authenticate"]));
            },
          )
          .on("error", reject);
      });
      const keyFile = /^Basic realm=(.+)$/.exec(challenge)?.[1];
      assert.ok(keyFile?.startsWith(`${keyDir}/`), challenge);
      assert.ok(existsSync(keyFile!));
    } finally {
      arc.kill("SIGTERM");
      await new Promise((resolve) => arc.once("exit", resolve));
    }
  });

  it("refuses a relative --arc-key-dir with exit code 2", () => {
    const result = spawnSync(process.execPath, [BIN, "emulator", "--host", "azureArc", "--arc-key-dir", "tokens"], { encoding: "utf8", timeout: 30_000 });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--arc-key-dir must be an absolute directory path, received 'tokens'/);
  });
});
