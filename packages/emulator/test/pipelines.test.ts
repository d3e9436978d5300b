// The Azure Pipelines OIDC endpoint (protocols.md 5) and the exchange of its token at Entra.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_PIPELINES_SERVICE_CONNECTION_ID,
  DEFAULT_PIPELINES_SUBJECT,
  DEFAULT_TENANT_ID,
  TOKEN_EXCHANGE_AUDIENCE,
} from "@azid/emulator";
import { send, startTestEmulator, tokenPath } from "./support/client.js";

describe("Azure Pipelines OIDC", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator({ recordSecrets: true }); // these tests assert the secret each client sent
  });
  after(() => emu.stop());

  const oidc = (options: { bearer?: string | null; query?: Record<string, string> } = {}) => {
    const url = new URL(emu.pipelines.oidcRequestUri);
    for (const [name, value] of Object.entries(options.query ?? { "api-version": "7.1", serviceConnectionId: emu.pipelines.serviceConnectionId }))
      url.searchParams.set(name, value);
    const bearer = options.bearer === undefined ? emu.pipelines.systemAccessToken : options.bearer;
    return send(emu, url.toString(), {
      method: "POST",
      headers: { "content-type": "application/json", "x-tfs-fedauthredirect": "Suppress", ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }) },
    });
  };

  it("has a SYSTEM_OIDCREQUESTURI shaped like Azure DevOps', on the emulator's HTTPS host", () => {
    assert.match(
      emu.pipelines.oidcRequestUri,
      /^https:\/\/127\.0\.0\.1:\d+\/azid\/[0-9a-f-]{36}\/_apis\/distributedtask\/hubs\/build\/plans\/[0-9a-f-]{36}\/jobs\/[0-9a-f-]{36}\/oidctoken$/,
    );
    assert.equal(emu.pipelines.serviceConnectionId, DEFAULT_PIPELINES_SERVICE_CONNECTION_ID);
    assert.equal(emu.pipelines.issuer, `${emu.url}/federation/pipelines`);
    assert.equal(emu.pipelines.subject, DEFAULT_PIPELINES_SUBJECT);
    const env = emu.pipelines.env();
    assert.equal(env.SYSTEM_OIDCREQUESTURI, emu.pipelines.oidcRequestUri);
    assert.equal(env.SYSTEM_ACCESSTOKEN, emu.pipelines.systemAccessToken);
    assert.equal(env.AZURESUBSCRIPTION_SERVICE_CONNECTION_ID, DEFAULT_PIPELINES_SERVICE_CONNECTION_ID);
    assert.equal(env.AZURESUBSCRIPTION_CLIENT_ID, DEFAULT_CLIENT_ID);
    assert.equal(env.AZURESUBSCRIPTION_TENANT_ID, DEFAULT_TENANT_ID);
  });

  it("returns {oidcToken} from the pipelines issuer, and again on every call", async () => {
    const first = await oidc();
    assert.equal(first.status, 200, first.body);
    assert.deepEqual(Object.keys(first.json), ["oidcToken"]);
    const { payload } = emu.decodeToken(String(first.json.oidcToken));
    assert.equal(payload.iss, emu.pipelines.issuer);
    assert.equal(payload.sub, emu.pipelines.subject);
    assert.equal(payload.aud, TOKEN_EXCHANGE_AUDIENCE);
    const second = await oidc();
    assert.equal(second.status, 200);
    assert.notEqual(second.json.oidcToken, first.json.oidcToken);
    assert.equal(emu.requests.at(-1)?.route, "pipelines");
    assert.equal(emu.requests.at(-1)?.headers.authorization, `Bearer ${emu.pipelines.systemAccessToken}`);
  });

  it("whose token the default app exchanges for an access token", async () => {
    const { json } = await oidc();
    const res = await send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: {
        grant_type: "client_credentials",
        client_id: DEFAULT_CLIENT_ID,
        scope: "https://management.azure.com/.default",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: String(json.oidcToken),
      },
    });
    assert.equal(res.status, 200, res.body);
    assert.equal(emu.decodeToken(String(res.json.access_token)).payload.appid, DEFAULT_CLIENT_ID);
  });

  it("answers a wrong or missing bearer with 401 and an HTML body, not JSON", async () => {
    for (const bearer of ["wrong", null]) {
      const res = await oidc({ bearer });
      assert.equal(res.status, 401);
      assert.match(String(res.headers["content-type"]), /^text\/html/);
      assert.throws(() => JSON.parse(res.body));
    }
  });

  it("answers an unknown service connection with 404, and missing parameters with 400, in Azure DevOps' JSON", async () => {
    const unknown = await oidc({ query: { "api-version": "7.1", serviceConnectionId: "00000000-0000-0000-0000-000000000000" } });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.typeKey, "ServiceEndpointNotFoundException");
    assert.equal(typeof unknown.json.message, "string");
    assert.equal((await oidc({ query: { "api-version": "7.1" } })).status, 400);
    const noVersion = await oidc({ query: { serviceConnectionId: emu.pipelines.serviceConnectionId } });
    assert.equal(noVersion.status, 400);
    assert.equal(noVersion.json.typeKey, "VssVersionNotSpecifiedException");
  });

  it("accepts POST only, and takes faults", async () => {
    assert.equal((await send(emu, emu.pipelines.oidcRequestUri, { method: "GET" })).status, 405);
    emu.faults.add({ route: "pipelines", malformed: "html", times: 1 });
    const res = await oidc();
    assert.equal(res.status, 200);
    assert.match(res.body, /<html>/);
  });
});
