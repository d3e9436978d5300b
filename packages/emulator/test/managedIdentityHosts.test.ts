// App Service (protocols.md 3.4), Azure Machine Learning (3.8) and Cloud Shell (3.7) over real HTTP.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_SYSTEM_IDENTITY_CLIENT_ID,
  DEFAULT_SYSTEM_IDENTITY_OBJECT_ID,
  DEFAULT_USER_IDENTITY_CLIENT_ID,
  DEFAULT_USER_IDENTITY_OBJECT_ID,
  DEFAULT_USER_IDENTITY_RESOURCE_ID,
} from "@azid/emulator";
import { startTestEmulator } from "./support/client.js";
import { miRequest, payloadOf, withQuery } from "./support/managedIdentity.js";

const RESOURCE = "https://vault.azure.net";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const nowSeconds = () => Math.floor(Date.now() / 1000);

let emu: Awaited<ReturnType<typeof startTestEmulator>>;
before(async () => {
  emu = await startTestEmulator({ recordSecrets: true }); // these tests assert the secret each client sent
});
after(() => emu.stop());

describe("App Service (2019-08-01)", () => {
  const env = () => emu.managedIdentity.env("appService");
  const appService = (query: Record<string, string>, headers: Record<string, string> = { "X-IDENTITY-HEADER": env().IDENTITY_HEADER! }) =>
    miRequest(withQuery(env().IDENTITY_ENDPOINT!, { "api-version": "2019-08-01", resource: RESOURCE, ...query }), { headers });

  it("announces IDENTITY_ENDPOINT and IDENTITY_HEADER", () => {
    assert.deepEqual(Object.keys(env()).sort(), ["IDENTITY_ENDPOINT", "IDENTITY_HEADER"]);
    assert.equal(env().IDENTITY_ENDPOINT, `${emu.managedIdentity.httpUrl}/appService/msi/token`);
    assert.ok(env().IDENTITY_HEADER!.length >= 16);
  });

  it("issues the system-assigned identity's token: expires_on an epoch-seconds string, client_id echoed", async () => {
    const res = await appService({});
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(Object.keys(res.json).sort(), ["access_token", "client_id", "expires_on", "resource", "token_type"]);
    assert.match(String(res.json.expires_on), /^\d+$/);
    assert.ok(Math.abs(Number(res.json.expires_on) - nowSeconds() - 86400) <= 2);
    assert.equal(res.json.client_id, DEFAULT_SYSTEM_IDENTITY_CLIENT_ID);
    assert.equal(payloadOf(res.json.access_token).oid, DEFAULT_SYSTEM_IDENTITY_OBJECT_ID);
    assert.equal(payloadOf(res.json.access_token).aud, RESOURCE);
  });

  for (const [parameter, value] of [
    ["client_id", DEFAULT_USER_IDENTITY_CLIENT_ID],
    ["object_id", DEFAULT_USER_IDENTITY_OBJECT_ID],
    ["principal_id", DEFAULT_USER_IDENTITY_OBJECT_ID],
    ["mi_res_id", DEFAULT_USER_IDENTITY_RESOURCE_ID],
  ] as const) {
    it(`selects the user-assigned identity by ${parameter}`, async () => {
      const res = await appService({ [parameter]: value });
      assert.equal(res.status, 200, res.body);
      assert.equal(res.json.client_id, DEFAULT_USER_IDENTITY_CLIENT_ID);
      assert.equal(payloadOf(res.json.access_token).xms_mirid, DEFAULT_USER_IDENTITY_RESOURCE_ID);
    });
  }

  it("rejects a missing or wrong X-IDENTITY-HEADER with 401 in App Service's error shape", async () => {
    for (const headers of [{}, { "X-IDENTITY-HEADER": "wrong" }] as Record<string, string>[]) {
      const res = await appService({}, headers);
      assert.equal(res.status, 401);
      assert.equal(res.json.statusCode, 401);
      assert.equal(typeof res.json.message, "string");
      assert.match(String(res.json.correlationId), GUID);
    }
  });

  it("answers an unknown identity like App Service: 400 Unable to load the proper Managed Identity.", async () => {
    const res = await appService({ client_id: "00000000-0000-0000-0000-000000000000" });
    assert.equal(res.status, 400);
    assert.equal(res.json.statusCode, 400);
    assert.equal(res.json.message, "Unable to load the proper Managed Identity.");
  });

  it("requires api-version 2019-08-01 and a resource", async () => {
    assert.equal((await appService({ "api-version": "2017-09-01" })).status, 400);
    const noResource = await miRequest(withQuery(env().IDENTITY_ENDPOINT!, { "api-version": "2019-08-01" }), {
      headers: { "X-IDENTITY-HEADER": env().IDENTITY_HEADER! },
    });
    assert.equal(noResource.status, 400);
    assert.match(String(noResource.json.message), /resource/);
  });

  it("records the request under the appService route", async () => {
    const before = emu.requests.length;
    await appService({ client_id: DEFAULT_USER_IDENTITY_CLIENT_ID });
    const [recorded] = emu.requests.slice(before);
    assert.equal(recorded?.route, "appService");
    assert.equal(recorded?.headers["x-identity-header"], env().IDENTITY_HEADER);
  });

  it("uses App Service's error shape for status-only faults", async () => {
    emu.faults.add({ route: "appService", status: 500, times: 1 });
    const res = await appService({});
    assert.equal(res.status, 500);
    assert.equal(res.json.statusCode, 500);
  });
});

describe("Azure Machine Learning (2017-09-01)", () => {
  const env = () => emu.managedIdentity.env("azureMl");
  const azureMl = (query: Record<string, string>, headers: Record<string, string> = { secret: env().MSI_SECRET!, Metadata: "true" }) =>
    miRequest(withQuery(env().MSI_ENDPOINT!, { "api-version": "2017-09-01", resource: RESOURCE, ...query }), { headers });

  it("announces MSI_ENDPOINT, MSI_SECRET and DEFAULT_IDENTITY_CLIENT_ID", () => {
    assert.equal(env().MSI_ENDPOINT, `${emu.managedIdentity.httpUrl}/azureMl/MSI/auth`);
    assert.ok(env().MSI_SECRET);
    assert.equal(env().DEFAULT_IDENTITY_CLIENT_ID, DEFAULT_SYSTEM_IDENTITY_CLIENT_ID);
  });

  it("issues the default identity's token for clientid=DEFAULT_IDENTITY_CLIENT_ID, expires_on an epoch string", async () => {
    const res = await azureMl({ clientid: env().DEFAULT_IDENTITY_CLIENT_ID! });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(Object.keys(res.json).sort(), ["access_token", "expires_on", "resource", "token_type"]);
    assert.match(String(res.json.expires_on), /^\d+$/);
    assert.equal(payloadOf(res.json.access_token).appid, DEFAULT_SYSTEM_IDENTITY_CLIENT_ID);
  });

  it("selects a user-assigned identity by clientid only", async () => {
    const res = await azureMl({ clientid: DEFAULT_USER_IDENTITY_CLIENT_ID });
    assert.equal(res.status, 200, res.body);
    assert.equal(payloadOf(res.json.access_token).appid, DEFAULT_USER_IDENTITY_CLIENT_ID);
    for (const [parameter, value] of [
      ["object_id", DEFAULT_USER_IDENTITY_OBJECT_ID],
      ["mi_res_id", DEFAULT_USER_IDENTITY_RESOURCE_ID],
      ["client_id", DEFAULT_USER_IDENTITY_CLIENT_ID],
    ] as const) {
      const refused = await azureMl({ [parameter]: value });
      assert.equal(refused.status, 400, parameter);
      assert.match(String(refused.json.error_description), /Only client id is supported/);
    }
  });

  it("rejects a missing or wrong secret with 401, an unknown clientid with 400", async () => {
    for (const headers of [{ Metadata: "true" }, { secret: "wrong" }] as Record<string, string>[]) {
      const res = await azureMl({}, headers);
      assert.equal(res.status, 401);
      assert.equal(typeof res.json.error, "string");
    }
    const unknown = await azureMl({ clientid: "00000000-0000-0000-0000-000000000000" });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.error_description, "Identity not found");
    assert.equal((await azureMl({ "api-version": "2019-08-01" })).status, 400);
  });
});

describe("Cloud Shell", () => {
  const env = () => emu.managedIdentity.env("cloudShell");
  const cloudShell = (form: Record<string, string>, headers: Record<string, string> = { Metadata: "true" }) =>
    miRequest(env().MSI_ENDPOINT!, { form, headers });

  it("announces MSI_ENDPOINT only", () => {
    assert.deepEqual(env(), { MSI_ENDPOINT: `${emu.managedIdentity.httpUrl}/cloudShell/oauth2/token` });
  });

  it("issues a token for a form POST with Metadata: true, values as strings", async () => {
    const res = await cloudShell({ resource: RESOURCE });
    assert.equal(res.status, 200, res.body);
    for (const field of ["access_token", "expires_in", "expires_on", "not_before", "resource", "token_type"])
      assert.equal(typeof res.json[field], "string", field);
    assert.equal(payloadOf(res.json.access_token).oid, DEFAULT_SYSTEM_IDENTITY_OBJECT_ID);
    const [recorded] = emu.requests.filter((r) => r.route === "cloudShell").slice(-1);
    assert.deepEqual(recorded?.form, { resource: RESOURCE });
  });

  it("requires Metadata: true, a resource and POST; refuses user-assigned selectors", async () => {
    assert.equal((await cloudShell({ resource: RESOURCE }, {})).json.error_description, "Required metadata header not specified");
    assert.equal((await cloudShell({})).status, 400);
    assert.equal((await miRequest(env().MSI_ENDPOINT!, { headers: { Metadata: "true" } })).status, 405);
    const selected = await cloudShell({ resource: RESOURCE, client_id: DEFAULT_USER_IDENTITY_CLIENT_ID });
    assert.equal(selected.status, 400);
    assert.match(String(selected.json.error_description), /only the system-assigned/);
  });
});

describe("the managed-identity listener", () => {
  it("answers unknown paths with 404 under the `other` route", async () => {
    const res = await miRequest(`${emu.managedIdentity.httpUrl}/nope`);
    assert.equal(res.status, 404);
    assert.equal(emu.requests.at(-1)?.route, "other");
  });

  it("does not serve the /_emulator/ control API", async () => {
    assert.equal((await miRequest(`${emu.managedIdentity.httpUrl}/_emulator/requests`)).status, 404);
  });

  it("rejects an unknown host name in env()", () => {
    assert.throws(() => emu.managedIdentity.env("vm" as "imds"), /Unknown managed identity host "vm"/);
  });
});
