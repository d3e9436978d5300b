// The browser build's InteractiveBrowserCredential in real chromium (Debian's, driven by
// playwright-core) against the emulator over HTTPS: a small SPA served from loopback
// (support/spaServer.ts) signs its user in by popup and by redirect, renews silently with the
// 24-hour SPA refresh token, and calls a loopback API with the bearer token. Then what goes wrong:
// a forged state, an error response, scopes of two resources, a closed popup, a blocked popup, each
// a typed error saying what to do, and never a code or token left in the address bar. The browser reaches nothing but loopback.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { DEFAULT_PASSWORD, DEFAULT_USERNAME } from "@azid/emulator";
import { CHROMIUM_PATH, launchChromium, requireChromium, screenshotPath, serverKeyPin, type ChromiumSession } from "../support/browser.js";
import { useEmulator } from "../support/emulator.js";
import { startSpaServer, type SpaServer } from "../support/spaServer.js";

const API = "https://storage.azure.com";
const SCOPE = `${API}/.default`;
const OTHER_SCOPE = "https://management.azure.com/.default";
const env = useEmulator();

interface Outcome<T> {
  ok?: T;
  error?: { name: string; isAuthenticationError: boolean; code?: string; message: string };
}
type TokenSummary = { upn: string; aud: string; scp: string; expiresOnTimestamp: number };

describe("InteractiveBrowserCredential (browser build) in real chromium: a SPA against the emulator", () => {
  let session: ChromiumSession | undefined;
  let spa: SpaServer;
  before(async () => {
    spa = await startSpaServer(env.emu, API);
    if (!existsSync(CHROMIUM_PATH)) return;
    session = await launchChromium([await serverKeyPin(env.emu.url, env.emu.caCertPem)]);
  });
  after(async () => {
    await session?.close();
    await spa?.close();
  });

  const spaTokenRequests = () => env.tokenRequests().filter((r) => r.form?.client_id === spa.clientId);

  async function openSpa(context: BrowserContext, settings: Record<string, unknown>): Promise<Page> {
    const page = await context.newPage();
    await page.goto(spa.origin);
    await page.waitForFunction(() => (globalThis as unknown as { spa?: { ready?: boolean } }).spa?.ready === true);
    await page.evaluate((s) => (globalThis as unknown as { spa: { configure(s: unknown): void } }).spa.configure(s), settings);
    return page;
  }

  const call = <T>(page: Page, method: "getToken" | "authenticate" | "callApi", scope: string): Promise<Outcome<T>> =>
    page.evaluate(([m, s]) => (globalThis as unknown as Record<string, Record<string, (s: string) => Promise<unknown>>>).spa![m]!(s), [
      method,
      scope,
    ] as const) as Promise<Outcome<T>>;

  /** Clicks the app's Sign in button (a user gesture, so the popup may open) and returns the popup. */
  async function clickSignIn(page: Page): Promise<Page> {
    const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("#sign-in")]);
    return popup;
  }

  const pending = <T>(page: Page) => page.evaluate(() => (globalThis as unknown as { spa: { pending: Promise<unknown> } }).spa.pending) as Promise<Outcome<T>>;

  it("popup: the user signs in in the popup; the page gets their token, redeemed cross-origin with PKCE, nonce checked", async (t) => {
    if (!requireChromium(t)) return;
    const page = await openSpa(session!.context, { loginStyle: "popup" });
    const popup = await clickSignIn(page);
    await popup.waitForURL(/\/oauth2\/v2\.0\/authorize/);
    const authorize = new URL(popup.url());
    assert.equal(authorize.searchParams.get("response_mode"), "fragment");
    assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");
    assert.ok(authorize.searchParams.get("state") && authorize.searchParams.get("nonce"));
    assert.equal(authorize.searchParams.get("redirect_uri"), spa.origin);
    await actAsUser(popup, "spa-popup-sign-in");

    const result = await pending<TokenSummary>(page);
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(result.ok!.upn, DEFAULT_USERNAME);
    assert.equal(result.ok!.aud, API);
    assert.ok(popup.isClosed(), "the credential closed the popup");
    const redemption = spaTokenRequests().at(-1)!;
    assert.equal(redemption.form!.grant_type, "authorization_code");
    assert.equal(redemption.headers.origin, spa.origin, "a cross-origin redemption, as Entra requires for SPAs");
    assert.equal(redemption.form!.code_verifier?.length, 43);
    assert.equal(redemption.form!.client_secret, undefined);
    assert.ok(!page.url().includes("code="));

    // Silent renewal: another resource from the refresh token, no popup.
    let popups = 0;
    page.on("popup", () => popups++);
    const before = spaTokenRequests().length;
    const other = await call<TokenSummary>(page, "getToken", OTHER_SCOPE);
    assert.equal(other.ok?.aud, "https://management.azure.com", JSON.stringify(other.error));
    const renewal = spaTokenRequests().slice(before);
    assert.deepEqual(
      renewal.map((r) => r.form!.grant_type),
      ["refresh_token"],
    );
    assert.equal(renewal[0]!.headers.origin, spa.origin);
    assert.equal(popups, 0);

    // The cached token for the first scope, then the API with getBearerTokenProvider.
    const api = await call<{ status: number; body: { upn: string } }>(page, "callApi", SCOPE);
    assert.equal(api.ok?.status, 200, JSON.stringify(api));
    assert.equal(api.ok!.body.upn, DEFAULT_USERNAME);
    assert.equal(spaTokenRequests().length, before + 1, "the API call used the cached token");
    assert.deepEqual(spa.apiCalls.at(-1), { status: 200, upn: DEFAULT_USERNAME });
    await page.close();
  });

  it("redirect: the page leaves for the sign-in page, comes back, completes the sign-in and cleans the address bar", async (t) => {
    if (!requireChromium(t)) return;
    const page = await openSpa(session!.context, { loginStyle: "redirect" });
    await page.click("#sign-in");
    await page.waitForURL(/\/oauth2\/v2\.0\/authorize/);
    await actAsUser(page, "spa-redirect-sign-in");
    await page.waitForURL((url) => url.origin === spa.origin);
    await page.waitForFunction(() => (globalThis as unknown as { spa?: { ready?: boolean } }).spa?.ready === true);
    const result = await call<TokenSummary>(page, "getToken", SCOPE);
    assert.equal(result.ok?.upn, DEFAULT_USERNAME, JSON.stringify(result.error));
    assert.equal(page.url(), spa.origin + "/", "code, state and client_info are gone from the address bar");
    assert.equal(spaTokenRequests().at(-1)!.form!.grant_type, "authorization_code");
    const stored = await page.evaluate(() =>
      Object.keys((globalThis as unknown as { sessionStorage: object }).sessionStorage).filter((key) => key.startsWith("azid.")),
    );
    assert.deepEqual(stored, [], "memory by default: the pending sign-in was removed and no session was stored");
    await page.close();
  });

  it("cacheLocation sessionStorage: after a reload the user is signed in silently (one refresh_token request, no sign-in)", async (t) => {
    if (!requireChromium(t)) return;
    const page = await openSpa(session!.context, { loginStyle: "popup", cacheLocation: "sessionStorage" });
    const popup = await clickSignIn(page);
    await actAsUser(popup);
    assert.equal((await pending<TokenSummary>(page)).ok?.upn, DEFAULT_USERNAME);
    const before = spaTokenRequests().length;
    await page.reload();
    await page.waitForFunction(() => (globalThis as unknown as { spa?: { ready?: boolean } }).spa?.ready === true);
    const again = await call<TokenSummary>(page, "getToken", SCOPE);
    assert.equal(again.ok?.upn, DEFAULT_USERNAME, JSON.stringify(again.error));
    assert.deepEqual(
      spaTokenRequests()
        .slice(before)
        .map((r) => r.form!.grant_type),
      ["refresh_token"],
    );
    await page.close();
  });

  it("disableAutomaticAuthentication: getToken says to call authenticate(); authenticate() returns the AuthenticationRecord", async (t) => {
    if (!requireChromium(t)) return;
    const page = await openSpa(session!.context, { loginStyle: "popup", disableAutomaticAuthentication: true });
    const refused = await call<TokenSummary>(page, "getToken", SCOPE);
    assert.equal(refused.error?.name, "AuthenticationRequiredError");
    assert.match(refused.error!.message, /authenticate\(\)/);
    const authenticated = call<Record<string, string>>(page, "authenticate", SCOPE);
    await actAsUser(await page.waitForEvent("popup"));
    const record = await authenticated;
    assert.equal(record.ok?.username, DEFAULT_USERNAME, JSON.stringify(record));
    assert.equal(record.ok!.clientId, spa.clientId);
    assert.equal(record.ok!.authority, new URL(env.emu.url).host);
    assert.equal((await call<TokenSummary>(page, "getToken", SCOPE)).ok?.upn, DEFAULT_USERNAME);
    await page.close();
    // A new page given that record (memory cache: no refresh token here): the reason names the page's own option, not Node's persistence.
    const later = await openSpa(session!.context, { loginStyle: "popup", disableAutomaticAuthentication: true, authenticationRecord: record.ok });
    const silent = await call<TokenSummary>(later, "getToken", SCOPE);
    assert.equal(silent.error?.name, "AuthenticationRequiredError", JSON.stringify(silent));
    assert.match(
      silent.error!.message,
      new RegExp(`this page holds no refresh token for ${DEFAULT_USERNAME}.*cacheLocation is "sessionStorage".*authenticate\\(\\)`),
    );
    assert.doesNotMatch(silent.error!.message, /tokenCachePersistenceOptions/);
    await later.close();
  });

  it("a forged state in the address bar: a typed state_mismatch error, the code never redeemed, the address cleaned", async (t) => {
    if (!requireChromium(t)) return;
    const page = await openSpa(session!.context, { loginStyle: "redirect" });
    const before = spaTokenRequests().length;
    await page.goto("about:blank"); // a real load of the app, not a same-document fragment change
    await page.goto(`${spa.origin}/#code=1.AZIDforged-code&state=forged-state&session_state=x`);
    await page.waitForFunction(() => (globalThis as unknown as { spa?: { ready?: boolean } }).spa?.ready === true);
    const result = await call<TokenSummary>(page, "getToken", SCOPE);
    assert.equal(result.error?.isAuthenticationError, true, JSON.stringify(result));
    assert.equal(result.error!.code, "state_mismatch");
    assert.match(result.error!.message, /sign in again/i);
    assert.equal(page.url(), `${spa.origin}/`);
    assert.equal(spaTokenRequests().length, before, "the forged code was not sent anywhere");
    await page.close();
  });

  it("an error response (the user cancels on the sign-in page): a typed access_denied error saying what to do, the address cleaned", async (t) => {
    if (!requireChromium(t)) return;
    const page = await openSpa(session!.context, { loginStyle: "redirect" });
    await page.click("#sign-in");
    await page.waitForURL(/\/oauth2\/v2\.0\/authorize/);
    await page.click("#cancel");
    await page.waitForURL((url) => url.origin === spa.origin);
    await page.waitForFunction(() => (globalThis as unknown as { spa?: { ready?: boolean } }).spa?.ready === true);
    const result = await call<TokenSummary>(page, "getToken", SCOPE);
    assert.equal(result.error?.code, "access_denied", JSON.stringify(result));
    assert.match(result.error!.message, /AADSTS65004/);
    assert.match(result.error!.message, /cancelled the sign-in.*again/);
    assert.equal(page.url(), `${spa.origin}/`, "error, description and state are gone from the address bar");
    await page.close();
  });

  it("scopes of two resources: the sign-in goes through, Entra refuses the redemption (AADSTS28000), the error links the guide", async (t) => {
    if (!requireChromium(t)) return;
    const page = await openSpa(session!.context, { loginStyle: "popup" });
    await page.fill("#scope", `${API}/user_impersonation https://graph.microsoft.com/User.Read`);
    const popup = await clickSignIn(page);
    await popup.waitForURL(/\/oauth2\/v2\.0\/authorize/);
    await actAsUser(popup);
    const result = await pending<TokenSummary>(page);
    assert.equal(result.error?.code, "invalid_scope", JSON.stringify(result));
    assert.match(result.error!.message, /AADSTS28000: .*contains more than one resource/);
    assert.match(result.error!.message, /docs\/troubleshooting\.md#scope-multiple-resources/, "the browser build links the guide's section");
    assert.doesNotMatch(result.error!.message, /Hint:/, "and adds no advice line of its own (the Node builds do)");
    assert.equal(spaTokenRequests().at(-1)!.form!.grant_type, "authorization_code", "refused at the code's redemption, as by Entra");
    await page.close();
  });

  it("the user closes the popup: a typed popup_closed error at once, saying to sign in again", async (t) => {
    if (!requireChromium(t)) return;
    const page = await openSpa(session!.context, { loginStyle: "popup" });
    const popup = await clickSignIn(page);
    await popup.waitForURL(/\/oauth2\/v2\.0\/authorize/);
    await popup.close();
    const result = await pending<TokenSummary>(page);
    assert.equal(result.error?.code, "popup_closed", JSON.stringify(result));
    assert.match(result.error!.message, /closed before the sign-in finished.*again/);
    await page.close();
  });

  it("a blocked popup (getToken not from a click, popup blocker on): a typed popup_blocked error naming the fixes", async (t) => {
    if (!requireChromium(t)) return;
    const strict = await launchChromium([await serverKeyPin(env.emu.url, env.emu.caCertPem)], { blockPopups: true });
    try {
      const page = await openSpa(strict.context, { loginStyle: "popup", timeoutInMs: 5000 });
      // Playwright's evaluate counts as a user gesture, so the sign-in starts as the page loads instead.
      await page.evaluate(() =>
        (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem("spa-sign-in-on-load", "1"),
      );
      const windows = strict.context.pages().length;
      await page.reload();
      await page.waitForFunction(() => (globalThis as unknown as { spa?: { pending?: unknown } }).spa?.pending !== undefined);
      const result = await pending<TokenSummary>(page);
      assert.equal(result.error?.code, "popup_blocked", JSON.stringify(result));
      assert.match(result.error!.message, /click handler.*loginStyle: 'redirect'/);
      assert.equal(strict.context.pages().length, windows, "no window opened");
    } finally {
      await strict.close();
    }
  });

  it("the page reaches nothing but loopback", async (t) => {
    if (!requireChromium(t)) return;
    const page = await session!.context.newPage();
    await assert.rejects(page.goto("https://login.microsoftonline.com/", { timeout: 10_000 }), /ERR_/);
    await page.close();
  });
});

/** What a person does on the emulator's sign-in page (in the popup or the redirected tab). */
async function actAsUser(page: Page, screenshot?: string): Promise<void> {
  await page.click(`button.account[value="${DEFAULT_USERNAME}"]`);
  await page.locator("#password").waitFor();
  await page.fill("#password", DEFAULT_PASSWORD);
  if (screenshot !== undefined) await page.screenshot({ path: screenshotPath(screenshot), fullPage: true });
  await page.click("#sign-in");
}
