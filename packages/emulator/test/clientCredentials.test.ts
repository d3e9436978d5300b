import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_TENANT_DOMAIN, DEFAULT_TENANT_ID } from "@azid/emulator";
import { send, startTestEmulator, tokenPath } from "./support/client.js";

const STORAGE = "https://storage.azure.com/.default";

describe("client credentials with a secret", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator({ refreshInSeconds: 1800 });
  });
  after(() => emu.stop());

  const grant = (extra: Record<string, string> = {}) => ({
    grant_type: "client_credentials",
    client_id: DEFAULT_CLIENT_ID,
    client_secret: DEFAULT_CLIENT_SECRET,
    scope: STORAGE,
    ...extra,
  });

  it("issues a v1 access token Azurite accepts, tolerating MSAL's telemetry fields", async () => {
    const res = await send(emu, `${tokenPath(DEFAULT_TENANT_ID)}?client-request-id=aaaaaaaa-0000-4000-8000-000000000001`, {
      form: grant({
        "x-client-SKU": "msal.js.node",
        "x-client-VER": "5.6.0",
        "x-ms-lib-capability": "retry-after, h429",
        "x-client-current-telemetry": "5|771,2,,,|,",
        "client-request-id": "aaaaaaaa-0000-4000-8000-000000000001",
        client_info: "1",
      }),
    });
    assert.equal(res.status, 200, res.body);
    assert.match(String(res.headers["content-type"]), /^application\/json/);
    assert.equal(res.json.token_type, "Bearer");
    assert.equal(res.json.expires_in, 3600);
    assert.equal(res.json.ext_expires_in, 3600);
    assert.equal(res.json.refresh_in, 1800);
    assert.equal(res.json.scope, STORAGE);
    for (const absent of ["refresh_token", "id_token", "client_info"]) assert.equal(res.json[absent], undefined, absent);

    const { header, payload } = emu.decodeToken(String(res.json.access_token));
    assert.equal(header.alg, "RS256");
    assert.equal(typeof header.kid, "string");
    assert.equal(payload.aud, "https://storage.azure.com");
    assert.equal(payload.iss, `https://sts.windows.net/${DEFAULT_TENANT_ID}/`);
    assert.equal(payload.tid, DEFAULT_TENANT_ID);
    assert.equal(payload.appid, DEFAULT_CLIENT_ID);
    assert.equal(payload.appidacr, "1");
    assert.equal(payload.idtyp, "app");
    assert.equal(payload.ver, "1.0");
    assert.deepEqual(payload.roles, ["Data.Read.All"]);
    assert.equal(payload.sub, payload.oid);
    for (const claim of ["iat", "nbf", "exp"]) assert.ok(Number.isInteger(payload[claim]), claim);
    assert.equal((payload.exp as number) - (payload.iat as number), 3600);
    assert.equal(payload.xms_cc, undefined);
  });

  it("derives a stable oid and keeps other resources' audiences as given", async () => {
    const a = await send(emu, tokenPath(DEFAULT_TENANT_DOMAIN), { form: grant({ scope: "https://management.azure.com//.default" }) });
    emu.config.resources = ["api://my-api"];
    const b = await send(emu, tokenPath(DEFAULT_TENANT_ID), { form: grant({ scope: "api://my-api/.default" }) });
    const pa = emu.decodeToken(String(a.json.access_token)).payload;
    const pb = emu.decodeToken(String(b.json.access_token)).payload;
    assert.equal(pa.aud, "https://management.azure.com/");
    assert.equal(pb.aud, "api://my-api");
    assert.equal(pa.oid, pb.oid);
    assert.notEqual(pa.jti, pb.jti);
  });

  it("adds xms_cc when the claims parameter asks for cp1 (any case)", async () => {
    const claims = JSON.stringify({ id_token: { signin_state: { essential: false } }, access_token: { xms_cc: { values: ["CP1"] } } });
    const res = await send(emu, tokenPath(DEFAULT_TENANT_ID), { form: grant({ claims }) });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(emu.decodeToken(String(res.json.access_token)).payload.xms_cc, ["cp1"]);
  });

  it("rejects claims that are not JSON", async () => {
    const res = await send(emu, tokenPath(DEFAULT_TENANT_ID), { form: grant({ claims: "{not json" }) });
    assert.equal(res.status, 400);
    assert.equal(res.json.error, "invalid_request");
  });

  it("sees a secret added to the live config", async () => {
    const rotated = "rotated-secret-value";
    emu.config.tenants[0]!.apps[0]!.secrets!.push(rotated);
    const res = await send(emu, tokenPath(DEFAULT_TENANT_ID), { form: grant({ client_secret: rotated }) });
    assert.equal(res.status, 200, res.body);
  });

  const failures: { name: string; form: Record<string, string>; path?: string; status: number; error: string; code: number; text?: RegExp }[] = [
    { name: "wrong secret", form: { client_secret: "wrong" }, status: 401, error: "invalid_client", code: 7000215 },
    { name: "unknown app", form: { client_id: "00000000-0000-0000-0000-00000000abcd" }, status: 400, error: "unauthorized_client", code: 700016 },
    { name: "no credential", form: { client_secret: "" }, status: 401, error: "invalid_client", code: 7000218 },
    { name: "missing scope", form: { scope: "" }, status: 400, error: "invalid_request", code: 900144, text: /'scope'/ },
    { name: "missing client_id", form: { client_id: "" }, status: 400, error: "invalid_request", code: 900144, text: /'client_id'/ },
    { name: "missing grant_type", form: { grant_type: "" }, status: 400, error: "invalid_request", code: 900144, text: /'grant_type'/ },
    { name: "scope without .default", form: { scope: "https://storage.azure.com/user_impersonation" }, status: 400, error: "invalid_scope", code: 70011 },
    { name: "two scopes", form: { scope: `${STORAGE} https://vault.azure.net/.default` }, status: 400, error: "invalid_scope", code: 70011 },
    { name: "unsupported grant", form: { grant_type: "urn:example:magic" }, status: 400, error: "unsupported_grant_type", code: 70003 },
    { name: "public client", form: { client_id: DEFAULT_PUBLIC_CLIENT_ID, client_secret: "" }, status: 401, error: "invalid_client", code: 7000218 },
    { name: "public client presenting a secret", form: { client_id: DEFAULT_PUBLIC_CLIENT_ID }, status: 401, error: "invalid_client", code: 700025 },
    { name: "/common", form: {}, path: tokenPath("common"), status: 400, error: "invalid_request", code: 9001023 },
    { name: "unknown tenant", form: {}, path: tokenPath("11111111-1111-1111-1111-111111111111"), status: 400, error: "invalid_request", code: 90002 },
  ];
  for (const failure of failures) {
    it(`fails like Entra: ${failure.name} -> ${failure.error} AADSTS${failure.code}`, async () => {
      const form = Object.fromEntries(Object.entries(grant(failure.form)).filter(([, value]) => value !== ""));
      const res = await send(emu, failure.path ?? tokenPath(DEFAULT_TENANT_ID), { form });
      assert.equal(res.status, failure.status, res.body);
      assert.equal(res.json.error, failure.error);
      assert.deepEqual(res.json.error_codes, [failure.code]);
      assert.match(String(res.json.error_description), new RegExp(`^AADSTS${failure.code}: `));
      if (failure.text) assert.match(String(res.json.error_description), failure.text);
      assert.ok(!res.body.includes(DEFAULT_CLIENT_SECRET), "the secret is never echoed");
    });
  }

  it("rejects GET on the token endpoint with JSON", async () => {
    const res = await send(emu, tokenPath(DEFAULT_TENANT_ID));
    assert.equal(res.status, 400);
    assert.deepEqual(res.json.error_codes, [900561]);
  });

  it("records the form as sent, with the secret redacted", async () => {
    const before = emu.requests.length;
    await send(emu, tokenPath(DEFAULT_TENANT_ID), { form: grant() });
    const recorded = emu.requests[before]!;
    assert.equal(recorded.route, "token");
    assert.equal(recorded.method, "POST");
    assert.equal(recorded.status, 200);
    assert.equal(recorded.form?.client_secret, "[redacted]");
    assert.equal(recorded.form?.client_id, DEFAULT_CLIENT_ID);
    assert.ok(!recorded.body.includes(DEFAULT_CLIENT_SECRET) && !recorded.body.includes(encodeURIComponent(DEFAULT_CLIENT_SECRET)), recorded.body);
    assert.equal(recorded.headers["content-type"], "application/x-www-form-urlencoded;charset=utf-8");
  });
});
