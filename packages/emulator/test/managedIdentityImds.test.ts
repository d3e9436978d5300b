// IMDS (protocols.md 3.3) over real HTTP: selectors, errors, the probe, token claims and faults.
import { describe, it, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import {
  defaultEmulatorConfig,
  DEFAULT_SYSTEM_IDENTITY_CLIENT_ID,
  DEFAULT_SYSTEM_IDENTITY_OBJECT_ID,
  DEFAULT_TENANT_ID,
  DEFAULT_USER_IDENTITY_CLIENT_ID,
  DEFAULT_USER_IDENTITY_OBJECT_ID,
  DEFAULT_USER_IDENTITY_RESOURCE_ID,
} from "@azid/emulator";
import { startTestEmulator } from "./support/client.js";
import { handleImdsRequest, IMDS_TOKEN_PATH } from "../src/managedIdentity/imds.js";
import { miRequest, payloadOf, withQuery } from "./support/managedIdentity.js";

const RESOURCE = "https://management.azure.com/";

describe("IMDS", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  let tokenUrl: string;
  before(async () => {
    emu = await startTestEmulator();
    tokenUrl = `${emu.managedIdentity.env("imds").AZURE_POD_IDENTITY_AUTHORITY_HOST}/metadata/identity/oauth2/token`;
  });
  afterEach(() => emu.faults.clear());
  after(() => emu.stop());

  const imds = (query: Record<string, string>, headers: Record<string, string> = { Metadata: "true" }, timeoutMs?: number) =>
    miRequest(withQuery(tokenUrl, { "api-version": "2018-02-01", resource: RESOURCE, ...query }), {
      headers,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });

  it("is reached through AZURE_POD_IDENTITY_AUTHORITY_HOST on the plain-HTTP loopback listener", () => {
    assert.match(emu.managedIdentity.httpUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(emu.managedIdentity.env("imds"), { AZURE_POD_IDENTITY_AUTHORITY_HOST: emu.managedIdentity.httpUrl });
  });

  it("issues the system-assigned identity's token with every value a string", async () => {
    const res = await imds({});
    assert.equal(res.status, 200, res.body);
    for (const field of ["access_token", "refresh_token", "expires_in", "expires_on", "ext_expires_in", "not_before", "resource", "token_type", "client_id"]) {
      assert.equal(typeof res.json[field], "string", field);
    }
    assert.equal(res.json.refresh_token, "");
    assert.equal(res.json.token_type, "Bearer");
    assert.equal(res.json.resource, RESOURCE);
    assert.equal(res.json.client_id, DEFAULT_SYSTEM_IDENTITY_CLIENT_ID);
    const expiresOn = Number(res.json.expires_on);
    assert.ok(Math.abs(expiresOn - (Math.floor(Date.now() / 1000) + 86400)) <= 2, "24 h by default, like real managed-identity tokens");
    assert.equal(res.json.expires_in, "86400");

    const { payload } = emu.decodeToken(String(res.json.access_token));
    assert.equal(payload.aud, RESOURCE);
    assert.equal(payload.iss, `https://sts.windows.net/${DEFAULT_TENANT_ID}/`);
    assert.equal(payload.tid, DEFAULT_TENANT_ID);
    assert.equal(payload.oid, DEFAULT_SYSTEM_IDENTITY_OBJECT_ID);
    assert.equal(payload.sub, DEFAULT_SYSTEM_IDENTITY_OBJECT_ID);
    assert.equal(payload.appid, DEFAULT_SYSTEM_IDENTITY_CLIENT_ID);
    assert.equal(payload.appidacr, "2");
    assert.equal(payload.idtyp, "app");
    assert.deepEqual(payload.roles, ["Data.Read.All"]);
    assert.match(String(payload.xms_mirid), /\/providers\/Microsoft\.Compute\/virtualMachines\//);
    assert.equal(payload.exp, expiresOn);
  });

  for (const [parameter, value] of [
    ["client_id", DEFAULT_USER_IDENTITY_CLIENT_ID],
    ["object_id", DEFAULT_USER_IDENTITY_OBJECT_ID],
    ["msi_res_id", DEFAULT_USER_IDENTITY_RESOURCE_ID],
    ["client_id", DEFAULT_USER_IDENTITY_CLIENT_ID.toUpperCase()],
  ] as const) {
    it(`selects the user-assigned identity by ${parameter}=${value.slice(0, 12)}…`, async () => {
      const res = await imds({ [parameter]: value });
      assert.equal(res.status, 200, res.body);
      assert.equal(res.json.client_id, DEFAULT_USER_IDENTITY_CLIENT_ID);
      const payload = payloadOf(res.json.access_token);
      assert.equal(payload.oid, DEFAULT_USER_IDENTITY_OBJECT_ID);
      assert.equal(payload.appid, DEFAULT_USER_IDENTITY_CLIENT_ID);
      assert.equal(payload.xms_mirid, DEFAULT_USER_IDENTITY_RESOURCE_ID);
    });
  }

  it("accepts the path with a trailing slash, as msal-node sends it", async () => {
    const res = await miRequest(withQuery(`${tokenUrl}/`, { "api-version": "2018-02-01", resource: RESOURCE }), { headers: { Metadata: "true" } });
    assert.equal(res.status, 200, res.body);
  });

  it("answers the header-less, query-less probe at once with 400", async () => {
    const res = await miRequest(tokenUrl, { headers: { accept: "application/json" } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json, { error: "invalid_request", error_description: "Required metadata header not specified" });
    // At once: the handler answers the probe synchronously, before reading any state (no identity
    // lookup, no await, no timer), from nothing but the missing header.
    const direct = handleImdsRequest({} as Parameters<typeof handleImdsRequest>[0], {
      method: "GET",
      path: IMDS_TOKEN_PATH,
      query: {},
      headers: { accept: "application/json" },
      body: "",
      form: undefined,
    });
    assert.equal(direct.status, 400, direct.body);
    assert.deepEqual(JSON.parse(direct.body), res.json);
  });

  it("requires Metadata: true", async () => {
    for (const headers of [{}, { Metadata: "false" }] as Record<string, string>[]) {
      const res = await imds({}, headers);
      assert.equal(res.status, 400);
      assert.equal(res.json.error_description, "Required metadata header not specified");
    }
  });

  it("requires api-version and resource", async () => {
    const noVersion = await miRequest(withQuery(tokenUrl, { resource: RESOURCE }), { headers: { Metadata: "true" } });
    assert.equal(noVersion.status, 400);
    assert.match(String(noVersion.json.error), /api-version is invalid or was not specified/);
    assert.ok(Array.isArray(noVersion.json["newest-versions"]));
    const noResource = await miRequest(withQuery(tokenUrl, { "api-version": "2018-02-01" }), { headers: { Metadata: "true" } });
    assert.equal(noResource.status, 400);
    assert.deepEqual(noResource.json, { error: "invalid_request", error_description: "Required audience parameter not specified" });
  });

  it("answers an unknown identity, or two selectors, with 400 invalid_request", async () => {
    const unknown = await imds({ client_id: "00000000-0000-0000-0000-000000000000" });
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.json, { error: "invalid_request", error_description: "Identity not found" });
    const both = await imds({ client_id: DEFAULT_USER_IDENTITY_CLIENT_ID, object_id: DEFAULT_USER_IDENTITY_OBJECT_ID });
    assert.equal(both.status, 400);
    assert.equal(both.json.error, "invalid_request");
  });

  it("records each request with its route name and headers", async () => {
    const before = emu.requests.length;
    await imds({ client_id: DEFAULT_USER_IDENTITY_CLIENT_ID }, { Metadata: "true", "x-ms-client-request-id": "4c6a1e70-0c39-4b87-9a8a-54b5e1d1c0aa" });
    const recorded = emu.requests.slice(before);
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]!.route, "imds");
    assert.equal(recorded[0]!.method, "GET");
    assert.equal(recorded[0]!.path, "/metadata/identity/oauth2/token");
    assert.equal(recorded[0]!.query.client_id, DEFAULT_USER_IDENTITY_CLIENT_ID);
    assert.equal(recorded[0]!.headers.metadata, "true");
    assert.equal(recorded[0]!.headers["x-ms-client-request-id"], "4c6a1e70-0c39-4b87-9a8a-54b5e1d1c0aa");
    assert.equal(recorded[0]!.status, 200);
  });

  describe("faults", () => {
    it("answers 410 for durationMs, then issues tokens again", async () => {
      emu.faults.add({ route: "imds", status: 410, durationMs: 400 });
      const first = await imds({});
      assert.equal(first.status, 410);
      assert.equal(typeof first.json.error, "string", "an IMDS-shaped error body");
      assert.equal((await imds({})).status, 410);
      await new Promise((resolve) => setTimeout(resolve, 450));
      assert.equal((await imds({})).status, 200);
    });

    it("ends a durationMs fault early when `times` runs out first", async () => {
      emu.faults.add({ route: "imds", status: 500, durationMs: 60_000, times: 1 });
      assert.equal((await imds({})).status, 500);
      assert.equal((await imds({})).status, 200);
    });

    it("answers 429 with Retry-After", async () => {
      emu.faults.add({ route: "imds", status: 429, retryAfter: 3, times: 1 });
      const res = await imds({});
      assert.equal(res.status, 429);
      assert.equal(res.headers["retry-after"], "3");
      assert.equal(res.json.error, "too_many_requests");
    });

    it("hangs until the client gives up, and only on its route", async () => {
      emu.faults.add({ route: "imds", hang: true, times: 1 });
      await assert.rejects(imds({}, { Metadata: "true" }, 300), /timed out|socket hang up/);
      assert.equal((await imds({})).status, 200);
      assert.equal(emu.requests.filter((r) => r.route === "imds" && r.status === 0).length >= 1, true);
    });

    it("answers an HTML page with status 200 for malformed: html", async () => {
      emu.faults.add({ route: "imds", malformed: "html", times: 1 });
      const res = await imds({});
      assert.equal(res.status, 200);
      assert.match(String(res.headers["content-type"]), /^text\/html/);
      assert.match(res.body, /<html>/);
    });

    it("rejects a bad durationMs", () => {
      assert.throws(() => emu.faults.add({ route: "imds", durationMs: 0 }), /durationMs must be a positive number/);
      assert.throws(() => emu.faults.add({ route: "imds", durationMs: -5 }), /durationMs/);
    });
  });
});

describe("IMDS identity defaults", () => {
  it("with no system-assigned identity: the only user-assigned one, else Identity not found", async () => {
    const config = defaultEmulatorConfig();
    const tenant = config.tenants[0]!;
    tenant.managedIdentities = tenant.managedIdentities!.filter((identity) => identity.kind === "user");
    const emu = await startTestEmulator({ config, managedIdentityTokenLifetimeSeconds: 600 });
    try {
      const url = withQuery(`${emu.managedIdentity.httpUrl}/metadata/identity/oauth2/token`, { "api-version": "2018-02-01", resource: RESOURCE });
      const two = await miRequest(url, { headers: { Metadata: "true" } });
      assert.equal(two.status, 400);
      assert.equal(two.json.error_description, "Identity not found");
      tenant.managedIdentities = tenant.managedIdentities.slice(0, 1); // the config is live
      const one = await miRequest(url, { headers: { Metadata: "true" } });
      assert.equal(one.status, 200, one.body);
      assert.equal(one.json.client_id, DEFAULT_USER_IDENTITY_CLIENT_ID);
      assert.equal(one.json.expires_in, "600");
    } finally {
      await emu.stop();
    }
  });
});
