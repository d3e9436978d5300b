// The request log is a bounded ring of bounded records, with credentials redacted.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PASSWORD, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_TENANT_ID, DEFAULT_USERNAME } from "@azid/emulator";
import { send, startTestEmulator, tokenPath } from "./support/client.js";

const SECRET_FORM = {
  client_secret: "s3cret-value-1",
  client_assertion: "eyJhbGciOiJQUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
  password: "p4ssword-value-2",
  refresh_token: "refresh-token-value-3",
  assertion: "user-assertion-value-4",
  code: "auth-code-value-5",
  code_verifier: "verifier-value-6",
  device_code: "device-code-value-7",
};
const SECRET_VALUES = Object.values(SECRET_FORM);

describe("the request log", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator({ requestLogLimit: 5 });
  });
  after(() => emu.stop());

  it("keeps only the newest requestLogLimit requests, oldest dropped first", async () => {
    for (let i = 0; i < 8; i++) await send(emu, `/${DEFAULT_TENANT_ID}/v2.0/.well-known/openid-configuration?n=${i}`);
    assert.equal(emu.requests.length, 5);
    assert.deepEqual(
      emu.requests.map((r) => r.query.n),
      ["3", "4", "5", "6", "7"],
    );
  });

  it("counts every request since start, per route, past the ring and through clear(); over HTTP only with the control secret", async () => {
    const before = emu.requestCounts();
    for (let i = 0; i < 7; i++) await send(emu, tokenPath(DEFAULT_TENANT_ID), { form: { grant_type: "client_credentials", client_id: "nobody" } });
    await send(emu, `/${DEFAULT_TENANT_ID}/v2.0/.well-known/openid-configuration`);
    assert.equal((await send(emu, "/_emulator/requests", { method: "DELETE" })).status, 200);
    const counts = emu.requestCounts();
    assert.equal(emu.requests.length, 0, "the log was cleared");
    assert.equal((counts.byRoute.token ?? 0) - (before.byRoute.token ?? 0), 7, "7 token requests, though the ring holds 5");
    assert.equal(counts.total - before.total, 8);
    const overHttp = await send(emu, "/_emulator/request-counts");
    assert.equal(overHttp.status, 200);
    assert.deepEqual(JSON.parse(overHttp.body), counts, "control requests are not counted");
    assert.equal((await send({ url: emu.url, caCertPem: emu.caCertPem }, "/_emulator/request-counts")).status, 401);
  });

  it("redacts every credential field and header, in emu.requests and over HTTP", async () => {
    await send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: { grant_type: "password", client_id: DEFAULT_PUBLIC_CLIENT_ID, scope: "User.Read", ...SECRET_FORM },
      headers: { authorization: "Bearer header-token-8", cookie: "session=cookie-9" },
    });
    const recorded = emu.requests.at(-1)!;
    for (const name of Object.keys(SECRET_FORM)) assert.equal(recorded.form?.[name], "[redacted]", name);
    assert.equal(recorded.form?.grant_type, "password", "other fields stay");
    assert.equal(recorded.headers.authorization, "[redacted]");
    assert.equal(recorded.headers.cookie, "[redacted]");
    const exported = (await send(emu, "/_emulator/requests")).body;
    for (const text of [JSON.stringify(emu.requests), exported]) {
      for (const value of [...SECRET_VALUES, "header-token-8", "cookie-9"]) assert.ok(!text.includes(value), `${value} leaked`);
    }
  });

  it("redacts a real sign-in's password and the issued refresh token when it is redeemed", async () => {
    const signIn = await send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: {
        grant_type: "password",
        client_id: DEFAULT_PUBLIC_CLIENT_ID,
        username: DEFAULT_USERNAME,
        password: DEFAULT_PASSWORD,
        scope: "User.Read offline_access",
      },
    });
    const refreshToken = String(signIn.json.refresh_token);
    await send(emu, tokenPath(DEFAULT_TENANT_ID), { form: { grant_type: "refresh_token", client_id: DEFAULT_PUBLIC_CLIENT_ID, refresh_token: refreshToken } });
    const text = JSON.stringify(emu.requests);
    assert.ok(!text.includes(DEFAULT_PASSWORD) && !text.includes(refreshToken));
    assert.equal(emu.requests.at(-1)!.form?.grant_type, "refresh_token");
  });

  it("stores a megabyte body in bounded size", async () => {
    await send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: { grant_type: "client_credentials", client_id: DEFAULT_CLIENT_ID, client_secret: DEFAULT_CLIENT_SECRET, scope: "x".repeat(1000 * 1024) },
    });
    const size = JSON.stringify(emu.requests.at(-1)).length;
    assert.ok(size < 40 * 1024, `recorded ${size} characters`);
    assert.match(emu.requests.at(-1)!.form!.scope!, /more characters\]$/);
  });
});

describe("recordSecrets: true", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator({ recordSecrets: true });
  });
  after(() => emu.stop());

  it("keeps credentials in process for tests, and still redacts what leaves over HTTP", async () => {
    await send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: {
        grant_type: "client_credentials",
        client_id: DEFAULT_CLIENT_ID,
        client_secret: DEFAULT_CLIENT_SECRET,
        scope: "https://storage.azure.com/.default",
      },
    });
    assert.equal(emu.requests.at(-1)!.form?.client_secret, DEFAULT_CLIENT_SECRET);
    const exported = await send(emu, "/_emulator/requests");
    assert.equal(exported.status, 200);
    assert.ok(!exported.body.includes(DEFAULT_CLIENT_SECRET) && !exported.body.includes(encodeURIComponent(DEFAULT_CLIENT_SECRET)));
    assert.match(exported.body, /"client_secret":"\[redacted\]"/);
  });
});
