// `azid token --persist`: the real binary (built dist), each run a new process, against an emulator
// whose request log counts what went over the wire. The first run fetches and stores the token; the
// second answers from ~/.IdentityService/azid-cli.nocae with no request at all.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startEmulator, type Emulator } from "@azid/emulator";

const BIN = "packages/cli/bin/azid.js";
const SCOPE = "https://storage.azure.com/.default";
let emu: Emulator;
let dataDir: string;
let home: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "azid-cli-persist-emu-"));
  home = mkdtempSync(join(tmpdir(), "azid-cli-persist-home-"));
  emu = await startEmulator({ dataDir });
});
after(async () => {
  await emu?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

/** Runs azid asynchronously: the emulator answers from this very process. */
function azid(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    HOME: home,
    NODE_EXTRA_CA_CERTS: emu.caCertPath,
    AZURE_AUTHORITY_HOST: emu.url,
    AZURE_TENANT_ID: emu.config.tenants[0]!.id,
    AZURE_CLIENT_ID: DEFAULT_CLIENT_ID,
    AZURE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
    ...extraEnv,
  };
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("azid token --persist", () => {
  it("answers a second run in a new process from the persistent cache, without a request", async () => {
    const args = ["token", "--credential", "env", "--scope", SCOPE, "--output", "token", "--persist", "--allow-unencrypted-storage"];
    const mark = emu.requests.length;
    const first = await azid(args);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(emu.requests.slice(mark).filter((r) => r.route === "token").length, 1);
    const file = join(home, ".IdentityService", "azid-cli.nocae");
    assert.ok(existsSync(file));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(readFileSync(file, "utf8").includes('"AccessToken"'));

    const mark2 = emu.requests.length;
    const second = await azid(args);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, first.stdout, "the same token");
    assert.equal(emu.requests.length - mark2, 0, "no request at all");

    // Without --persist nothing is read: a new process asks again.
    const mark3 = emu.requests.length;
    assert.equal((await azid(args.slice(0, -2))).code, 0);
    assert.equal(emu.requests.slice(mark3).filter((r) => r.route === "token").length, 1);
  });

  it("refuses --persist where the credential keeps its own cache, and the unencrypted flag alone", async () => {
    const cli = await azid(["token", "--credential", "cli", "--scope", SCOPE, "--persist"]);
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, /--persist applies to --credential default, env, wi, browser, devicecode/);
    const alone = await azid(["token", "--scope", SCOPE, "--allow-unencrypted-storage"]);
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--allow-unencrypted-storage goes with --persist/);
  });

  it("without a keyring and without the opt-in, says how to fix it", async () => {
    const result = await azid(["token", "--credential", "env", "--scope", SCOPE, "--persist"], {
      DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/azid-test-bus",
    });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /keyring|Secret Service/i);
    assert.match(result.stderr, /unsafeAllowUnencryptedStorage|allow-unencrypted/);
  });
});
