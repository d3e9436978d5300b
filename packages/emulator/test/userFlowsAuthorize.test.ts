// /authorize and the authorization_code grant over real HTTPS, as a browser and MSAL would use
// them: the sign-in page, its form, the redirect with code + client_info + state, and redemption
// with PKCE, the redirect URI and single use checked.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_PASSWORD,
  DEFAULT_PUBLIC_CLIENT_ID,
  DEFAULT_TENANT_ID,
  DEFAULT_USER_OBJECT_ID,
  DEFAULT_USERNAME,
} from "@azid/emulator";
import { send, startTestEmulator, tokenPath } from "./support/client.js";
import { authorizeUrl, open, pkcePair, submit, type Browser } from "./support/signInPage.js";

const REDIRECT = "http://localhost:53817";
const SCOPE = "https://storage.azure.com/user_impersonation openid profile offline_access";
const MFA_USER = "mallory@azid.onmicrosoft.com";

describe("interactive sign-in: /authorize and the authorization_code grant", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator();
    emu.config.tenants[0]!.users.push({ username: MFA_USER, password: "mallory-password", mfaRequired: true, displayName: "Mallory <MFA>" });
    emu.config.tenants[0]!.apps[0]!.redirectUris = ["https://app.example/callback"];
  });
  after(() => emu.stop());

  /** Opens the sign-in page for the public client's PKCE (S256) request; `extra` adds or overrides parameters. */
  const openPage = (browser: Browser, extra: Record<string, string> = {}) =>
    open(
      emu,
      browser,
      authorizeUrl(DEFAULT_TENANT_ID, {
        client_id: DEFAULT_PUBLIC_CLIENT_ID,
        redirect_uri: REDIRECT,
        scope: SCOPE,
        code_challenge: pkcePair().challenge,
        code_challenge_method: "S256",
        ...extra,
      }),
    );

  /** Opens the page for a public-client request and signs in; returns the redirect's parameters. */
  async function signIn(extra: Record<string, string> = {}, user = { username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD }) {
    const pkce = pkcePair();
    const browser: Browser = { cookie: "" };
    const page = await openPage(browser, { state: "st-1", nonce: "n-1", code_challenge: pkce.challenge, client_info: "1", ...extra });
    assert.equal(page.status, 200, page.body);
    const posted = await submit(emu, browser, page, { ...user, action: "sign-in" });
    assert.equal(posted.status, 302, posted.body);
    const location = new URL(String(posted.headers.location));
    return { pkce, location, params: location.searchParams };
  }

  const redeem = (form: Record<string, string>) =>
    send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: { client_id: DEFAULT_PUBLIC_CLIENT_ID, grant_type: "authorization_code", redirect_uri: REDIRECT, scope: SCOPE, client_info: "1", ...form },
    });

  it("renders a self-contained sign-in page with the form, the hint and the accounts to pick", async () => {
    const browser: Browser = { cookie: "" };
    const res = await openPage(browser, { login_hint: DEFAULT_USERNAME, prompt: "login" });
    assert.equal(res.status, 200);
    assert.match(String(res.headers["content-type"]), /^text\/html/);
    assert.match(String(res.headers["content-security-policy"]), /default-src 'none'/);
    assert.equal(res.headers["referrer-policy"], "no-referrer");
    assert.match(browser.cookie, /^azid-emulator-browser=/);
    for (const id of ["username", "password", "sign-in", "cancel"]) assert.match(res.body, new RegExp(`id="${id}"`));
    assert.match(res.body, new RegExp(`id="username" name="username" value="${DEFAULT_USERNAME}"`));
    assert.match(res.body, /azid demo public client/);
    assert.match(res.body, /Mallory &lt;MFA&gt;/, "display names are escaped");
    assert.ok(!/<script|https?:\/\/(?!127\.0\.0\.1)[a-z]/i.test(res.body.replace(/value="[^"]*"/g, "")), "no scripts or external resources");
    assert.equal(emu.requests.at(-1)!.route, "authorize");
  });

  it("signs in: redirects with code, client_info, state and session_state; the code redeems once with PKCE", async () => {
    const { pkce, location, params } = await signIn();
    assert.equal(`${location.protocol}//${location.host}`, REDIRECT);
    assert.equal(params.get("state"), "st-1");
    assert.ok(params.get("session_state"));
    assert.deepEqual(JSON.parse(Buffer.from(params.get("client_info")!, "base64url").toString()), { uid: DEFAULT_USER_OBJECT_ID, utid: DEFAULT_TENANT_ID });

    const res = await redeem({ code: params.get("code")!, code_verifier: pkce.verifier });
    assert.equal(res.status, 200, res.body);
    assert.equal(typeof res.json.refresh_token, "string");
    assert.equal(typeof res.json.expires_in, "number");
    assert.equal(typeof res.json.ext_expires_in, "number");
    assert.equal(res.json.scope, "https://storage.azure.com/user_impersonation openid profile");
    const access = emu.decodeToken(String(res.json.access_token)).payload;
    assert.equal(access.upn, DEFAULT_USERNAME);
    assert.equal(access.unique_name, DEFAULT_USERNAME);
    assert.equal(access.scp, "user_impersonation");
    assert.equal(access.appid, DEFAULT_PUBLIC_CLIENT_ID);
    assert.equal(access.name, "Alice Emulator");
    assert.equal(access.oid, DEFAULT_USER_OBJECT_ID);
    const id = emu.decodeToken(String(res.json.id_token)).payload;
    assert.equal(id.aud, DEFAULT_PUBLIC_CLIENT_ID);
    assert.equal(id.iss, `${emu.url}/${DEFAULT_TENANT_ID}/v2.0`);
    assert.equal(id.nonce, "n-1");
    assert.equal(id.preferred_username, DEFAULT_USERNAME);
    assert.equal(typeof id.sub, "string");
    assert.equal(typeof res.json.client_info, "string");

    const again = await redeem({ code: params.get("code")!, code_verifier: pkce.verifier });
    assert.equal(again.status, 400);
    assert.equal(again.json.error, "invalid_grant");
    assert.deepEqual(again.json.error_codes, [54005]);
  });

  it("scopes of two resources: /authorize asks consent for both; the code's redemption for both fails with AADSTS28000", async () => {
    const two = "https://storage.azure.com/user_impersonation https://graph.microsoft.com/User.Read openid profile offline_access";
    const browser: Browser = { cookie: "" };
    const pkce = pkcePair();
    const page = await openPage(browser, { scope: two, prompt: "consent", code_challenge: pkce.challenge });
    assert.equal(page.status, 200, page.body);
    const consent = await submit(emu, browser, page, { username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD, action: "sign-in" });
    assert.match(consent.body, /<code>user_impersonation<\/code> on https:\/\/storage\.azure\.com/);
    assert.match(consent.body, /<code>User\.Read<\/code> on https:\/\/graph\.microsoft\.com/);
    const code = new URL(String((await submit(emu, browser, consent, { action: "accept" })).headers.location)).searchParams.get("code")!;
    const both = await redeem({ code, code_verifier: pkce.verifier, scope: two });
    assert.equal(both.status, 400, both.body);
    assert.equal(both.json.error, "invalid_scope");
    assert.deepEqual(both.json.error_codes, [28000]);
    assert.match(
      String(both.json.error_description),
      /^AADSTS28000: Provided value for the input parameter scope is not valid because it contains more than one resource\./,
    );
  });

  it("a wrong code_verifier fails with AADSTS501481 and spends the code", async () => {
    const { pkce, params } = await signIn();
    const wrong = await redeem({ code: params.get("code")!, code_verifier: pkcePair().verifier });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.json.error, "invalid_grant");
    assert.deepEqual(wrong.json.error_codes, [501481]);
    const missing = await redeem({ code: (await signIn()).params.get("code")! });
    assert.deepEqual(missing.json.error_codes, [501481]);
    assert.deepEqual((await redeem({ code: params.get("code")!, code_verifier: pkce.verifier })).json.error_codes, [54005]);
  });

  it("a different redirect_uri at redemption fails with AADSTS50011; other clients and garbage codes with 70000", async () => {
    const { pkce, params } = await signIn();
    const res = await redeem({ code: params.get("code")!, code_verifier: pkce.verifier, redirect_uri: "http://localhost:1" });
    assert.equal(res.json.error, "invalid_grant");
    assert.deepEqual(res.json.error_codes, [50011]);
    const other = await signIn();
    const stolen = await redeem({
      code: other.params.get("code")!,
      code_verifier: other.pkce.verifier,
      client_id: DEFAULT_CLIENT_ID,
      client_secret: DEFAULT_CLIENT_SECRET,
    });
    assert.deepEqual(stolen.json.error_codes, [70000]);
    assert.deepEqual((await redeem({ code: "1.AZIDnot-a-code" })).json.error_codes, [70000]);
  });

  it("accepts any loopback port and 127.0.0.1 for a public client's http://localhost, and nothing else", async () => {
    for (const redirect of ["http://127.0.0.1:40000", "http://localhost:1234"]) {
      const page = await openPage({ cookie: "" }, { redirect_uri: redirect });
      assert.equal(page.status, 200, redirect);
    }
    for (const redirect of ["http://localhost:1234/other", "https://localhost:1234", "http://evil.example:1234", "http://localhost:1234/?x=1"]) {
      const page = await openPage({ cookie: "" }, { redirect_uri: redirect });
      assert.equal(page.status, 400, redirect);
      assert.match(String(page.headers["content-type"]), /^text\/html/);
      assert.match(page.body, /AADSTS50011/);
      assert.equal(page.headers.location, undefined, "never redirected to an unregistered URI");
    }
  });

  it("shows errors on a page until the redirect URI is trusted: unknown tenant, unknown app", async () => {
    const tenant = await open(
      emu,
      { cookie: "" },
      authorizeUrl("no-such-tenant.example", { client_id: DEFAULT_PUBLIC_CLIENT_ID, redirect_uri: REDIRECT, scope: SCOPE }),
    );
    assert.equal(tenant.status, 400);
    assert.match(tenant.body, /AADSTS90002/);
    const app = await open(
      emu,
      { cookie: "" },
      authorizeUrl(DEFAULT_TENANT_ID, { client_id: "00000000-0000-0000-0000-000000000000", redirect_uri: REDIRECT, scope: SCOPE }),
    );
    assert.match(app.body, /AADSTS700016/);
  });

  it("sends request errors back to the app once the redirect URI is trusted: PKCE required, plain refused, bad response_type, prompt=none", async () => {
    const base = { client_id: DEFAULT_PUBLIC_CLIENT_ID, redirect_uri: REDIRECT, scope: SCOPE, state: "s" };
    const cases: [Record<string, string>, string, string][] = [
      [{}, "invalid_request", "AADSTS9002325"],
      [{ code_challenge: pkcePair().challenge, code_challenge_method: "plain" }, "invalid_request", "AADSTS50147"],
      [{ code_challenge: pkcePair().challenge, code_challenge_method: "S256", response_type: "token" }, "unsupported_response_type", "AADSTS700054"],
      [{ code_challenge: pkcePair().challenge, code_challenge_method: "S256", prompt: "none" }, "login_required", "AADSTS50058"],
    ];
    for (const [extra, error, code] of cases) {
      const res = await open(emu, { cookie: "" }, authorizeUrl(DEFAULT_TENANT_ID, { ...base, ...extra }));
      assert.equal(res.status, 302, JSON.stringify(extra));
      const params = new URL(String(res.headers.location)).searchParams;
      assert.equal(params.get("error"), error);
      assert.ok(params.get("error_description")!.startsWith(code), params.get("error_description")!);
      assert.equal(params.get("state"), "s");
    }
  });

  it("Cancel sends access_denied with AADSTS65004; a wrong password keeps the user on the page", async () => {
    const browser: Browser = { cookie: "" };
    const page = await openPage(browser, { state: "c" });
    const wrong = await submit(emu, browser, page, { username: DEFAULT_USERNAME, password: "nope", action: "sign-in" });
    assert.equal(wrong.status, 200);
    assert.match(wrong.body, /AADSTS50126: Your account or password is incorrect/);
    assert.match(wrong.body, new RegExp(`value="${DEFAULT_USERNAME}"`));
    const cancelled = await submit(emu, browser, wrong, { action: "cancel" });
    assert.equal(cancelled.status, 302);
    const params = new URL(String(cancelled.headers.location)).searchParams;
    assert.equal(params.get("error"), "access_denied");
    assert.match(params.get("error_description")!, /^AADSTS65004: User declined/);
    assert.equal(params.get("state"), "c");
    assert.equal(params.get("code"), null);
  });

  it("refuses a posted form without the page's token or from another browser", async () => {
    const browser: Browser = { cookie: "" };
    const page = await openPage(browser);
    const otherBrowser = await submit(emu, { cookie: "azid-emulator-browser=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }, page, {
      username: DEFAULT_USERNAME,
      password: DEFAULT_PASSWORD,
      action: "sign-in",
    });
    assert.equal(otherBrowser.status, 400);
    assert.match(otherBrowser.body, /no longer valid/);
    const forged = await submit(emu, browser, page, { flow: "forged", username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD, action: "sign-in" });
    assert.equal(forged.status, 400);
  });

  it("picking an account fills in the username", async () => {
    const browser: Browser = { cookie: "" };
    const page = await openPage(browser);
    const picked = await submit(emu, browser, page, { pick: MFA_USER });
    assert.equal(picked.status, 200);
    assert.match(picked.body, new RegExp(`id="username" name="username" value="${MFA_USER}"`));
  });

  it("MFA-required users sign in interactively (amr includes mfa), where ROPC would refuse them", async () => {
    const { pkce, params } = await signIn({}, { username: MFA_USER, password: "mallory-password" });
    const res = await redeem({ code: params.get("code")!, code_verifier: pkce.verifier });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(emu.decodeToken(String(res.json.access_token)).payload.amr, ["pwd", "mfa"]);
  });

  it("prompt=consent (or an app requiring user consent) asks once, #accept continues", async () => {
    const browser: Browser = { cookie: "" };
    const pkce = pkcePair();
    const page = await openPage(browser, { prompt: "consent", code_challenge: pkce.challenge });
    const consent = await submit(emu, browser, page, { username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD, action: "sign-in" });
    assert.equal(consent.status, 200);
    assert.match(consent.body, /id="accept"/);
    assert.match(consent.body, /user_impersonation/);
    const accepted = await submit(emu, browser, consent, { action: "accept" });
    assert.equal(accepted.status, 302);
    assert.ok(new URL(String(accepted.headers.location)).searchParams.get("code"));

    emu.config.tenants[0]!.apps[1]!.requireUserConsent = true;
    try {
      const first = await openPage(browser, { code_challenge: pkce.challenge });
      const asked = await submit(emu, browser, first, { username: MFA_USER, password: "mallory-password", action: "sign-in" });
      assert.match(asked.body, /id="accept"/, "first use asks");
      assert.equal((await submit(emu, browser, asked, { action: "accept" })).status, 302);
      const second = await openPage(browser, { code_challenge: pkce.challenge });
      assert.equal(
        (await submit(emu, browser, second, { username: MFA_USER, password: "mallory-password", action: "sign-in" })).status,
        302,
        "consent is remembered",
      );
    } finally {
      delete emu.config.tenants[0]!.apps[1]!.requireUserConsent;
    }
  });

  it("a confidential app's code needs the app's credential (AADSTS7000218), also on /organizations", async () => {
    const browser: Browser = { cookie: "" };
    const claims = JSON.stringify({ id_token: { signin_state: { essential: false } }, access_token: { xms_cc: { values: ["cp1"] } } });
    const page = await open(
      emu,
      browser,
      authorizeUrl("organizations", {
        client_id: DEFAULT_CLIENT_ID,
        redirect_uri: "https://app.example/callback",
        scope: "User.Read openid offline_access",
        claims,
      }),
    );
    assert.equal(page.status, 200, page.body);
    const posted = await submit(emu, browser, page, { username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD, action: "sign-in" });
    const location = new URL(String(posted.headers.location));
    assert.equal(location.origin + location.pathname, "https://app.example/callback");
    const form = {
      client_id: DEFAULT_CLIENT_ID,
      grant_type: "authorization_code",
      redirect_uri: "https://app.example/callback",
      code: location.searchParams.get("code")!,
    };
    const without = await send(emu, tokenPath("organizations"), { form });
    assert.equal(without.status, 401);
    assert.deepEqual(without.json.error_codes, [7000218]);
  });

  it("a confidential app's code, redeemed with the secret, carries cp1 and appidacr 1", async () => {
    const browser: Browser = { cookie: "" };
    const claims = JSON.stringify({ access_token: { xms_cc: { values: ["CP1"] } } });
    const page = await open(
      emu,
      browser,
      authorizeUrl(DEFAULT_TENANT_ID, {
        client_id: DEFAULT_CLIENT_ID,
        redirect_uri: "https://app.example/callback",
        scope: "User.Read openid offline_access",
        claims,
      }),
    );
    const posted = await submit(emu, browser, page, { username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD, action: "sign-in" });
    const code = new URL(String(posted.headers.location)).searchParams.get("code")!;
    const res = await send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: {
        client_id: DEFAULT_CLIENT_ID,
        client_secret: DEFAULT_CLIENT_SECRET,
        grant_type: "authorization_code",
        redirect_uri: "https://app.example/callback",
        code,
      },
    });
    assert.equal(res.status, 200, res.body);
    const access = emu.decodeToken(String(res.json.access_token)).payload;
    assert.deepEqual(access.xms_cc, ["cp1"]);
    assert.equal(access.appidacr, "1");
    assert.equal(access.aud, "https://graph.microsoft.com");
  });

  it("faults apply to the authorize route, answered as a page", async () => {
    emu.faults.add({ route: "authorize", status: 503, times: 1 });
    const res = await open(emu, { cookie: "" }, authorizeUrl(DEFAULT_TENANT_ID, { client_id: DEFAULT_PUBLIC_CLIENT_ID, redirect_uri: REDIRECT, scope: SCOPE }));
    assert.equal(res.status, 503);
    assert.match(String(res.headers["content-type"]), /^text\/html/);
  });
});
