// InteractiveBrowserCredential end to end in a real browser: Debian's chromium, driven by
// playwright-core, opens the URL the credential produced, signs in on the emulator's page, and the
// redirect reaches the credential's loopback listener. Screenshots of the sign-in and success
// pages land in .test-output/browser/. Also: Cancel (access_denied) and a closed tab (timeout).
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { existsSync } from "node:fs";
import type { Page } from "playwright-core";
import { DEFAULT_PASSWORD, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_USER_OBJECT_ID, DEFAULT_USERNAME } from "@azid/emulator";
import { AuthenticationError, InteractiveBrowserCredential } from "../../../src/index.js";
import { tokenCache } from "../../../src/core/cache/tokenCache.js";
import { CHROMIUM_PATH, launchChromium, requireChromium, screenshotPath, serverKeyPin, type ChromiumSession } from "../../support/browser.js";
import { decodeJwt, useEmulator } from "../../support/emulator.js";

const STORAGE = "https://storage.azure.com/.default";
const env = useEmulator();

describe("InteractiveBrowserCredential in real chromium against the emulator", () => {
  let session: ChromiumSession | undefined;
  before(async () => {
    if (!existsSync(CHROMIUM_PATH)) return;
    session = await launchChromium([await serverKeyPin(env.emu.url, env.emu.caCertPem)]);
  });
  after(() => session?.close());
  beforeEach(() => tokenCache.clear());

  const credential = (browserOpener: (url: string) => Promise<void>, extra: Record<string, unknown> = {}) =>
    new InteractiveBrowserCredential({ ...env.options, tenantId: env.tenantId, clientId: DEFAULT_PUBLIC_CLIENT_ID, browserOpener, ...extra });

  it("signs in on the emulator's page: the user picks their account, types the password, and getToken returns their token", async (t) => {
    if (!requireChromium(t)) return;
    const page = await session!.context.newPage();
    let authorizeUrl = "";
    let user: Promise<void> | undefined;
    const signIn = credential(async (url) => {
      authorizeUrl = url;
      await page.goto(url);
      // The person acts after the opener returns, as with a real browser: the loopback answers the
      // redirect only once the credential has redeemed the code.
      user = actAsUser(page);
      user.catch(() => undefined);
    });

    const token = await signIn.getToken(STORAGE);
    await user;
    const claims = decodeJwt(token.token).payload;
    assert.equal(claims.upn, DEFAULT_USERNAME);
    assert.equal(claims.oid, DEFAULT_USER_OBJECT_ID);
    assert.equal(claims.scp, "user_impersonation");
    assert.equal(claims.aud, "https://storage.azure.com");
    assert.equal(claims.appid, DEFAULT_PUBLIC_CLIENT_ID);
    assert.ok(token.expiresOnTimestamp > Date.now());

    await page.waitForURL(/^http:\/\/localhost:\d+\//);
    await page.locator("#status").waitFor();
    assert.equal(await page.locator("#status").textContent(), "Signed in");
    await page.screenshot({ path: screenshotPath("success"), fullPage: true });
    const redirect = new URL(authorizeUrl).searchParams.get("redirect_uri")!;
    assert.ok(
      env.emu.requests.some((r) => r.route === "authorize" && r.method === "POST"),
      "the browser posted the emulator's form",
    );
    assert.equal(env.tokenRequests().at(-1)!.form!.redirect_uri, redirect);
    await page.close();
  });

  it("Cancel on the sign-in page: getToken fails with access_denied and the tab says so", async (t) => {
    if (!requireChromium(t)) return;
    const page = await session!.context.newPage();
    const cancelled = credential(async (url) => {
      await page.goto(url);
      void page.click("#cancel").catch(() => undefined);
    });
    await assert.rejects(cancelled.getToken(STORAGE), (error: unknown) => {
      assert.ok(error instanceof AuthenticationError, String(error));
      assert.equal(error.errorResponse.error, "access_denied");
      assert.match(error.message, /AADSTS65004/);
      return true;
    });
    await page.waitForURL(/^http:\/\/localhost:\d+\//);
    assert.equal(await page.locator("#status").textContent(), "Sign-in failed");
    await page.screenshot({ path: screenshotPath("cancelled"), fullPage: true });
    await page.close();
  });

  it("the user closes the tab: the credential gives up at its timeout and suggests DeviceCodeCredential", async (t) => {
    if (!requireChromium(t)) return;
    const page = await session!.context.newPage();
    const abandoned = credential(
      async (url) => {
        await page.goto(url);
        await page.close();
      },
      { timeoutInMs: 2000 },
    );
    const started = Date.now();
    await assert.rejects(abandoned.getToken(STORAGE), (error: unknown) => {
      assert.ok(error instanceof AuthenticationError, String(error));
      assert.match(error.message, /DeviceCodeCredential/);
      return true;
    });
    assert.ok(Date.now() - started < 15_000, "bounded by timeoutInMs");
  });

  it("the browser reaches nothing but loopback", async (t) => {
    if (!requireChromium(t)) return;
    const page = await session!.context.newPage();
    await assert.rejects(page.goto("https://login.microsoftonline.com/", { timeout: 10_000 }), /ERR_NAME_NOT_RESOLVED|ERR_/);
    await page.close();
  });
});

/** What a person does on the emulator's sign-in page. */
async function actAsUser(page: Page): Promise<void> {
  await page.click(`button.account[value="${DEFAULT_USERNAME}"]`);
  await page.locator("#password").waitFor();
  assert.equal(await page.inputValue("#username"), DEFAULT_USERNAME);
  await page.fill("#password", DEFAULT_PASSWORD);
  await page.screenshot({ path: screenshotPath("sign-in"), fullPage: true });
  await page.click("#sign-in");
}
