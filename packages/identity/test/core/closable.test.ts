// close() and [Symbol.asyncDispose]: after close a credential refuses to work, and a process that
// used it exits promptly with nothing else to do (no loopback server, timer, poll or socket left
// behind). Real child processes against the emulator over HTTPS.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { connect, createServer, type Server, type Socket } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import * as azid from "../../src/index.js";
import {
  ChainedTokenCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  DeviceCodeCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from "../../src/index.js";
import { CredentialClosedError } from "../../src/core/closable.js";
import { createNodeHttpClient } from "../../src/core/http/nodeHttpClient.js";
import { useEmulator } from "../support/emulator.js";
import { FAKE_TOOLS } from "../support/toolHarness.js";

const STORAGE = "https://storage.azure.com/.default";
const CHILD = fileURLToPath(new URL("./closeChild.ts", import.meta.url));
const env = useEmulator();

/**
 * Runs closeChild.ts; returns what it printed, how long after close() its process exited by itself
 * (`exitMs`: its "exit" event, on its own clock) and how long until this process saw it end (`seenMs`:
 * that plus Node's teardown and this busy test process noticing, which a loaded machine stretches).
 */
function runChild(
  scenario: string,
  childEnv: NodeJS.ProcessEnv,
): Promise<{ printed: { closedAt: number; after: { name: string; code?: string } }; exitMs: number; seenMs: number; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, scenario], { env: childEnv, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      // in-flight scenarios: after its first token the child waits until its next token request is set to hang.
      if (stdout.includes("first-token\n") && !stdout.includes("armed")) {
        stdout += "armed\n";
        env.emu.faults.add({ route: scenario.endsWith("managed-identity") ? "imds" : "token", hang: true, times: 1, durationMs: 60_000 });
        child.stdin.write("go\n");
      }
    });
    child.stderr.on("data", (d) => (stderr += d));
    const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      const exitedAt = Date.now();
      clearTimeout(killer);
      const lines = stdout.trim().split("\n");
      try {
        const printed = JSON.parse(lines.at(-2) ?? "");
        const { exitedAt: childExitedAt } = JSON.parse(lines.at(-1) ?? "");
        resolve({ printed, exitMs: childExitedAt - printed.closedAt, seenMs: exitedAt - printed.closedAt, code });
      } catch {
        reject(new Error(`${scenario}: no result (exit ${code})\nstdout: ${stdout}\nstderr: ${stderr}`));
      }
    });
  });
}

/** A loopback TCP relay in front of the emulator (its HTTPS port, or `target`): it sees when a client's connection ends. */
async function startRelay(target = env.emu.url): Promise<{ server: Server; url: string; open: Set<Socket>; accepted: () => number }> {
  const open = new Set<Socket>();
  let accepted = 0;
  const server = createServer((client) => {
    open.add(client);
    accepted++;
    const upstream = connect(Number(new URL(target).port), "127.0.0.1");
    client.pipe(upstream).pipe(client);
    const end = () => (open.delete(client), client.destroy(), upstream.destroy());
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { server, open, accepted: () => accepted, url: `${new URL(target).protocol}//127.0.0.1:${port}` };
}

/** Resolves true when the one open connection closes within `ms` (without close() it stays for the server's 5 s keep-alive). */
function closedWithin(open: Set<Socket>, ms: number): Promise<boolean> {
  const [socket] = open;
  return new Promise((resolve) => {
    socket!.once("close", () => resolve(true));
    setTimeout(() => resolve(false), ms).unref();
  });
}

describe("close() and [Symbol.asyncDispose]", () => {
  const scenarios = [
    "secret",
    "await-using",
    "browser-sign-in",
    "persistent-cache",
    "in-flight-keep-alive",
    "managed-identity",
    "chain-managed-identity",
    "dac-managed-identity",
    "developer-tool",
    "device-code",
  ];
  for (const scenario of scenarios) {
    it(`${scenario}: the process exits within 1 s of close(), and getToken afterwards rejects with CredentialClosedError`, async () => {
      const app = env.addApp();
      env.emu.faults.clear();
      const home = mkdtempSync(join(tmpdir(), "azid-close-home-")); // the persistent cache file lands here, not in the real HOME
      // Managed identity: the emulator's IMDS, and no app credentials (DefaultAzureCredential then reaches managed identity).
      const childEnv = scenario.endsWith("managed-identity")
        ? {
            ...env.childEnv(app),
            AZURE_CLIENT_ID: undefined,
            AZURE_CLIENT_SECRET: undefined,
            AZURE_TENANT_ID: undefined,
            AZURE_TOKEN_CREDENTIALS: "prod",
            ...env.emu.managedIdentity.env("imds"),
          }
        : scenario === "developer-tool"
          ? { ...env.childEnv(app), PATH: [FAKE_TOOLS, dirname(process.execPath)].join(":"), AZID_FAKE_AZ: "slow", AZID_FAKE_DELAY_MS: "60000" }
          : env.childEnv(app);
      const { printed, exitMs, seenMs, code } = await runChild(scenario, { ...childEnv, HOME: home }).finally(() => {
        env.emu.faults.clear();
        rmSync(home, { recursive: true, force: true });
      });
      assert.equal(code, 0);
      assert.deepEqual(printed.after, { name: "CredentialClosedError", code: "ERR_CREDENTIAL_CLOSED" });
      assert.ok(exitMs < 1_000, `exited ${exitMs} ms after close()`);
      // Nothing may outlive the exit either (the keep-alive it would hold is the emulator's 5 s; a hung request 60 s).
      assert.ok(seenMs < 4_000, `seen to end ${seenMs} ms after close()`);
    });
  }

  it("every exported credential has close() and [Symbol.asyncDispose]; after either, getToken rejects with CredentialClosedError naming it", async () => {
    const tenant = env.tenantId;
    const cert = fileURLToPath(new URL("../fixtures/certificates/cert.pem", import.meta.url));
    const host = env.options;
    const make: Record<string, () => TokenCredential & { close(): Promise<void>; [Symbol.asyncDispose](): Promise<void> }> = {
      AuthorizationCodeCredential: () => new azid.AuthorizationCodeCredential(tenant, "client", "secret", "code", "http://localhost:8400", host),
      AzureCliCredential: () => new azid.AzureCliCredential(),
      AzureDeveloperCliCredential: () => new azid.AzureDeveloperCliCredential(),
      AzurePipelinesCredential: () => {
        // Outside a pipeline job it refuses at construction (as @azure/identity): give it the emulator's OIDC endpoint.
        const saved = process.env.SYSTEM_OIDCREQUESTURI;
        process.env.SYSTEM_OIDCREQUESTURI = env.emu.pipelines.oidcRequestUri;
        try {
          return new azid.AzurePipelinesCredential(tenant, "client", "connection", "system-token", host);
        } finally {
          if (saved === undefined) delete process.env.SYSTEM_OIDCREQUESTURI;
          else process.env.SYSTEM_OIDCREQUESTURI = saved;
        }
      },
      AzurePowerShellCredential: () => new azid.AzurePowerShellCredential(),
      ChainedTokenCredential: () => new azid.ChainedTokenCredential(new azid.ClientSecretCredential(tenant, "client", "secret", host)),
      ClientAssertionCredential: () => new azid.ClientAssertionCredential(tenant, "client", async () => "assertion", host),
      ClientCertificateCredential: () => new azid.ClientCertificateCredential(tenant, "client", cert, host),
      ClientSecretCredential: () => new azid.ClientSecretCredential(tenant, "client", "secret", host),
      DefaultAzureCredential: () => new azid.DefaultAzureCredential(host),
      DeviceCodeCredential: () => new azid.DeviceCodeCredential({ ...host, tenantId: tenant }),
      EnvironmentCredential: () => new azid.EnvironmentCredential(host),
      InteractiveBrowserCredential: () => new azid.InteractiveBrowserCredential({ ...host, tenantId: tenant }),
      ManagedIdentityCredential: () => new azid.ManagedIdentityCredential(),
      OnBehalfOfCredential: () =>
        new azid.OnBehalfOfCredential({ ...host, tenantId: tenant, clientId: "client", clientSecret: "secret", userAssertionToken: "assertion" }),
      SharedTokenCacheCredential: () => new azid.SharedTokenCacheCredential(host),
      UsernamePasswordCredential: () => new azid.UsernamePasswordCredential(tenant, "client", "user@contoso.com", "password", host),
      VisualStudioCodeCredential: () => new azid.VisualStudioCodeCredential(host),
      WorkloadIdentityCredential: () => new azid.WorkloadIdentityCredential({ ...host, tenantId: tenant, clientId: "client", tokenFilePath: cert }),
    };
    // A credential class added to the API without an entry here fails this line.
    const exported = Object.entries(azid)
      .filter(([name, value]) => /Credential$/.test(name) && typeof value === "function" && /^class /.test(Function.prototype.toString.call(value)))
      .map(([name]) => name)
      .sort();
    assert.deepEqual(exported, Object.keys(make).sort());
    const before = env.emu.requests.length;
    for (const [name, create] of Object.entries(make)) {
      for (const end of ["close", "asyncDispose"] as const) {
        const credential = create();
        assert.equal(typeof credential.close, "function", `${name}.close`);
        assert.equal(typeof credential[Symbol.asyncDispose], "function", `${name}[Symbol.asyncDispose]`);
        await (end === "close" ? credential.close() : credential[Symbol.asyncDispose]());
        const error = await credential.getToken(STORAGE).then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(error instanceof CredentialClosedError, `${name} after ${end}: ${String(error)}`);
        assert.ok(error.message.startsWith(`${name} was closed`), error.message);
      }
    }
    assert.equal(env.emu.requests.length, before, "a closed credential sent nothing");
  });

  it("getToken after close() rejects with a message naming the credential; close() twice is fine", async () => {
    const { clientId, secret } = env.addApp();
    const credential = new ClientSecretCredential(env.tenantId, clientId, secret, env.options);
    await credential.getToken(STORAGE);
    await credential.close();
    await credential.close();
    const error = await credential.getToken(STORAGE).catch((e: unknown) => e);
    assert.ok(error instanceof CredentialClosedError);
    assert.match(error.message, /^ClientSecretCredential was closed/);
    // Another instance with the same identity keeps its cached token.
    const twin = new ClientSecretCredential(env.tenantId, clientId, secret, env.options);
    const before = env.tokenRequests().length;
    await twin.getToken(STORAGE);
    assert.equal(env.tokenRequests().length, before);
  });

  it("a chain closes its members, and a closed chain refuses even members without close()", async () => {
    const { clientId, secret } = env.addApp();
    const member = new ClientSecretCredential(env.tenantId, clientId, secret, env.options);
    const plain: TokenCredential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const chain = new ChainedTokenCredential(member, plain);
    await chain.close();
    await assert.rejects(member.getToken(STORAGE), CredentialClosedError);
    await assert.rejects(chain.getToken(STORAGE), /ChainedTokenCredential was closed/);
  });

  it("a closed DefaultAzureCredential refuses even its sticky member, which it closed too; a closed ManagedIdentityCredential refuses too", async () => {
    const { clientId, secret } = env.addApp();
    const saved = { ...process.env };
    Object.assign(process.env, {
      AZURE_TENANT_ID: env.tenantId,
      AZURE_CLIENT_ID: clientId,
      AZURE_CLIENT_SECRET: secret,
      AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:1",
    });
    try {
      const dac = new DefaultAzureCredential(env.options);
      const { credential: member } = await dac.getTokenWithSource(STORAGE); // EnvironmentCredential answers and becomes sticky
      await dac.close();
      await assert.rejects(dac.getToken(STORAGE), (e: unknown) => e instanceof CredentialClosedError && /^DefaultAzureCredential was closed/.test(e.message));
      // DefaultAzureCredential closed its members too: the member itself refuses.
      await assert.rejects(member.getToken(STORAGE), (e: unknown) => e instanceof CredentialClosedError && /^EnvironmentCredential was closed/.test(e.message));
      const mi = new ManagedIdentityCredential();
      await mi.close();
      await assert.rejects(mi.getToken(STORAGE), CredentialClosedError);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it("close() ends the credential's keep-alive connection to the token service at once", async () => {
    const relay = await startRelay();
    try {
      const { clientId, secret } = env.addApp();
      // tlsOptions gives the credential a transport of its own, which close() ends entirely.
      const credential = new ClientSecretCredential(env.tenantId, clientId, secret, { ...env.options, authorityHost: relay.url });
      await credential.getToken(STORAGE);
      assert.equal(relay.open.size, 1, "the keep-alive connection is open after the token arrived");
      const closed = closedWithin(relay.open, 1_000);
      await credential.close();
      assert.equal(await closed, true, "the connection ended within 1 s of close()");
    } finally {
      relay.server.close();
    }
  });

  it("the shared default transport ends only its idle connections: another credential's request in flight completes", async () => {
    const relay = await startRelay();
    try {
      const shared = createNodeHttpClient({ ca: env.emu.caCertPem }, true);
      const discovery = `${relay.url}/${env.tenantId}/v2.0/.well-known/openid-configuration`;
      await shared.sendRequest({ method: "GET", url: discovery, headers: {}, timeoutMs: 5_000 });
      assert.equal(relay.open.size, 1);
      const idle = closedWithin(relay.open, 1_000);
      shared.closeConnections();
      assert.equal(await idle, true, "the idle keep-alive connection ended");
      const inFlight = shared.sendRequest({ method: "GET", url: discovery, headers: {}, timeoutMs: 5_000 });
      shared.closeConnections(); // another credential closes while this request is on its way
      assert.equal((await inFlight).status, 200);
    } finally {
      relay.server.close();
    }
  });

  it("managed identity: credentials share one keep-alive connection per endpoint; closing one leaves it to the others, the last close ends it", async () => {
    const relay = await startRelay(env.emu.managedIdentity.httpUrl);
    const saved = process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = relay.url; // this relay's port: a client of its own in the shared table
    try {
      const first = new ManagedIdentityCredential();
      const second = new ManagedIdentityCredential();
      await first.getToken(STORAGE);
      assert.equal(relay.open.size, 1, "the keep-alive connection is open after the token arrived");
      await first.close();
      // The second credential is still using the shared client: its next request reuses the same connection.
      await second.getToken("https://vault.azure.net/.default");
      assert.equal(relay.accepted(), 1, "no new connection: closing the first credential did not end the shared pool");
      assert.equal(relay.open.size, 1);
      const closed = closedWithin(relay.open, 1_000);
      await second.close();
      assert.equal(await closed, true, "the last credential's close() ended the connection within 1 s");
      // A credential created afterwards gets a fresh client and works.
      const third = new ManagedIdentityCredential();
      await third.getToken("https://graph.microsoft.com/.default");
      assert.equal(relay.accepted(), 2);
      await third.close();
    } finally {
      if (saved === undefined) delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
      else process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = saved;
      relay.server.close();
    }
  });

  it("close() during a device-code sign-in stops the polling at once", async () => {
    let shown = false;
    const credential = new DeviceCodeCredential({
      ...env.options,
      tenantId: env.tenantId,
      userPromptCallback: () => {
        shown = true;
        setTimeout(() => void credential.close(), 20);
      },
    });
    const started = Date.now();
    const error = await credential.getToken(STORAGE).catch((e: unknown) => e);
    assert.ok(shown, "the code was shown");
    assert.ok(error instanceof CredentialClosedError, String(error));
    assert.ok(Date.now() - started < 5_000);
  });
});
