// Azure Arc's challenge-response (protocols.md 3.5) over real HTTP, with the key file on disk.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { DEFAULT_SYSTEM_IDENTITY_CLIENT_ID, DEFAULT_USER_IDENTITY_CLIENT_ID } from "@azid/emulator";
import { startTestEmulator, tempDir } from "./support/client.js";
import { miRequest, payloadOf, withQuery } from "./support/managedIdentity.js";

const RESOURCE = "https://management.azure.com";

describe("Azure Arc", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator({ recordSecrets: true }); // these tests assert the secret each client sent
  });
  after(() => emu.stop());

  const env = () => emu.managedIdentity.env("azureArc");
  const arc = (query: Record<string, string> = {}, headers: Record<string, string> = { Metadata: "true" }) =>
    miRequest(withQuery(env().IDENTITY_ENDPOINT!, { "api-version": "2020-06-01", resource: RESOURCE, ...query }), { headers });
  const realmOf = (header: string | string[] | undefined) => /^Basic realm=(.+)$/.exec(String(header))?.[1];

  it("announces IDENTITY_ENDPOINT and IMDS_ENDPOINT", () => {
    assert.deepEqual(env(), {
      IDENTITY_ENDPOINT: `${emu.managedIdentity.httpUrl}/azureArc/metadata/identity/oauth2/token`,
      IMDS_ENDPOINT: `${emu.managedIdentity.httpUrl}/azureArc`,
    });
  });

  it("challenges with a key file, then issues a token for Authorization: Basic <file contents>", async () => {
    const challenge = await arc();
    assert.equal(challenge.status, 401);
    const realm = realmOf(challenge.headers["www-authenticate"]);
    assert.ok(realm, `WWW-Authenticate: ${String(challenge.headers["www-authenticate"])}`);
    assert.equal(dirname(realm), emu.managedIdentity.arcTokenDirectory);
    assert.match(realm, /\.key$/);
    const stat = statSync(realm);
    assert.ok(stat.size > 0 && stat.size <= 4096, `size ${stat.size}`);
    if (process.platform !== "win32") assert.equal(stat.mode & 0o777, 0o600);

    const secret = readFileSync(realm, "utf8");
    const res = await arc({}, { Metadata: "true", Authorization: `Basic ${secret}` });
    assert.equal(res.status, 200, res.body);
    for (const field of ["access_token", "expires_in", "expires_on", "ext_expires_in", "not_before", "resource", "token_type"])
      assert.equal(typeof res.json[field], "string", field);
    assert.equal(payloadOf(res.json.access_token).appid, DEFAULT_SYSTEM_IDENTITY_CLIENT_ID);

    const recorded = emu.requests.filter((r) => r.route === "azureArc").slice(-2);
    assert.deepEqual(
      recorded.map((r) => r.status),
      [401, 200],
    );
    assert.equal(recorded[1]!.headers.authorization, `Basic ${secret}`);
  });

  it("answers a wrong secret with a fresh challenge", async () => {
    const first = realmOf((await arc()).headers["www-authenticate"])!;
    const wrong = await arc({}, { Metadata: "true", Authorization: "Basic not-the-secret" });
    assert.equal(wrong.status, 401);
    const second = realmOf(wrong.headers["www-authenticate"]);
    assert.ok(second !== undefined && second !== first);
    assert.equal((await arc({}, { Metadata: "true", Authorization: `Basic ${readFileSync(second, "utf8")}` })).status, 200);
  });

  it("requires Metadata: true and an api-version before challenging", async () => {
    const noMetadata = await arc({}, {});
    assert.equal(noMetadata.status, 400);
    assert.equal(noMetadata.headers["www-authenticate"], undefined);
    const noVersion = await miRequest(withQuery(env().IDENTITY_ENDPOINT!, { resource: RESOURCE }), { headers: { Metadata: "true" } });
    assert.equal(noVersion.status, 400);
  });

  it("supports only the system-assigned identity: any selector is a 400", async () => {
    for (const parameter of ["client_id", "object_id", "msi_res_id"]) {
      const res = await arc({ [parameter]: DEFAULT_USER_IDENTITY_CLIENT_ID });
      assert.equal(res.status, 400, parameter);
      assert.equal(res.json.error, "invalid_request");
      assert.match(String(res.json.error_description), /only the system-assigned/);
    }
  });

  it("can be made to fail with a fault", async () => {
    emu.faults.add({ route: "azureArc", status: 503, times: 1 });
    assert.equal((await arc()).status, 503);
    assert.equal((await arc()).status, 401);
  });
});

describe("Azure Arc key directory", () => {
  it("writes to managedIdentity.arcTokenDirectory and removes its files on close", async () => {
    const directory = join(tempDir("arc"), "tokens");
    const emu = await startTestEmulator({ managedIdentity: { arcTokenDirectory: directory } });
    let realm: string;
    try {
      assert.equal(emu.managedIdentity.arcTokenDirectory, directory);
      const url = withQuery(emu.managedIdentity.env("azureArc").IDENTITY_ENDPOINT!, { "api-version": "2020-06-01", resource: RESOURCE });
      realm = /realm=(.+)$/.exec(String((await miRequest(url, { headers: { Metadata: "true" } })).headers["www-authenticate"]))![1]!;
      assert.equal(dirname(realm), directory);
      assert.ok(existsSync(realm));
    } finally {
      await emu.stop();
    }
    assert.ok(!existsSync(realm), "the key file is removed on close");
    assert.ok(existsSync(directory), "a directory the caller chose is left in place");
    rmSync(dirname(directory), { recursive: true, force: true });
  });

  it("by default uses a temporary directory that close() removes", async () => {
    const emu = await startTestEmulator();
    const directory = emu.managedIdentity.arcTokenDirectory;
    assert.ok(existsSync(directory));
    await emu.stop();
    assert.ok(!existsSync(directory));
  });
});
