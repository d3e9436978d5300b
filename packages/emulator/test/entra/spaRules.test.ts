// Single-page apps over real HTTPS, as a browser would drive them: an app whose redirect URI is
// registered under the "spa" platform gets its code in the fragment, redeems it cross-origin only
// (Origin header) and without a secret, reads every token-endpoint answer through CORS, and its
// refresh tokens live a fixed 24 hours that redemption does not extend.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PASSWORD, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_TENANT_ID, DEFAULT_USERNAME } from "@azid/emulator";
import { send, startTestEmulator, tokenPath } from "../support/client.js";
import { authorizeUrl, open, pkcePair, signInForCode } from "../support/signInPage.js";

const SPA_ORIGIN = "http://localhost:5173";
const SPA_REDIRECT = `${SPA_ORIGIN}/`;
const NATIVE_REDIRECT = "http://localhost:53817";
const SCOPE = "https://storage.azure.com/user_impersonation openid profile offline_access";
const SPA_CLIENT_ID = "6a1f0c2d-3b4e-4c5d-9e6f-7a8b9c0d1e2f";

describe("single-page apps: spa redirect URIs, Origin, CORS and 24-hour refresh tokens", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator({ recordSecrets: true });
    const tenant = emu.config.tenants[0]!;
    // A confidential app that also serves a SPA: the browser half still redeems without its secret.
    tenant.apps.push({ clientId: SPA_CLIENT_ID, displayName: "azid SPA", secrets: ["spa-app-secret"], spaRedirectUris: [SPA_REDIRECT] });
  });
  after(() => emu.stop());

  const signIn = (clientId: string, redirectUri: string, extra: Record<string, string> = {}) =>
    signInForCode(
      emu,
      DEFAULT_TENANT_ID,
      { client_id: clientId, redirect_uri: redirectUri, scope: SCOPE, state: "st-spa", nonce: "n-spa", client_info: "1", ...extra },
      { username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD },
    );

  const token = (form: Record<string, string>, origin?: string) =>
    send(emu, tokenPath(DEFAULT_TENANT_ID), { form: { scope: SCOPE, client_info: "1", ...form }, headers: origin === undefined ? {} : { origin } });

  const redeemSpa = (code: string, verifier: string, origin?: string) =>
    token({ client_id: SPA_CLIENT_ID, grant_type: "authorization_code", redirect_uri: SPA_REDIRECT, code, code_verifier: verifier }, origin);

  /** A native app's sign-in (loopback redirect URI), its code redeemed with or without an Origin. */
  async function signInNative(origin: string | undefined) {
    const { pkce, location } = await signIn(DEFAULT_PUBLIC_CLIENT_ID, NATIVE_REDIRECT);
    const code = location.searchParams.get("code")!;
    const fields = { client_id: DEFAULT_PUBLIC_CLIENT_ID, grant_type: "authorization_code", redirect_uri: NATIVE_REDIRECT, code, code_verifier: pkce.verifier };
    return token(fields, origin);
  }

  it("response_mode=fragment puts code, state and client_info after '#', never in the query", async () => {
    const { location } = await signIn(SPA_CLIENT_ID, SPA_REDIRECT, { response_mode: "fragment" });
    assert.equal(`${location.origin}${location.pathname}`, SPA_REDIRECT);
    assert.equal(location.search, "");
    const fragment = new URLSearchParams(location.hash.slice(1));
    assert.ok(fragment.get("code"));
    assert.equal(fragment.get("state"), "st-spa");
    assert.ok(fragment.get("client_info"));
  });

  it("the sign-in page keeps a popup's window.opener: no Cross-Origin-Opener-Policy, and still never framed", async () => {
    const page = await open(
      emu,
      { cookie: "" },
      authorizeUrl(DEFAULT_TENANT_ID, {
        client_id: SPA_CLIENT_ID,
        redirect_uri: SPA_REDIRECT,
        scope: SCOPE,
        code_challenge: pkcePair().challenge,
        code_challenge_method: "S256",
      }),
    );
    assert.equal(page.status, 200);
    assert.equal(page.headers["cross-origin-opener-policy"], undefined);
    assert.equal(page.headers["x-frame-options"], "DENY");
  });

  it("a SPA redirect URI needs PKCE: without it the app is told so on its redirect URI (AADSTS9002325)", async () => {
    const res = await open(
      emu,
      { cookie: "" },
      authorizeUrl(DEFAULT_TENANT_ID, { client_id: SPA_CLIENT_ID, redirect_uri: SPA_REDIRECT, scope: SCOPE, state: "s" }),
    );
    assert.equal(res.status, 302);
    const location = new URL(String(res.headers.location));
    assert.equal(location.searchParams.get("error"), "invalid_request");
    assert.match(location.searchParams.get("error_description")!, /^AADSTS9002325:/);
  });

  it("the browser redeems the code cross-origin without a secret: CORS headers, a 24-hour refresh token and refresh_token_expires_in", async () => {
    const { pkce, location } = await signIn(SPA_CLIENT_ID, SPA_REDIRECT);
    const before = Date.now();
    const res = await redeemSpa(location.searchParams.get("code")!, pkce.verifier, SPA_ORIGIN);
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers["access-control-allow-origin"], SPA_ORIGIN);
    assert.match(String(res.headers.vary), /Origin/);
    assert.equal(res.json.refresh_token_expires_in, 86400);
    const refresh = emu.decodeToken(String(res.json.refresh_token)).payload;
    const exp = Number(refresh.exp) * 1000;
    assert.ok(exp >= before + 86_399_000 && exp <= Date.now() + 86_400_000, `refresh token exp ${new Date(exp).toISOString()} is 24 h away`);
    assert.equal(emu.decodeToken(String(res.json.access_token)).payload.appidacr, "0", "a public-client token: no secret was shown");
  });

  it("the same code redeemed without Origin (a server) fails with AADSTS9002327 and stays redeemable by the browser", async () => {
    const { pkce, location } = await signIn(SPA_CLIENT_ID, SPA_REDIRECT);
    const code = location.searchParams.get("code")!;
    const server = await redeemSpa(code, pkce.verifier);
    assert.equal(server.status, 400);
    assert.equal(server.json.error, "invalid_request");
    assert.deepEqual(server.json.error_codes, [9002327]);
    assert.match(String(server.json.error_description), /may only be redeemed via cross-origin requests/);
    assert.equal(server.headers["access-control-allow-origin"], undefined);
    assert.equal((await redeemSpa(code, pkce.verifier, SPA_ORIGIN)).status, 200);
  });

  it("a SPA code redeemed with the app's secret is refused: the browser half is a public client (AADSTS700025)", async () => {
    const { pkce, location } = await signIn(SPA_CLIENT_ID, SPA_REDIRECT);
    const res = await token(
      {
        client_id: SPA_CLIENT_ID,
        client_secret: "spa-app-secret",
        grant_type: "authorization_code",
        redirect_uri: SPA_REDIRECT,
        code: location.searchParams.get("code")!,
        code_verifier: pkce.verifier,
      },
      SPA_ORIGIN,
    );
    assert.equal(res.status, 401);
    assert.deepEqual(res.json.error_codes, [700025]);
  });

  it("a code for a native (non-SPA) redirect URI redeemed cross-origin fails with AADSTS9002326, readable by the page", async () => {
    const res = await signInNative(SPA_ORIGIN);
    assert.equal(res.status, 400);
    assert.deepEqual(res.json.error_codes, [9002326]);
    assert.match(String(res.json.error_description), new RegExp(`Request origin: '${SPA_ORIGIN}'`));
    assert.equal(res.headers["access-control-allow-origin"], SPA_ORIGIN, "errors carry CORS headers, so the app can read them");
  });

  it("a SPA refresh token keeps its original expiry when redeemed (no sliding), needs Origin, and rotates", async () => {
    const { pkce, location } = await signIn(SPA_CLIENT_ID, SPA_REDIRECT);
    const first = await redeemSpa(location.searchParams.get("code")!, pkce.verifier, SPA_ORIGIN);
    const firstExp = emu.decodeToken(String(first.json.refresh_token)).payload.exp;
    await new Promise((resolve) => setTimeout(resolve, 1100)); // so a sliding expiry would show as a later second
    const refreshForm = { client_id: SPA_CLIENT_ID, grant_type: "refresh_token", refresh_token: String(first.json.refresh_token) };
    const withoutOrigin = await token(refreshForm);
    assert.equal(withoutOrigin.status, 400);
    assert.deepEqual(withoutOrigin.json.error_codes, [9002327]);

    const renewed = await token(refreshForm, SPA_ORIGIN);
    assert.equal(renewed.status, 200, renewed.body);
    assert.notEqual(renewed.json.refresh_token, first.json.refresh_token);
    assert.equal(emu.decodeToken(String(renewed.json.refresh_token)).payload.exp, firstExp);
    assert.ok(Number(renewed.json.refresh_token_expires_in) < 86400);
    assert.equal(renewed.headers["access-control-allow-origin"], SPA_ORIGIN);
  });

  it("a native app's refresh token redeemed cross-origin fails with AADSTS9002326; without Origin it works as before", async () => {
    const code = await signInNative(undefined);
    assert.equal(code.status, 200, code.body);
    assert.equal(code.json.refresh_token_expires_in, undefined, "only SPA refresh tokens have a fixed lifetime");
    const form = { client_id: DEFAULT_PUBLIC_CLIENT_ID, grant_type: "refresh_token", refresh_token: String(code.json.refresh_token) };
    const crossOrigin = await token(form, SPA_ORIGIN);
    assert.deepEqual(crossOrigin.json.error_codes, [9002326]);
    assert.equal((await token(form)).status, 200);
  });

  it("the token endpoint answers a CORS preflight for the headers MSAL.js and azid send", async () => {
    const res = await send(emu, tokenPath(DEFAULT_TENANT_ID), {
      method: "OPTIONS",
      headers: { origin: SPA_ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "content-type, x-anchormailbox" },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers["access-control-allow-origin"], SPA_ORIGIN);
    assert.match(String(res.headers["access-control-allow-methods"]), /POST/);
    assert.match(String(res.headers["access-control-allow-headers"]), /x-anchormailbox/);
  });

  it("discovery and JWKS are readable cross-origin; injected faults on the token endpoint too", async () => {
    for (const path of [
      `/${DEFAULT_TENANT_ID}/v2.0/.well-known/openid-configuration`,
      `/${DEFAULT_TENANT_ID}/discovery/v2.0/keys`,
      "/common/discovery/instance",
    ]) {
      const res = await send(emu, path, { headers: { origin: SPA_ORIGIN } });
      assert.equal(res.headers["access-control-allow-origin"], SPA_ORIGIN, path);
    }
    emu.faults.add({ route: "token", status: 503, times: 1 });
    const faulted = await token({ client_id: DEFAULT_CLIENT_ID, client_secret: DEFAULT_CLIENT_SECRET, grant_type: "client_credentials" }, SPA_ORIGIN);
    assert.equal(faulted.status, 503);
    assert.equal(faulted.headers["access-control-allow-origin"], SPA_ORIGIN);
  });

  it("the control API stays closed to pages: no CORS headers there", async () => {
    const res = await send(emu, "/_emulator/config", { headers: { origin: SPA_ORIGIN } });
    assert.equal(res.status, 403);
    assert.equal(res.headers["access-control-allow-origin"], undefined);
  });
});

describe("single-page apps: the fixed lifetime runs out", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator({ spaRefreshTokenLifetimeSeconds: 1 });
    emu.config.tenants[0]!.apps.push({ clientId: SPA_CLIENT_ID, spaRedirectUris: [SPA_REDIRECT] });
  });
  after(() => emu.stop());

  it("an expired SPA refresh token fails with invalid_grant AADSTS700084, naming the fixed lifetime", async () => {
    const { pkce, location } = await signInForCode(
      emu,
      DEFAULT_TENANT_ID,
      { client_id: SPA_CLIENT_ID, redirect_uri: SPA_REDIRECT, scope: SCOPE },
      { username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD },
    );
    const code = location.searchParams.get("code")!;
    const send_ = (form: Record<string, string>) =>
      send(emu, tokenPath(DEFAULT_TENANT_ID), { form: { client_id: SPA_CLIENT_ID, scope: SCOPE, ...form }, headers: { origin: SPA_ORIGIN } });
    const redeemed = await send_({ grant_type: "authorization_code", redirect_uri: SPA_REDIRECT, code, code_verifier: pkce.verifier });
    assert.equal(redeemed.status, 200, redeemed.body);
    assert.equal(redeemed.json.refresh_token_expires_in, 1);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const expired = await send_({ grant_type: "refresh_token", refresh_token: String(redeemed.json.refresh_token) });
    assert.equal(expired.status, 400);
    assert.equal(expired.json.error, "invalid_grant");
    assert.deepEqual(expired.json.error_codes, [700084]);
    assert.match(String(expired.json.error_description), /fixed, limited lifetime of 0\.00:00:01/);
  });
});
