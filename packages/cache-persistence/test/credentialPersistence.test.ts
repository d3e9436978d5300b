// @azid/identity's credentials with tokenCachePersistenceOptions, end to end: real child processes,
// each a new Node process that registers the plugin and builds a credential, against the emulator
// over real HTTPS; the emulator's request log counts what went over the wire. The cache here is the
// plaintext opt-in (each process would need the same D-Bus session for a keyring key; the encrypted
// path is covered by keyring.test.ts and the bench), so the tests can also look at the file itself.
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_PASSWORD,
  DEFAULT_PUBLIC_CLIENT_ID,
  DEFAULT_USERNAME,
  startEmulator,
  type Emulator,
} from "@azid/emulator";
import {
  AuthorizationCodeCredential,
  ClientAssertionCredential,
  ClientSecretCredential,
  DeviceCodeCredential,
  InteractiveBrowserCredential,
  OnBehalfOfCredential,
  PersistenceNotConfiguredError,
  UsernamePasswordCredential,
} from "@azid/identity";
import { PublicClientApplication, type ICachePlugin, type INetworkModule, type NetworkResponse } from "@azure/msal-node";
import { request as httpsRequest } from "node:https";
import { createHash } from "node:crypto";
import { deserializeAuthenticationRecord, serializeAuthenticationRecord } from "@azid/identity";
import { lastJson, runNode } from "./support/spawnNode.js";

const CHILD = fileURLToPath(new URL("./support/credentialChild.ts", import.meta.url));
const STORAGE = "https://storage.azure.com/.default";

let emu: Emulator;
let tenantId: string;
let home: string;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "azid-persist-emu-"));
  home = mkdtempSync(join(tmpdir(), "azid-persist-home-"));
  emu = await startEmulator({ dataDir, recordSecrets: true });
  tenantId = emu.config.tenants[0]!.id;
});
after(async () => {
  await emu?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

interface ChildResult {
  record?: string;
  token?: string;
  prompts?: number;
  error?: string;
  maxLockWaitMs: number;
  ms: number;
}

async function child(job: Record<string, unknown>, name: string): Promise<ChildResult> {
  const env = { ...process.env, HOME: home, NODE_EXTRA_CA_CERTS: emu.caCertPath, AZURE_AUTHORITY_HOST: emu.url };
  const result = await runNode(CHILD, [JSON.stringify({ tenantId, scope: STORAGE, name, unencrypted: true, ...job })], env);
  if (!result.stdout.includes("{")) return { error: `exit ${result.code}: ${result.stderr.slice(-2000)}`, maxLockWaitMs: 0, ms: 0 };
  return lastJson<ChildResult>(result.stdout);
}

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex").slice(0, 16);
const cachePath = (name: string) => join(home, ".IdentityService", `${name}.nocae`);

/** Marks every stored access token expired, as if an hour had passed. */
function expireAccessTokens(name: string): void {
  const cache = cacheFile(name);
  for (const entry of Object.values(cache.AccessToken ?? {})) entry.expires_on = entry.extended_expires_on = String(Math.floor(Date.now() / 1000) - 60);
  writeFileSync(cachePath(name), JSON.stringify(cache));
}

/** Token requests the emulator answered since `from` (an index into its log). */
function tokenRequestsSince(from: number) {
  return emu.requests.slice(from).filter((r) => r.route === "token");
}

function cacheFile(name: string): Record<string, Record<string, Record<string, string>>> {
  return JSON.parse(readFileSync(join(home, ".IdentityService", `${name}.nocae`), "utf8"));
}

describe("without the plugin", () => {
  // Runs first in this process: nothing has registered the plugin yet.
  test("every credential that takes tokenCachePersistenceOptions refuses it at construction, naming the package and the line to add", () => {
    const persistence = { tokenCachePersistenceOptions: { enabled: true } };
    const constructions: Array<[string, () => unknown]> = [
      ["DeviceCodeCredential", () => new DeviceCodeCredential(persistence)],
      ["InteractiveBrowserCredential", () => new InteractiveBrowserCredential(persistence)],
      ["UsernamePasswordCredential", () => new UsernamePasswordCredential("t", "c", "u", "p", persistence)],
      ["AuthorizationCodeCredential", () => new AuthorizationCodeCredential("t", "c", "code", "http://localhost", persistence)],
      ["ClientSecretCredential", () => new ClientSecretCredential("t", "c", "s", persistence)],
      ["ClientAssertionCredential", () => new ClientAssertionCredential("t", "c", async () => "a", persistence)],
      ["OnBehalfOfCredential", () => new OnBehalfOfCredential({ tenantId: "t", clientId: "c", clientSecret: "s", userAssertionToken: "u", ...persistence })],
    ];
    for (const [name, construct] of constructions) {
      assert.throws(construct, (error: unknown) => {
        assert.ok(error instanceof PersistenceNotConfiguredError, `${name}: ${String(error)}`);
        assert.match(error.message, new RegExp(`^${name}: `));
        assert.match(error.message, /npm install @azid\/cache-persistence/);
        assert.match(error.message, /useIdentityPlugin\(cachePersistencePlugin\)/);
        return true;
      });
    }
    // enabled: false is no request at all, and a bad name is the caller's mistake either way.
    new ClientSecretCredential("t", "c", "s", { tokenCachePersistenceOptions: { enabled: false } });
    assert.throws(() => new ClientSecretCredential("t", "c", "s", { tokenCachePersistenceOptions: { enabled: true, name: "../x" } }), RangeError);
  });
});

describe("across processes", () => {
  test("a user signed in by authenticate() in one process is signed in silently by the next: 0 prompts, 0 requests, then 1 refresh", async () => {
    const name = "restart-user";
    const first = await child({ action: "authenticate", clientId: DEFAULT_PUBLIC_CLIENT_ID, username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD }, name);
    assert.equal(first.error, undefined);
    const file = cacheFile(name);
    for (const section of ["AccessToken", "RefreshToken", "IdToken", "Account", "AppMetadata"]) {
      assert.equal(Object.keys(file[section] ?? {}).length, 1, `one ${section} entry`);
    }
    const [account] = Object.values(file.Account!);
    assert.equal(account!.username, DEFAULT_USERNAME);

    const mark = emu.requests.length;
    const second = await child({ action: "silent", clientId: DEFAULT_PUBLIC_CLIENT_ID, record: first.record }, name);
    assert.equal(second.error, undefined);
    assert.equal(second.prompts, 0);
    assert.equal(second.token, first.token, "the access token the first process stored");
    assert.equal(emu.requests.length - mark, 0, "no request at all while the access token is valid");

    // Time passes: the stored access token expires (rewritten in place, as a clock jump would).
    expireAccessTokens(name);
    const beforeRefresh = emu.requests.length;
    const third = await child({ action: "silent", clientId: DEFAULT_PUBLIC_CLIENT_ID, record: first.record }, name);
    assert.equal(third.error, undefined);
    assert.equal(third.prompts, 0);
    assert.notEqual(third.token, first.token);
    const requests = tokenRequestsSince(beforeRefresh);
    assert.deepEqual(
      requests.map((r) => r.form?.grant_type),
      ["refresh_token"],
    );
    // The refreshed token is stored for the next process.
    const mark4 = emu.requests.length;
    const fourth = await child({ action: "silent", clientId: DEFAULT_PUBLIC_CLIENT_ID, record: first.record }, name);
    assert.equal(fourth.token, third.token);
    assert.equal(emu.requests.length - mark4, 0);
  });

  test("a service principal restarting with a valid cached token makes 0 token requests", async () => {
    const [clientId, secret] = [DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET];
    const name = "restart-app";
    const mark = emu.requests.length;
    const first = await child({ action: "secret", clientId, secret }, name);
    assert.equal(first.error, undefined);
    assert.equal(tokenRequestsSince(mark).length, 1);
    const entries = Object.values(cacheFile(name).AccessToken!);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.home_account_id, "", "an app token has no account");
    const mark2 = emu.requests.length;
    const second = await child({ action: "secret", clientId, secret }, name);
    assert.equal(second.token, first.token);
    assert.equal(emu.requests.length - mark2, 0);

    // A CAE token goes to <name>.cae, apart: the .nocae token does not answer a CAE request, nor the other way round.
    const mark3 = emu.requests.length;
    const cae = await child({ action: "secret", clientId, secret, cae: true }, name);
    assert.equal(cae.error, undefined);
    assert.equal(tokenRequestsSince(mark3).length, 1);
    assert.notEqual(cae.token, first.token);
    assert.equal(Object.values(JSON.parse(readFileSync(join(home, ".IdentityService", `${name}.cae`), "utf8")).AccessToken).length, 1);
    assert.deepEqual(Object.keys(cacheFile(name).AccessToken!).length, 1, "the .nocae file is untouched");
    const mark4 = emu.requests.length;
    const caeAgain = await child({ action: "secret", clientId, secret, cae: true }, name);
    assert.equal(caeAgain.token, cae.token);
    assert.equal(emu.requests.length - mark4, 0);
  });
});

describe("many processes", () => {
  test("8 processes refreshing at once through real credentials lose no entry, keep the JSON valid and wait under 1 s for the lock", async () => {
    const name = "eight-writers";
    const first = await child({ action: "authenticate", clientId: DEFAULT_PUBLIC_CLIENT_ID, username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD }, name);
    assert.equal(first.error, undefined);
    expireAccessTokens(name);
    const mark = emu.requests.length;
    // Each process wants its own resource, so each refreshes (rotating the shared refresh token) and writes its own entry.
    const scopes = Array.from({ length: 8 }, (_, i) => `https://writer${i}.blob.core.windows.net/.default`);
    const results = await Promise.all(
      scopes.map((scope) => child({ action: "silent", clientId: DEFAULT_PUBLIC_CLIENT_ID, record: first.record, scope }, name)),
    );
    for (const result of results) {
      assert.equal(result.error, undefined);
      assert.equal(result.prompts, 0);
      assert.ok(result.maxLockWaitMs < 1000, `waited ${result.maxLockWaitMs} ms for the lock`);
    }
    assert.equal(tokenRequestsSince(mark).length, 8, "one refresh per process");
    const cache = cacheFile(name); // parses: the JSON is valid
    const targets = Object.values(cache.AccessToken!).map((entry) => entry.target!);
    for (const scope of scopes)
      assert.ok(
        targets.some((target) => target.split(" ").includes(scope)),
        `${scope} kept`,
      );
    assert.equal(Object.keys(cache.RefreshToken!).length, 1, "one refresh token: the newest");
    assert.equal(Object.keys(cache.Account!).length, 1);
    assert.equal(Object.keys(cache.IdToken!).length, 1);
  });
});

describe("msal-node", () => {
  /** msal-node's HTTP goes to the emulator, trusting its CA; every request is counted. */
  let msalRequests = 0;
  const networkClient: INetworkModule = {
    sendGetRequestAsync: (url, options) => send("GET", url, options),
    sendPostRequestAsync: (url, options) => send("POST", url, options),
  };
  function send<T>(method: string, url: string, options?: { headers?: Record<string, string>; body?: string }): Promise<NetworkResponse<T>> {
    msalRequests++;
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, { method, ca: emu.caCertPem, headers: options?.headers ?? {} }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body: JSON.parse(text || "{}") as T }));
      });
      req.on("error", reject);
      req.end(options?.body);
    });
  }
  function filePlugin(name: string): ICachePlugin {
    return {
      async beforeCacheAccess(context) {
        try {
          context.tokenCache.deserialize(readFileSync(cachePath(name), "utf8"));
        } catch {
          // no file yet
        }
      },
      async afterCacheAccess(context) {
        if (context.cacheHasChanged) writeFileSync(cachePath(name), context.tokenCache.serialize(), { mode: 0o600 });
      },
    };
  }
  function app(name: string): PublicClientApplication {
    const host = new URL(emu.url).host;
    return new PublicClientApplication({
      auth: { clientId: DEFAULT_PUBLIC_CLIENT_ID, authority: `${emu.url}/${tenantId}`, knownAuthorities: [host] },
      cache: { cachePlugin: filePlugin(name) },
      system: { networkClient },
    });
  }

  test("msal-node signs in silently from the cache azid wrote, with no request", async () => {
    const name = "azid-to-msal";
    const first = await child({ action: "authenticate", clientId: DEFAULT_PUBLIC_CLIENT_ID, username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD }, name);
    assert.equal(first.error, undefined);
    const pca = app(name);
    const accounts = await pca.getTokenCache().getAllAccounts();
    assert.deepEqual(
      accounts.map((a) => a.username),
      [DEFAULT_USERNAME],
    );
    const record = deserializeAuthenticationRecord(first.record!);
    assert.equal(accounts[0]!.homeAccountId, record.homeAccountId);
    const before = msalRequests;
    const mark = emu.requests.length;
    const result = await pca.acquireTokenSilent({ account: accounts[0]!, scopes: [STORAGE] });
    const onlyMetadata = emu.requests.slice(mark).filter((r) => r.route === "token");
    assert.equal(onlyMetadata.length, 0, "no token request");
    assert.equal(result.fromCache, true);
    assert.equal(hashOf(result.accessToken), first.token);
    assert.ok(msalRequests - before <= 1, "at most msal-node's own authority metadata lookup");
  });

  test("azid signs in silently from the cache msal-node wrote, with no request", async () => {
    const name = "msal-to-azid";
    const pca = app(name);
    const signedIn = await pca.acquireTokenByUsernamePassword({ scopes: [STORAGE], username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD });
    assert.ok(signedIn?.account);
    const record = serializeAuthenticationRecord({
      authority: new URL(emu.url).host,
      homeAccountId: signedIn.account.homeAccountId,
      clientId: DEFAULT_PUBLIC_CLIENT_ID,
      tenantId: signedIn.account.tenantId,
      username: signedIn.account.username,
    });
    const mark = emu.requests.length;
    const result = await child({ action: "silent", clientId: DEFAULT_PUBLIC_CLIENT_ID, record }, name);
    assert.equal(result.error, undefined);
    assert.equal(result.token, hashOf(signedIn.accessToken));
    assert.equal(emu.requests.length - mark, 0);
    // And azid's refresh, through msal-node's refresh token, is written where msal-node finds it again.
    expireAccessTokens(name);
    const refreshed = await child({ action: "silent", clientId: DEFAULT_PUBLIC_CLIENT_ID, record }, name);
    assert.equal(refreshed.error, undefined);
    const [account] = await app(name).getTokenCache().getAllAccounts();
    const again = await app(name).acquireTokenSilent({ account: account!, scopes: [STORAGE] });
    assert.equal(hashOf(again.accessToken), refreshed.token);
  });
});

describe("MSAL Python", () => {
  const PYTHON = "/usr/bin/python3";
  const helper = fileURLToPath(new URL("./fixtures/pythonMsalCache.py", import.meta.url));
  const available = existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import msal"]).status === 0;
  const skip = available ? false : "Debian's python3-msal is not installed (scripts/system-deps.mjs installs azure-cli, which brings it)";
  function python(args: string[], input?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(PYTHON, [helper, ...args], { stdio: ["pipe", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`python exited ${code}: ${err.slice(-1500)}`))));
      child.stdin.end(input ?? "");
    });
  }

  test("MSAL Python's TokenCache finds the account, access token and refresh token azid wrote", { skip }, async () => {
    const name = "azid-to-python";
    const first = await child({ action: "authenticate", clientId: DEFAULT_PUBLIC_CLIENT_ID, username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD }, name);
    assert.equal(first.error, undefined);
    const found = JSON.parse(await python(["read", cachePath(name), DEFAULT_PUBLIC_CLIENT_ID, STORAGE])) as {
      usernames: string[];
      token: string;
      refreshTokens: number;
    };
    assert.deepEqual(found, { usernames: [DEFAULT_USERNAME], token: first.token, refreshTokens: 1 });
  });

  test("azid signs in silently from the cache MSAL Python wrote, with no request", { skip }, async () => {
    const name = "python-to-azid";
    const tokenEndpoint = `${emu.url}/${tenantId}/oauth2/v2.0/token`;
    const form = new URLSearchParams({
      client_id: DEFAULT_PUBLIC_CLIENT_ID,
      grant_type: "password",
      username: DEFAULT_USERNAME,
      password: DEFAULT_PASSWORD,
      scope: `${STORAGE} openid profile offline_access`,
      client_info: "1",
    }).toString();
    const response = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(
        tokenEndpoint,
        { method: "POST", ca: emu.caCertPem, headers: { "content-type": "application/x-www-form-urlencoded" } },
        (res) => {
          let text = "";
          res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
          res.on("end", () => resolve(text));
        },
      );
      req.on("error", reject);
      req.end(form);
    });
    mkdirSync(join(home, ".IdentityService"), { recursive: true, mode: 0o700 });
    const account = JSON.parse(await python(["write", cachePath(name), DEFAULT_PUBLIC_CLIENT_ID, STORAGE, tokenEndpoint], response)) as {
      homeAccountId: string;
      username: string;
      realm: string;
    };
    chmodSync(cachePath(name), 0o600);
    const record = serializeAuthenticationRecord({
      authority: new URL(emu.url).host,
      homeAccountId: account.homeAccountId,
      clientId: DEFAULT_PUBLIC_CLIENT_ID,
      tenantId: account.realm,
      username: account.username,
    });
    const mark = emu.requests.length;
    const result = await child({ action: "silent", clientId: DEFAULT_PUBLIC_CLIENT_ID, record }, name);
    assert.equal(result.error, undefined);
    assert.equal(result.token, hashOf((JSON.parse(response) as { access_token: string }).access_token));
    assert.equal(emu.requests.length - mark, 0);
  });
});
