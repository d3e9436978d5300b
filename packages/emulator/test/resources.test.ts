import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_PASSWORD,
  DEFAULT_PUBLIC_CLIENT_ID,
  DEFAULT_TENANT_DOMAIN,
  DEFAULT_TENANT_ID,
  DEFAULT_USERNAME,
  loadEmulatorConfig,
  EmulatorConfigError,
} from "@azid/emulator";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { send, startTestEmulator, tempDir, tokenPath } from "./support/client.js";
import { miRequest, withQuery } from "./support/managedIdentity.js";

describe("resources must be known (AADSTS500011)", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(() => emu.stop());

  const appToken = (scope: string) =>
    send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: { grant_type: "client_credentials", client_id: DEFAULT_CLIENT_ID, client_secret: DEFAULT_CLIENT_SECRET, scope },
    });
  const userToken = (scope: string) =>
    send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: { grant_type: "password", client_id: DEFAULT_PUBLIC_CLIENT_ID, username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD, scope },
    });

  const assertUnknown = (res: Awaited<ReturnType<typeof send>>, resource: string) => {
    assert.equal(res.status, 400, res.body);
    assert.equal(res.json.error, "invalid_resource");
    assert.deepEqual(res.json.error_codes, [500011]);
    assert.match(
      String(res.json.error_description),
      new RegExp(
        `^AADSTS500011: The resource principal named ${resource.replace(/[.*/]/g, "\\$&")} was not found in the tenant named ${DEFAULT_TENANT_DOMAIN}\\. This can happen if the application has not been installed`,
      ),
    );
    assert.equal(res.json.access_token, undefined);
  };

  it("refuses an app-only token for an unknown app ID URI, in Entra's shape", async () => {
    assertUnknown(await appToken("api://unknown-app/.default"), "api://unknown-app");
  });

  it("refuses a delegated token for an unknown resource, and unknown permissions' hosts", async () => {
    assertUnknown(await userToken("https://unknown.example/Files.Read openid"), "https://unknown.example");
  });

  it("knows Microsoft's resources with or without a trailing slash, in any case, and their app ids", async () => {
    for (const scope of [
      "https://management.azure.com//.default",
      "https://Management.Core.Windows.Net/.default",
      "https://vault.azure.net/.default",
      "https://graph.microsoft.com/.default",
      "https://database.windows.net/.default",
      "https://servicebus.azure.net/.default",
      "https://eventhubs.azure.net/.default",
      "https://cognitiveservices.azure.com/.default",
      "https://monitor.azure.com/.default",
      "e406a681-f3d4-42a8-90b6-c2b029497af1/.default",
    ]) {
      const res = await appToken(scope);
      assert.equal(res.status, 200, `${scope}: ${res.body}`);
    }
  });

  it("matches a storage account's own audience (one DNS label), not anything under the domain", async () => {
    assert.equal((await appToken("https://devstoreaccount1.blob.core.windows.net/.default")).status, 200);
    assertUnknown(await appToken("https://a.b.blob.core.windows.net/.default"), "https://a.b.blob.core.windows.net");
    assertUnknown(await appToken("https://evil.example/x.blob.core.windows.net/.default"), "https://evil.example/x.blob.core.windows.net");
  });

  it("knows the tenant's apps by client id, api://<client id> and identifier URIs", async () => {
    assert.equal((await appToken(`api://${DEFAULT_CLIENT_ID}/.default`)).status, 200);
    assert.equal((await appToken(`${DEFAULT_CLIENT_ID}/.default`)).status, 200);
    assertUnknown(await appToken("api://orders/.default"), "api://orders");
    emu.config.tenants[0]!.apps[0]!.identifierUris = ["api://orders"];
    const res = await appToken("api://orders/.default");
    assert.equal(res.status, 200, res.body);
    assert.equal(emu.decodeToken(String(res.json.access_token)).payload.aud, "api://orders");
  });

  it("honours the configured resources list, live", async () => {
    assertUnknown(await appToken("https://contoso.example/.default"), "https://contoso.example");
    emu.config.resources = ["https://contoso.example"];
    assert.equal((await appToken("https://contoso.example/.default")).status, 200);
  });

  it("refuses unknown resources at the device code and authorize endpoints before any sign-in", async () => {
    const device = await send(emu, `/${DEFAULT_TENANT_ID}/oauth2/v2.0/devicecode`, {
      form: { client_id: DEFAULT_PUBLIC_CLIENT_ID, scope: "api://nobody/.default" },
    });
    assertUnknown(device, "api://nobody");
    const query = new URLSearchParams({
      client_id: DEFAULT_PUBLIC_CLIENT_ID,
      response_type: "code",
      redirect_uri: "http://localhost:5000",
      scope: "api://nobody/.default",
      code_challenge: "a".repeat(43),
      code_challenge_method: "S256",
      state: "s1",
    });
    const authorize = await send(emu, `/${DEFAULT_TENANT_ID}/oauth2/v2.0/authorize?${query}`);
    assert.equal(authorize.status, 302, authorize.body);
    const location = new URL(String(authorize.headers.location));
    assert.equal(location.searchParams.get("error"), "invalid_resource");
    assert.match(location.searchParams.get("error_description") ?? "", /^AADSTS500011: The resource principal named api:\/\/nobody was not found/);
  });
});

describe("managed identity hosts relay AADSTS500011 in their own error shape", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(() => emu.stop());
  const UNKNOWN = "api://unknown-app";
  const described = /^AADSTS500011: The resource principal named api:\/\/unknown-app was not found/;

  it("IMDS: {error: invalid_resource, error_description}", async () => {
    const res = await miRequest(
      withQuery(`${emu.managedIdentity.httpUrl}/metadata/identity/oauth2/token`, { "api-version": "2018-02-01", resource: UNKNOWN }),
      { headers: { Metadata: "true" } },
    );
    assert.equal(res.status, 400, res.body);
    assert.equal(res.json.error, "invalid_resource");
    assert.match(String(res.json.error_description), described);
    assert.equal(res.json.access_token, undefined);
  });

  it("App Service: {statusCode, message}", async () => {
    const env = emu.managedIdentity.env("appService");
    const res = await miRequest(withQuery(env.IDENTITY_ENDPOINT!, { "api-version": "2019-08-01", resource: UNKNOWN }), {
      headers: { "X-IDENTITY-HEADER": env.IDENTITY_HEADER! },
    });
    assert.equal(res.status, 400, res.body);
    assert.equal(res.json.statusCode, 400);
    assert.match(String(res.json.message), described);
  });

  it("a known resource still gets its token on the same host", async () => {
    const res = await miRequest(
      withQuery(`${emu.managedIdentity.httpUrl}/metadata/identity/oauth2/token`, { "api-version": "2018-02-01", resource: "https://management.azure.com/" }),
      { headers: { Metadata: "true" } },
    );
    assert.equal(res.status, 200, res.body);
  });
});

describe("resources in a configuration file", () => {
  it("reads resources and identifierUris, and names a bad entry", () => {
    const dir = tempDir("resources");
    const good = join(dir, "good.json");
    writeFileSync(
      good,
      JSON.stringify({
        resources: ["https://contoso.example"],
        tenants: [{ id: DEFAULT_TENANT_ID, apps: [{ clientId: "x", identifierUris: ["api://x"] }], users: [] }],
      }),
    );
    const config = loadEmulatorConfig(good);
    assert.deepEqual(config.resources, ["https://contoso.example"]);
    assert.deepEqual(config.tenants[0]!.apps[0]!.identifierUris, ["api://x"]);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ resources: ["ok", 7], tenants: [{ id: DEFAULT_TENANT_ID, apps: [], users: [] }] }));
    assert.throws(
      () => loadEmulatorConfig(bad),
      (error: unknown) => error instanceof EmulatorConfigError && error.field === "resources[1]",
    );
  });
});
