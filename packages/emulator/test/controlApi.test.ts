// The control API (/_emulator/...) on a developer's machine: per-run secret, JSON only, no
// foreign Origin, and (on every listener) no foreign Host, so neither a web page nor DNS
// rebinding can read the configuration's secrets, inject faults or approve sign-ins.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PASSWORD, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_TENANT_ID, startEmulator } from "@azid/emulator";
import { send, startTestEmulator, tokenPath } from "./support/client.js";
import { miRequest, withQuery } from "./support/managedIdentity.js";

const grant = {
  grant_type: "client_credentials",
  client_id: DEFAULT_CLIENT_ID,
  client_secret: DEFAULT_CLIENT_SECRET,
  scope: "https://storage.azure.com/.default",
};

describe("the control API requires this run's control secret", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(() => emu.stop());

  it("generates a fresh secret per run", async () => {
    const other = await startTestEmulator();
    try {
      assert.ok(emu.controlSecret.length >= 32);
      assert.notEqual(emu.controlSecret, other.controlSecret);
    } finally {
      await other.stop();
    }
  });

  it("GET /_emulator/config without (or with a wrong) secret: 401 naming how to fix it, and no secret in the answer", async () => {
    for (const authorization of [undefined, "Bearer wrong-secret", `Basic ${emu.controlSecret}`]) {
      const res = await send(emu, "/_emulator/config", { headers: authorization === undefined ? { authorization: "" } : { authorization } });
      assert.equal(res.status, 401, res.body);
      assert.match(String(res.json.error_description), /AZID_EMULATOR_CONTROL_SECRET/);
      assert.ok(!res.body.includes(DEFAULT_CLIENT_SECRET) && !res.body.includes(DEFAULT_PASSWORD), "no configured secret in the refusal");
      assert.ok(!res.body.includes(emu.controlSecret), "the refusal does not echo the control secret");
    }
    const allowed = await send(emu, "/_emulator/config");
    assert.equal(allowed.status, 200);
    assert.ok(allowed.body.includes(DEFAULT_CLIENT_SECRET), "with the secret, the configuration is served whole");
  });

  it("refuses fault injection and device-code approval without the secret, and nothing happens", async () => {
    const fault = await send(emu, "/_emulator/faults", { json: { route: "token", status: 500 }, headers: { authorization: "" } });
    assert.equal(fault.status, 401);
    assert.equal((await send(emu, tokenPath(DEFAULT_TENANT_ID), { form: grant })).status, 200, "no fault was added");

    const started = await send(emu, `/${DEFAULT_TENANT_ID}/oauth2/v2.0/devicecode`, { form: { client_id: DEFAULT_PUBLIC_CLIENT_ID, scope: "User.Read" } });
    const approve = await send(emu, "/_emulator/device-codes/approve", { json: { userCode: started.json.user_code }, headers: { authorization: "" } });
    assert.equal(approve.status, 401);
    assert.deepEqual(
      emu.deviceCode.pending().map((p) => p.userCode),
      [started.json.user_code],
      "still pending",
    );
  });

  it("accepts only JSON bodies: a cross-site text/plain or form POST is refused even with the secret", async () => {
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", undefined]) {
      const res = await rawControl(
        emu,
        "POST",
        "/_emulator/faults",
        JSON.stringify({ route: "token", status: 500 }),
        contentType === undefined ? {} : { "content-type": contentType },
      );
      assert.equal(res.status, 415, `${contentType}: ${res.body}`);
      assert.match(String(res.json.error_description), /application\/json/);
    }
    assert.equal((await send(emu, tokenPath(DEFAULT_TENANT_ID), { form: grant })).status, 200, "no fault was added");
  });

  it("refuses a foreign Origin, accepts its own", async () => {
    const foreign = await send(emu, "/_emulator/faults", { json: { route: "token", status: 500 }, headers: { origin: "https://evil.example" } });
    assert.equal(foreign.status, 403, foreign.body);
    assert.equal((await send(emu, tokenPath(DEFAULT_TENANT_ID), { form: grant })).status, 200, "no fault was added");
    const own = await send(emu, "/_emulator/requests", { headers: { origin: emu.url } });
    assert.equal(own.status, 200, own.body);
  });
});

describe("a foreign Host header is refused on every listener (DNS rebinding)", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator({ http: true });
  });
  after(() => emu.stop());

  it("--http mode: the token endpoint and the control API answer 421 to a foreign name", async () => {
    const token = await send(emu, tokenPath(DEFAULT_TENANT_ID), { form: grant, headers: { host: "rebind.evil.example" } });
    assert.equal(token.status, 421, token.body);
    assert.equal(token.json.access_token, undefined);
    const config = await send(emu, "/_emulator/config", { headers: { host: "rebind.evil.example:80" } });
    assert.equal(config.status, 421);
    assert.ok(!config.body.includes(DEFAULT_CLIENT_SECRET));
  });

  it("accepts IP literals, localhost and *.localhost with any port", async () => {
    const port = new URL(emu.url).port;
    for (const host of [`127.0.0.1:${port}`, `[::1]:${port}`, `localhost:${port}`, `LOCALHOST`, `app.localhost:${port}`]) {
      const res = await send(emu, tokenPath(DEFAULT_TENANT_ID), { form: grant, headers: { host } });
      assert.equal(res.status, 200, `${host}: ${res.body}`);
    }
  });

  it("the managed-identity listener too", async () => {
    const url = withQuery(`${emu.managedIdentity.httpUrl}/metadata/identity/oauth2/token`, {
      "api-version": "2018-02-01",
      resource: "https://vault.azure.net",
    });
    const foreign = await miRequest(url, { headers: { Metadata: "true", host: "169.254.169.254.nip.evil.example" } });
    assert.equal(foreign.status, 421, foreign.body);
    assert.equal((await miRequest(url, { headers: { Metadata: "true" } })).status, 200);
  });
});

describe("entraHostNames: Entra's global and regional names, answered on loopback", () => {
  it("off (the default): refused with 421; on: answered, and each request records the region its Host named", async () => {
    const off = await startTestEmulator({ http: true });
    try {
      const refused = await send(off, tokenPath(DEFAULT_TENANT_ID), { form: grant, headers: { host: "westus2.login.microsoft.com" } });
      assert.equal(refused.status, 421, refused.body);
    } finally {
      await off.stop();
    }
    const emu = await startTestEmulator({ http: true, entraHostNames: true });
    try {
      const hosts = [
        "westus2.login.microsoft.com",
        "eastus.r.login.microsoftonline.com",
        "login.microsoftonline.com",
        "login.microsoft.com",
        "uksouth.localhost",
      ];
      for (const host of hosts) {
        const res = await send(emu, tokenPath(DEFAULT_TENANT_ID), { form: grant, headers: { host } });
        assert.equal(res.status, 200, `${host}: ${res.body}`);
      }
      const foreign = await send(emu, tokenPath(DEFAULT_TENANT_ID), { form: grant, headers: { host: "login.microsoftonline.com.evil.example" } });
      assert.equal(foreign.status, 421);
      const recorded = emu.requests.filter((r) => r.route === "token").map((r) => r.region);
      assert.deepEqual(recorded, ["westus2", "eastus", undefined, undefined, "uksouth"]); // the refused one is not recorded
    } finally {
      await emu.stop();
    }
  });

  it("the HTTPS certificate names them, so a client checking the regional name (SNI) accepts it", async () => {
    const emu = await startTestEmulator({ entraHostNames: true });
    try {
      const { X509Certificate } = await import("node:crypto");
      const { connect } = await import("node:tls");
      const socket = connect({ host: "127.0.0.1", port: Number(new URL(emu.url).port), servername: "westus2.login.microsoft.com", ca: emu.caCertPem });
      const names = await new Promise<string>((resolve, reject) => {
        socket.once("secureConnect", () => resolve(new X509Certificate(socket.getPeerCertificate(true).raw).subjectAltName ?? ""));
        socket.once("error", reject);
      }).finally(() => socket.destroy());
      for (const name of ["login.microsoftonline.com", "*.login.microsoft.com", "*.r.login.microsoftonline.com"])
        assert.ok(names.includes(`DNS:${name}`), names);
    } finally {
      await emu.stop();
    }
  });
});

describe("controlSecret option", () => {
  it("uses a given secret, and refuses a weak one", async () => {
    const secret = "a-harness-chosen-secret-0123456789";
    const emu = await startTestEmulator({ controlSecret: secret });
    try {
      assert.equal(emu.controlSecret, secret);
      assert.equal((await send(emu, "/_emulator/requests", { headers: { authorization: `Bearer ${secret}` } })).status, 200);
    } finally {
      await emu.stop();
    }
    await assert.rejects(startEmulator({ dataDir: "/nonexistent/azid", controlSecret: "short" }), /controlSecret must be a string of at least 16 characters/);
  });
});

/** A control request with exactly the headers given (plus the secret), for content types `send` would not produce. */
function rawControl(emu: Awaited<ReturnType<typeof startTestEmulator>>, method: string, path: string, body: string, headers: Record<string, string>) {
  return send(emu, path, { method, headers: { ...headers, authorization: `Bearer ${emu.controlSecret}` }, ...(body === "" ? {} : { rawBody: body }) });
}
