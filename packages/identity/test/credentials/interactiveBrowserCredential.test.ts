// InteractiveBrowserCredential's loopback half, driven by a stand-in "browser" (the browserOpener
// hook) that plays the authorization server's redirect: cancelled sign-in (error=access_denied),
// a forged state, a browser that never comes back (timeout), abort, headless detection, and the
// pages shown. The full sign-in against the emulator's /authorize page is in browserSignIn.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_PUBLIC_CLIENT_ID } from "@azid/emulator";
import { AuthenticationError, CredentialUnavailableError, InteractiveBrowserCredential } from "../../src/index.js";
import { browserCommand } from "../../src/sources/browserSignIn/openBrowser.js";
import { parseRedirectUri } from "../../src/credentials/interactiveBrowserCredential.js";
import { useEmulator } from "../support/emulator.js";
import { rejection, settledThisTurn, STILL_PENDING } from "../support/assertions.js";

const STORAGE = "https://storage.azure.com/.default";
const env = useEmulator();

function credentialWith(browserOpener: (url: string) => Promise<void>, extra: Record<string, unknown> = {}) {
  return new InteractiveBrowserCredential({ ...env.options, tenantId: env.tenantId, clientId: DEFAULT_PUBLIC_CLIENT_ID, browserOpener, ...extra });
}

/** What the authorize URL asked for. */
function authorizeParams(url: string): URLSearchParams {
  return new URL(url).searchParams;
}

describe("InteractiveBrowserCredential (loopback, simulated authorization server)", () => {
  it("the authorize URL carries PKCE S256, state, nonce, client_info and the loopback redirect; the listener is up before the browser opens", async () => {
    let seen: URLSearchParams | undefined;
    const credential = credentialWith(
      async (url) => {
        seen = authorizeParams(url);
        assert.equal(new URL(url).pathname, `/${env.tenantId}/oauth2/v2.0/authorize`);
        // The listener must already answer: the redirect can arrive before this function returns.
        const probe = await fetch(`${seen.get("redirect_uri")}/favicon.ico`);
        assert.equal(probe.status, 404, "non-redirect requests are ignored");
        await fetch(`${seen.get("redirect_uri")}/?error=access_denied&state=${seen.get("state")}`);
      },
      { loginHint: "alice@azid.onmicrosoft.com", domainHint: "azid.onmicrosoft.com" },
    );
    await assert.rejects(credential.getToken(STORAGE), AuthenticationError);
    assert.ok(seen);
    assert.equal(seen.get("response_type"), "code");
    assert.equal(seen.get("code_challenge_method"), "S256");
    assert.match(seen.get("code_challenge")!, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(seen.get("state")!.length >= 32 && seen.get("nonce")!.length >= 32);
    assert.notEqual(seen.get("state"), seen.get("nonce"));
    assert.match(seen.get("redirect_uri")!, /^http:\/\/localhost:\d+$/);
    assert.equal(seen.get("client_info"), "1");
    assert.equal(seen.get("prompt"), "login");
    assert.equal(seen.get("login_hint"), "alice@azid.onmicrosoft.com");
    assert.equal(seen.get("domain_hint"), "azid.onmicrosoft.com");
    assert.deepEqual(seen.get("scope")!.split(" ").sort(), [STORAGE, "offline_access", "openid", "profile"].sort());
  });

  it("error=access_denied: the tab shows the (escaped) description and getToken fails with it and a next step", async () => {
    let page = "";
    const credential = credentialWith(
      async (url) => {
        const p = authorizeParams(url);
        const description = "AADSTS65004: User declined to consent <script>alert(1)</script>";
        const response = await fetch(
          `${p.get("redirect_uri")}/?error=access_denied&error_description=${encodeURIComponent(description)}&state=${p.get("state")}`,
        );
        page = await response.text();
      },
      { browserCustomizationOptions: { errorMessage: "Nope & <b>no</b>" } },
    );
    await assert.rejects(credential.getToken(STORAGE), (error: unknown) => {
      assert.ok(error instanceof AuthenticationError);
      assert.equal(error.errorResponse.error, "access_denied");
      assert.match(error.message, /User declined to consent/);
      assert.match(error.message, /Hint: the sign-in was cancelled/);
      return true;
    });
    assert.ok(!page.includes("<script>"), "the description is escaped");
    assert.ok(page.includes("&lt;script&gt;"));
    assert.ok(page.includes("Nope &amp; &lt;b&gt;no&lt;/b&gt;"));
  });

  it("redirects with another state, or none, are ignored: they neither cancel the sign-in nor reach its error; the real one still completes", async () => {
    const before = env.tokenRequests().length;
    const statuses: number[] = [];
    const credential = credentialWith(async (url) => {
      const p = authorizeParams(url);
      const at = p.get("redirect_uri")!;
      const forged = encodeURIComponent("Attacker text eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2lnbmF0dXJl");
      for (const query of [
        `code=stolen-code&state=not-${p.get("state")}`,
        `error=access_denied&error_description=${forged}`,
        `error=access_denied&error_description=${forged}&state=wrong`,
        `code=no-state-at-all`,
      ]) {
        statuses.push((await fetch(`${at}/?${query}`)).status);
      }
      // Only then does the real redirect (our state) arrive: the sign-in is still waiting for it.
      await fetch(`${at}/?error=access_denied&error_description=${encodeURIComponent("AADSTS65004: User declined")}&state=${p.get("state")}`);
    });
    await assert.rejects(credential.getToken(STORAGE), (e: AuthenticationError) => {
      assert.equal(e.errorResponse.error, "access_denied");
      assert.match(e.message, /error_description \(its text, not azid's\): AADSTS65004: User declined/);
      assert.ok(!/Attacker text|eyJ/.test(e.message), e.message);
      return true;
    });
    assert.deepEqual(statuses, [400, 400, 400, 400]);
    assert.equal(env.tokenRequests().length, before, "no forged code was redeemed");
  });

  it("after ignored forgeries, a sign-in that never completes times out naming how many were ignored", async () => {
    const credential = credentialWith(
      async (url) => {
        const p = authorizeParams(url);
        await fetch(`${p.get("redirect_uri")}/?error=access_denied`);
        await fetch(`${p.get("redirect_uri")}/?code=x&state=other`);
      },
      // Room for both forged redirects to arrive before the deadline on a loaded machine (at 500 ms the
      // second one sometimes came after it: "1 redirect(s)").
      { timeoutInMs: 1_500 },
    );
    await assert.rejects(credential.getToken(STORAGE), (e: AuthenticationError) => e.errorResponse.error === "timeout" && /2 redirect\(s\)/.test(e.message));
  });

  it("a browser that never comes back (closed window) ends with a timeout error within the deadline, naming DeviceCodeCredential", async () => {
    let redirectUri = "";
    const credential = credentialWith(async (url) => void (redirectUri = authorizeParams(url).get("redirect_uri")!), { timeoutInMs: 400 });
    const before = env.tokenRequests().length;
    const started = Date.now();
    await assert.rejects(
      credential.getToken(STORAGE),
      (e: AuthenticationError) => e.errorResponse.error === "timeout" && /DeviceCodeCredential/.test(e.message),
    );
    // Nothing comes back: only the sign-in's own deadline (timeoutInMs) ends the wait, and not early.
    assert.ok(Date.now() - started >= 350, `ended after ${Date.now() - started} ms, before the 400 ms deadline`);
    assert.equal(env.tokenRequests().length, before, "no code was redeemed");
    await assert.rejects(fetch(redirectUri), "the loopback server is closed");
  });

  it("requestOptions.timeout and an AbortSignal stop the wait promptly", async () => {
    const credential = credentialWith(async () => undefined);
    const started = Date.now();
    const timedOut = await rejection(credential.getToken(STORAGE, { requestOptions: { timeout: 300 } }));
    assert.ok(timedOut instanceof AuthenticationError, String(timedOut));
    assert.equal(timedOut.errorResponse.error, "timeout", timedOut.message);
    // The sign-in's deadline (set from requestOptions.timeout; timeoutInMs is left at its default) fired, not a transport error.
    assert.match(timedOut.message, /no sign-in completed within/);
    assert.ok(Date.now() - started >= 250, `ended after ${Date.now() - started} ms, before the 300 ms deadline`);
    // Abort while the sign-in waits for the browser: the caller's rejection needs no event-loop turn.
    let opened!: () => void;
    const browserOpened = new Promise<void>((resolve) => (opened = resolve));
    const controller = new AbortController();
    const pending = credentialWith(async () => opened()).getToken(STORAGE, { abortSignal: controller.signal });
    pending.catch(() => undefined);
    await browserOpened;
    controller.abort();
    const outcome = await settledThisTurn(pending);
    assert.ok(outcome !== STILL_PENDING && "error" in outcome, "rejected before the event loop's next turn");
    assert.equal((outcome.error as Error).name, "AbortError");
  });

  it("an opener that fails is CredentialUnavailableError (so a chain moves on)", async () => {
    const credential = credentialWith(async () => {
      throw new Error("no browser installed");
    });
    await assert.rejects(
      credential.getToken(STORAGE),
      (e: Error) => e instanceof CredentialUnavailableError && /no browser installed/.test(e.message) && /DeviceCodeCredential/.test(e.message),
    );
  });

  it("concurrent getToken calls share one browser sign-in", async () => {
    let opened = 0;
    const credential = credentialWith(async (url) => {
      opened++;
      const p = authorizeParams(url);
      setTimeout(() => void fetch(`${p.get("redirect_uri")}/?error=access_denied&state=${p.get("state")}`), 50);
    });
    const results = await Promise.allSettled([
      credential.getToken(STORAGE),
      credential.getToken(STORAGE),
      credential.getToken("https://vault.azure.net/.default"),
    ]);
    assert.ok(results.every((r) => r.status === "rejected"));
    assert.equal(opened, 1);
  });
});

describe("browser launching and redirect URIs", () => {
  it("headless Linux (no DISPLAY/WAYLAND_DISPLAY/BROWSER) is unavailable at once, suggesting DeviceCodeCredential", () => {
    assert.throws(
      () => browserCommand("linux", {}, "6.1.0"),
      (e: Error) => e instanceof CredentialUnavailableError && /DeviceCodeCredential/.test(e.message),
    );
    assert.deepEqual(browserCommand("linux", { DISPLAY: ":0" }, "6.1.0"), ["xdg-open"]);
    assert.deepEqual(browserCommand("linux", { WAYLAND_DISPLAY: "wayland-0" }, "6.1.0"), ["xdg-open"]);
    assert.deepEqual(browserCommand("linux", { BROWSER: "/usr/bin/firefox:chromium" }, "6.1.0"), ["/usr/bin/firefox"]);
    assert.deepEqual(browserCommand("linux", {}, "5.15.0-microsoft-standard-WSL2"), ["wslview"]);
    assert.deepEqual(browserCommand("darwin", {}), ["open"]);
    assert.deepEqual(browserCommand("win32", {}), ["rundll32", "url.dll,FileProtocolHandler"]);
  });

  it("the default opener on a headless machine fails before any listener or request", async () => {
    const saved = { DISPLAY: process.env.DISPLAY, WAYLAND_DISPLAY: process.env.WAYLAND_DISPLAY, BROWSER: process.env.BROWSER };
    delete process.env.DISPLAY;
    delete process.env.WAYLAND_DISPLAY;
    delete process.env.BROWSER;
    try {
      const before = env.emu.requests.length;
      const credential = new InteractiveBrowserCredential({ ...env.options, tenantId: env.tenantId, clientId: DEFAULT_PUBLIC_CLIENT_ID });
      if (process.platform === "linux" && !/microsoft/i.test((await import("node:os")).release())) {
        await assert.rejects(credential.getToken(STORAGE), CredentialUnavailableError);
        assert.equal(env.emu.requests.length, before);
      }
    } finally {
      for (const [key, value] of Object.entries(saved)) if (value !== undefined) process.env[key] = value;
    }
  });

  it("redirectUri: http://localhost[:port][/path] only, checked at construction", () => {
    assert.deepEqual(parseRedirectUri(undefined), { port: 0, path: "/" });
    assert.deepEqual(parseRedirectUri("http://localhost"), { port: 0, path: "/" });
    assert.deepEqual(parseRedirectUri("http://localhost:8400"), { port: 8400, path: "/" });
    assert.deepEqual(parseRedirectUri("http://127.0.0.1:8400/callback"), { port: 8400, path: "/callback" });
    assert.throws(() => new InteractiveBrowserCredential({ redirectUri: "https://example.com/cb" }), RangeError);
    assert.throws(() => new InteractiveBrowserCredential({ timeoutInMs: -1 }), RangeError);
  });
});

describe("InteractiveBrowserCredential, full flow against a scripted token endpoint", () => {
  const CLIENT = "0c5b7c2e-6f2a-4b51-9d7e-3e1f0a6b2c11";
  const TENANT = "7e2b1c3a-4d5f-4a6b-8c9d-0e1f2a3b4c5d";
  const jwt = (claims: object) => `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;

  /** Plays Entra: the opener follows /authorize straight to the loopback with a code; the token endpoint redeems it. */
  function scripted(idTokenNonce: (sentNonce: string) => string) {
    let nonce = "";
    let challenge = "";
    const forms: Array<Record<string, string>> = [];
    const httpClient = {
      async sendRequest(request: { body?: string }) {
        const form = Object.fromEntries(new URLSearchParams(request.body ?? ""));
        forms.push(form);
        const body = {
          token_type: "Bearer",
          expires_in: 3600,
          access_token: jwt({ n: forms.length }),
          refresh_token: "rt",
          id_token: jwt({ aud: CLIENT, tid: TENANT, preferred_username: "carol@azid.onmicrosoft.com", nonce: idTokenNonce(nonce) }),
          client_info: Buffer.from(JSON.stringify({ uid: "carol", utid: TENANT })).toString("base64url"),
        };
        return { status: 200, headers: { "content-type": "application/json" }, bodyText: JSON.stringify(body) };
      },
    };
    let page: Promise<string> = Promise.resolve("");
    const browserOpener = async (url: string) => {
      const p = new URL(url).searchParams;
      nonce = p.get("nonce")!;
      challenge = p.get("code_challenge")!;
      page = fetch(`${p.get("redirect_uri")}/?code=auth-code-1&state=${p.get("state")}&client_info=x`).then((r) => r.text());
    };
    return { httpClient, browserOpener, forms, page: () => page, challenge: () => challenge };
  }

  it("redeems the code with the PKCE verifier at the loopback redirect_uri; the tab shows success only after the redemption", async () => {
    const { createHash } = await import("node:crypto");
    const entra = scripted((sent) => sent);
    const credential = new InteractiveBrowserCredential({
      authorityHost: "https://login.microsoftonline.com",
      tenantId: TENANT,
      clientId: CLIENT,
      httpClient: entra.httpClient,
      browserOpener: entra.browserOpener,
      browserCustomizationOptions: { successMessage: "Done <3" },
    });
    const record = await credential.authenticate("https://storage.azure.com/.default");
    assert.deepEqual(record, {
      authority: "login.microsoftonline.com",
      homeAccountId: `carol.${TENANT}`,
      clientId: CLIENT,
      tenantId: TENANT,
      username: "carol@azid.onmicrosoft.com",
    });
    const [redeem] = entra.forms;
    assert.equal(redeem!.grant_type, "authorization_code");
    assert.equal(redeem!.code, "auth-code-1");
    assert.equal(createHash("sha256").update(redeem!.code_verifier!).digest("base64url"), entra.challenge());
    assert.match(redeem!.redirect_uri!, /^http:\/\/localhost:\d+$/);
    assert.equal(redeem!.client_info, "1");
    assert.equal(redeem!.client_secret, undefined);
    assert.match(await entra.page(), /Done &lt;3/);
    await credential.getToken("https://storage.azure.com/.default");
    assert.equal(entra.forms.length, 1, "authenticate() filled the cache");
  });

  it("an id_token whose nonce is not ours is refused, and the tab says the sign-in failed", async () => {
    const entra = scripted(() => "someone-elses-nonce");
    const credential = new InteractiveBrowserCredential({
      authorityHost: "https://login.microsoftonline.com",
      tenantId: TENANT,
      clientId: CLIENT,
      httpClient: entra.httpClient,
      browserOpener: entra.browserOpener,
    });
    await assert.rejects(credential.getToken("https://storage.azure.com/.default"), (e: AuthenticationError) => e.errorResponse.error === "nonce_mismatch");
    assert.match(await entra.page(), /Sign-in failed[\s\S]*nonce_mismatch/);
  });

  it("listens on the redirectUri's port when one is given", async () => {
    const { createServer } = await import("node:net");
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const entra = scripted((sent) => sent);
    const credential = new InteractiveBrowserCredential({
      authorityHost: "https://login.microsoftonline.com",
      tenantId: TENANT,
      clientId: CLIENT,
      httpClient: entra.httpClient,
      browserOpener: entra.browserOpener,
      redirectUri: `http://localhost:${port}`,
    });
    await credential.getToken("https://storage.azure.com/.default");
    assert.equal(entra.forms[0]!.redirect_uri, `http://localhost:${port}`);
  });
});
