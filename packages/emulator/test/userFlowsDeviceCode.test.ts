// Device code over real HTTPS: /devicecode, polling with both grant_type spellings through every
// state (pending, slow_down, declined, expired, unknown, approved once), the /devicelogin pages,
// and the emu.deviceCode hooks.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PASSWORD, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_TENANT_ID, DEFAULT_USERNAME } from "@azid/emulator";
import { send, startTestEmulator, tokenPath } from "./support/client.js";
import { open, submit, type Browser } from "./support/signInPage.js";

const SCOPE = "https://storage.azure.com/.default openid profile offline_access";
const URN = "urn:ietf:params:oauth:grant-type:device_code";

describe("device code flow", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator({ deviceCodeIntervalSeconds: 1 });
  });
  after(() => emu.stop());

  const start = async (tenant = DEFAULT_TENANT_ID, clientId = DEFAULT_PUBLIC_CLIENT_ID) => {
    const res = await send(emu, `/${tenant}/oauth2/v2.0/devicecode`, { form: { client_id: clientId, scope: SCOPE } });
    assert.equal(res.status, 200, res.body);
    return res.json as { device_code: string; user_code: string; verification_uri: string; expires_in: number; interval: number; message: string };
  };
  const poll = (deviceCode: string, grantType = URN, extra: Record<string, string> = {}, tenant = DEFAULT_TENANT_ID) =>
    send(emu, tokenPath(tenant), {
      form: { client_id: DEFAULT_PUBLIC_CLIENT_ID, grant_type: grantType, device_code: deviceCode, scope: SCOPE, client_info: "1", ...extra },
    });

  it("starts with Entra's fields: a 9-character user code, the /devicelogin URI, expires_in, interval and the message", async () => {
    const started = await start();
    assert.match(started.user_code, /^[A-Z0-9]{9}$/);
    assert.ok(started.device_code.length > 40);
    assert.equal(started.verification_uri, `${emu.url}/devicelogin`);
    assert.equal(started.expires_in, 900);
    assert.equal(started.interval, 1);
    assert.equal(
      started.message,
      `To sign in, use a web browser to open the page ${emu.url}/devicelogin and enter the code ${started.user_code} to authenticate.`,
    );
    assert.deepEqual(
      emu.deviceCode.pending().find((p) => p.userCode === started.user_code),
      { userCode: started.user_code, clientId: DEFAULT_PUBLIC_CLIENT_ID, scopes: SCOPE.split(" ") },
    );
    assert.equal(emu.requests.at(-1)!.route, "devicecode");
  });

  it("rejects GET, a missing client_id, an unknown app and a bad scope at /devicecode", async () => {
    assert.deepEqual((await send(emu, `/${DEFAULT_TENANT_ID}/oauth2/v2.0/devicecode`)).json.error_codes, [900561]);
    assert.deepEqual((await send(emu, `/${DEFAULT_TENANT_ID}/oauth2/v2.0/devicecode`, { form: { scope: SCOPE } })).json.error_codes, [900144]);
    assert.deepEqual(
      (await send(emu, `/${DEFAULT_TENANT_ID}/oauth2/v2.0/devicecode`, { form: { client_id: "00000000-0000-0000-0000-000000000000", scope: SCOPE } })).json
        .error_codes,
      [700016],
    );
    assert.deepEqual(
      (
        await send(emu, `/${DEFAULT_TENANT_ID}/oauth2/v2.0/devicecode`, {
          form: { client_id: DEFAULT_PUBLIC_CLIENT_ID, scope: "https://a.example/x https://b.example/y" },
        })
      ).json.error_codes,
      [28000], // a user flow: Entra's code for scopes of several resources (app-only flows say 70011)
    );
  });

  it("pending → slow_down when polled too fast → pending → approved: tokens once, with either grant_type spelling", async () => {
    for (const grantType of ["device_code", URN]) {
      const started = await start();
      const first = await poll(started.device_code, grantType);
      assert.equal(first.status, 400);
      assert.equal(first.json.error, "authorization_pending");
      assert.deepEqual(first.json.error_codes, [70016]);
      const tooSoon = await poll(started.device_code, grantType);
      assert.equal(tooSoon.json.error, "slow_down");
      await sleep(1000);
      assert.equal((await poll(started.device_code, grantType)).json.error, "authorization_pending");

      emu.deviceCode.approve(started.user_code.toLowerCase(), DEFAULT_USERNAME);
      assert.equal(
        emu.deviceCode.pending().some((p) => p.userCode === started.user_code),
        false,
      );
      await sleep(1000);
      const done = await poll(started.device_code, grantType);
      assert.equal(done.status, 200, done.body);
      const access = emu.decodeToken(String(done.json.access_token)).payload;
      assert.equal(access.upn, DEFAULT_USERNAME);
      assert.equal(access.aud, "https://storage.azure.com");
      assert.equal(typeof done.json.refresh_token, "string");
      assert.equal(typeof done.json.id_token, "string");
      assert.equal(typeof done.json.client_info, "string");
      await sleep(1000);
      const again = await poll(started.device_code, grantType);
      assert.equal(again.json.error, "bad_verification_code", "a device code yields tokens once");
    }
  });

  it("declined, unknown and expired codes have their own errors", async () => {
    const declined = await start();
    emu.deviceCode.deny(declined.user_code);
    const res = await poll(declined.device_code);
    assert.equal(res.status, 400);
    assert.equal(res.json.error, "authorization_declined");

    const unknown = await poll("no-such-device-code");
    assert.equal(unknown.json.error, "bad_verification_code");
    assert.deepEqual(unknown.json.error_codes, [70018]);

    const short = await startTestEmulator({ deviceCodeLifetimeSeconds: 1, deviceCodeIntervalSeconds: 1 });
    try {
      const started = (await send(short, `/${DEFAULT_TENANT_ID}/oauth2/v2.0/devicecode`, { form: { client_id: DEFAULT_PUBLIC_CLIENT_ID, scope: SCOPE } })).json;
      assert.equal(started.expires_in, 1);
      await sleep(1100);
      const expired = await send(short, tokenPath(DEFAULT_TENANT_ID), {
        form: { client_id: DEFAULT_PUBLIC_CLIENT_ID, grant_type: URN, device_code: String(started.device_code) },
      });
      assert.equal(expired.json.error, "expired_token");
      assert.deepEqual(expired.json.error_codes, [70019]);
      assert.throws(() => short.deviceCode.approve(String(started.user_code)), RangeError);
    } finally {
      await short.stop();
    }
  });

  it("a code belongs to its client; a confidential client must authenticate its polls", async () => {
    const started = await start();
    const other = await poll(started.device_code, URN, { client_id: DEFAULT_CLIENT_ID, client_secret: DEFAULT_CLIENT_SECRET });
    assert.equal(other.json.error, "bad_verification_code");
    const confidential = await start(DEFAULT_TENANT_ID, DEFAULT_CLIENT_ID);
    const unauthenticated = await send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: { client_id: DEFAULT_CLIENT_ID, grant_type: URN, device_code: confidential.device_code },
    });
    assert.deepEqual(unauthenticated.json.error_codes, [7000218]);
    assert.throws(() => emu.deviceCode.approve("ZZZZZZZZZ"), RangeError);
    assert.throws(() => emu.deviceCode.approve(started.user_code, "nobody@azid.onmicrosoft.com"), RangeError);
  });

  it("can be told not to send slow_down (msal-node treats it as fatal)", async () => {
    const lenient = await startTestEmulator({ deviceCodeSlowDown: false });
    try {
      const started = (await send(lenient, `/organizations/oauth2/v2.0/devicecode`, { form: { client_id: DEFAULT_PUBLIC_CLIENT_ID, scope: SCOPE } })).json;
      assert.equal(started.interval, 5);
      for (let i = 0; i < 3; i++) {
        const res = await send(lenient, tokenPath("organizations"), {
          form: { client_id: DEFAULT_PUBLIC_CLIENT_ID, grant_type: "device_code", device_code: String(started.device_code) },
        });
        assert.equal(res.json.error, "authorization_pending");
      }
    } finally {
      await lenient.stop();
    }
  });

  it("a person completes /devicelogin: enter the code, sign in; the poll then gets the user's tokens", async () => {
    const started = await start("organizations");
    const browser: Browser = { cookie: "" };
    const entry = await open(emu, browser, started.verification_uri);
    assert.equal(entry.status, 200);
    assert.match(entry.body, /id="code"/);
    assert.equal(emu.requests.at(-1)!.route, "devicelogin");

    const badCode = await submit(emu, browser, entry, { code: "NOPE12345", action: "next" });
    assert.match(badCode.body, /AADSTS70018/);
    const signInPage = await submit(emu, browser, badCode, {
      code: `${started.user_code.slice(0, 4)}-${started.user_code.slice(4).toLowerCase()}`,
      action: "next",
    });
    assert.match(signInPage.body, /id="password"/);
    const wrong = await submit(emu, browser, signInPage, { username: DEFAULT_USERNAME, password: "wrong", action: "sign-in" });
    assert.match(wrong.body, /AADSTS50126/);
    const done = await submit(emu, browser, wrong, { username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD, action: "sign-in" });
    assert.equal(done.status, 200);
    assert.match(done.body, /You have signed in to the azid demo public client application on your device/);

    const res = await poll(started.device_code, URN, {}, "organizations");
    assert.equal(res.status, 200, res.body);
    assert.equal(emu.decodeToken(String(res.json.access_token)).payload.upn, DEFAULT_USERNAME);
  });

  it("Cancel on /devicelogin declines the code", async () => {
    const started = await start();
    const browser: Browser = { cookie: "" };
    const entry = await open(emu, browser, started.verification_uri);
    const signInPage = await submit(emu, browser, entry, { code: started.user_code, action: "next" });
    const cancelled = await submit(emu, browser, signInPage, { action: "cancel" });
    assert.match(cancelled.body, /You declined to sign in/);
    assert.equal((await poll(started.device_code)).json.error, "authorization_declined");
  });

  it("the control API approves codes for out-of-process tests", async () => {
    const started = await start();
    const listed = await send(emu, "/_emulator/device-codes");
    assert.ok((listed.json as unknown as { userCode: string }[]).some((p) => p.userCode === started.user_code));
    const approved = await send(emu, "/_emulator/device-codes/approve", { json: { userCode: started.user_code } });
    assert.equal(approved.status, 200, approved.body);
    assert.equal((await poll(started.device_code)).status, 200);
    const twice = await send(emu, "/_emulator/device-codes/approve", { json: { userCode: started.user_code } });
    assert.equal(twice.status, 400);
  });
});
