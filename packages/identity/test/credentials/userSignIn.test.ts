// User sign-in end to end against the emulator's interactive endpoints: the browser flow completed
// by a scripted "user" (GET the authorize page, POST its sign-in form, follow the redirect to the
// loopback), device code approved while the credential polls, authorization code and on-behalf-of
// grants, and refresh-token revocation. Each test skips itself while the emulator lacks the
// endpoint it needs (/authorize, /devicecode, emu.deviceCode, emu.revokeRefreshTokens).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { request as httpsRequest } from "node:https";
import { beforeEach, describe, it, type TestContext } from "node:test";
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PASSWORD, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_USERNAME } from "@azid/emulator";
import {
  AuthenticationError,
  AuthenticationRequiredError,
  DeviceCodeCredential,
  InteractiveBrowserCredential,
  OnBehalfOfCredential,
  UsernamePasswordCredential,
  type DeviceCodeInfo,
} from "../../src/index.js";
import { tokenCache } from "../../src/core/cache/tokenCache.js";
import { captureLogs, decodeJwt, useEmulator } from "../support/emulator.js";

const STORAGE = "https://storage.azure.com/.default";
const VAULT = "https://vault.azure.net/.default";
const env = useEmulator();

/** The programmatic hooks the emulator is getting (issue 4); typed here until they exist. */
interface InteractiveEmulator {
  deviceCode?: { approve(userCode: string, username?: string): unknown; deny(userCode: string): unknown };
  revokeRefreshTokens?: (username?: string) => unknown;
}
const hooks = () => env.emu as unknown as InteractiveEmulator;
let authorizeProbe: Promise<boolean> | undefined;
function hasAuthorize(): Promise<boolean> {
  authorizeProbe ??= get(
    `${env.emu.url}/${env.tenantId}/oauth2/v2.0/authorize?client_id=${DEFAULT_PUBLIC_CLIENT_ID}&response_type=code&redirect_uri=http://localhost&scope=openid&code_challenge=${"a".repeat(43)}&code_challenge_method=S256`,
  ).then((probe) => probe.status === 200 && /<form/i.test(probe.body));
  return authorizeProbe;
}

beforeEach(() => tokenCache.clear());

/** The emulator serves every flow these tests need: a missing one is a failure, never a skip. */
function need(_t: TestContext, available: boolean, what: string): boolean {
  assert.ok(available, `the emulator should provide ${what}`);
  return available;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(method: "GET" | "POST", url: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method,
        ca: env.emu.caCertPem,
        headers: {
          ...headers,
          ...(body !== undefined ? { "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)) } : {}),
        },
      },
      (res) => {
        let text = "";
        res
          .setEncoding("utf8")
          .on("data", (c: string) => (text += c))
          .on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
function get(url: string): Promise<Reply> {
  return send("GET", url);
}

const attr = (tag: string, name: string) =>
  tag
    .match(new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`, "i"))?.[1]
    ?.replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"');

/** A scripted user on the emulator's sign-in page: fills the form and presses #sign-in or #cancel. Returns the loopback page. */
async function signInOnPage(authorizeUrl: string, user: { username: string; password: string }, button: "sign-in" | "cancel" = "sign-in"): Promise<string> {
  const page = await get(authorizeUrl);
  assert.equal(page.status, 200, page.body.slice(0, 200));
  const formTag = page.body.match(/<form[^>]*>/i)![0];
  const action = new URL(attr(formTag, "action") ?? authorizeUrl, authorizeUrl);
  const fields = new URLSearchParams();
  for (const input of page.body.match(/<input[^>]*>/gi) ?? []) {
    const name = attr(input, "name");
    if (name !== undefined && !/type\s*=\s*"(submit|button)"/i.test(input)) fields.set(name, attr(input, "value") ?? "");
  }
  fields.set("username", user.username);
  fields.set("password", user.password);
  const buttonTag = (page.body.match(/<(button|input)[^>]*>/gi) ?? []).find((tag) => attr(tag, "id") === button);
  assert.ok(buttonTag, `the page has a #${button} button`);
  const buttonName = attr(buttonTag, "name");
  if (buttonName !== undefined) fields.set(buttonName, attr(buttonTag, "value") ?? "");
  const posted = await send("POST", action.toString(), fields.toString(), {
    cookie: [page.headers["set-cookie"] ?? []]
      .flat()
      .map((c) => c.split(";")[0])
      .join("; "),
  });
  assert.equal(posted.status, 302, posted.body.slice(0, 300));
  const location = String(posted.headers.location);
  assert.match(location, /^http:\/\/localhost:\d+/);
  const redirected = await fetch(location);
  return redirected.text();
}

describe("InteractiveBrowserCredential against the emulator's sign-in page", () => {
  it("signs in: PKCE verifier matches the challenge, the tab shows success, the token is the user's, the next scope is silent", async (t) => {
    if (!need(t, await hasAuthorize(), "/authorize page")) return;
    let authorizeUrl = "";
    let pageShown: Promise<string> | undefined;
    const credential = new InteractiveBrowserCredential({
      ...env.options,
      tenantId: env.tenantId,
      clientId: DEFAULT_PUBLIC_CLIENT_ID,
      browserCustomizationOptions: { successMessage: "All good, close me." },
      browserOpener: async (url) => {
        authorizeUrl = url;
        pageShown = signInOnPage(url, { username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD });
        pageShown.catch(() => undefined);
      },
    });
    const { lines, result: record, error } = await captureLogs(() => credential.authenticate(STORAGE));
    assert.equal(error, undefined);
    assert.equal(record!.username, DEFAULT_USERNAME);
    assert.match(await pageShown!, /All good, close me\./);
    const redeem = env.tokenRequests().at(-1)!.form!;
    assert.equal(redeem.grant_type, "authorization_code");
    const challenge = new URL(authorizeUrl).searchParams.get("code_challenge");
    assert.equal(createHash("sha256").update(redeem.code_verifier!).digest("base64url"), challenge);
    assert.equal(redeem.redirect_uri, new URL(authorizeUrl).searchParams.get("redirect_uri"));
    for (const line of lines) assert.ok(!line.includes(redeem.code!) && !line.includes(redeem.code_verifier!));
    const before = env.tokenRequests().length;
    const token = await credential.getToken(STORAGE);
    assert.equal(env.tokenRequests().length, before, "authenticate() filled the cache");
    assert.equal(decodeJwt(token.token).payload.upn ?? decodeJwt(token.token).payload.preferred_username, DEFAULT_USERNAME);
    await credential.getToken(VAULT);
    assert.equal(env.tokenRequests().at(-1)!.form!.grant_type, "refresh_token");
  });

  it("the user presses Cancel: access_denied with a next step", async (t) => {
    if (!need(t, await hasAuthorize(), "/authorize page")) return;
    const credential = new InteractiveBrowserCredential({
      ...env.options,
      tenantId: env.tenantId,
      clientId: DEFAULT_PUBLIC_CLIENT_ID,
      browserOpener: async (url) => void signInOnPage(url, { username: DEFAULT_USERNAME, password: "" }, "cancel").catch(() => undefined),
    });
    await assert.rejects(credential.getToken(STORAGE), (e: AuthenticationError) => e.errorResponse.error === "access_denied" && /Hint:/.test(e.message));
  });
});

describe("DeviceCodeCredential against the emulator", () => {
  it("a user approves the code while the credential polls; the token is theirs", async (t) => {
    if (!need(t, hooks().deviceCode !== undefined, "emu.deviceCode hooks")) return;
    const prompts: DeviceCodeInfo[] = [];
    const credential = new DeviceCodeCredential({
      ...env.options,
      tenantId: env.tenantId,
      clientId: DEFAULT_PUBLIC_CLIENT_ID,
      userPromptCallback: (info) => {
        prompts.push(info);
        setTimeout(() => hooks().deviceCode!.approve(info.userCode, DEFAULT_USERNAME), 300);
      },
    });
    const token = await credential.getToken(STORAGE);
    assert.equal(prompts.length, 1);
    assert.ok(prompts[0]!.verificationUri.includes("/devicelogin") || prompts[0]!.verificationUri.startsWith("https://"));
    const payload = decodeJwt(token.token).payload;
    assert.equal(payload.upn ?? payload.preferred_username, DEFAULT_USERNAME);
    const polls = env.tokenRequests().filter((r) => r.form?.device_code !== undefined);
    assert.ok(polls.length >= 1);
    assert.equal(polls.at(-1)!.form!.grant_type, "urn:ietf:params:oauth:grant-type:device_code");
  });

  it("a user declines: authorization_declined", async (t) => {
    if (!need(t, hooks().deviceCode !== undefined, "emu.deviceCode hooks")) return;
    const credential = new DeviceCodeCredential({
      ...env.options,
      tenantId: env.tenantId,
      clientId: DEFAULT_PUBLIC_CLIENT_ID,
      userPromptCallback: (info) => void setTimeout(() => hooks().deviceCode!.deny(info.userCode), 200),
    });
    await assert.rejects(
      credential.getToken(STORAGE),
      (e: AuthenticationError) => e.errorResponse.error === "authorization_declined" && /Hint:/.test(e.message),
    );
  });

  it("revoked refresh tokens: AuthenticationRequiredError with automatic authentication off, a new device code otherwise", async (t) => {
    if (!need(t, hooks().deviceCode !== undefined && hooks().revokeRefreshTokens !== undefined, "emu.deviceCode / emu.revokeRefreshTokens")) return;
    let prompts = 0;
    const options = {
      ...env.options,
      tenantId: env.tenantId,
      clientId: DEFAULT_PUBLIC_CLIENT_ID,
      userPromptCallback: (info: DeviceCodeInfo) => {
        prompts++;
        setTimeout(() => hooks().deviceCode!.approve(info.userCode, DEFAULT_USERNAME), 200);
      },
    };
    const interactive = new DeviceCodeCredential(options);
    const record = await interactive.authenticate(STORAGE);
    const silentOnly = new DeviceCodeCredential({ ...options, authenticationRecord: record!, disableAutomaticAuthentication: true });
    hooks().revokeRefreshTokens!(DEFAULT_USERNAME);
    await assert.rejects(
      silentOnly.getToken(VAULT),
      (e: unknown) => e instanceof AuthenticationRequiredError && e.scopes[0] === VAULT && /rejected the refresh token/.test(e.message),
    );
    await interactive.getToken(VAULT);
    assert.equal(prompts, 2, "interaction was required again");
  });
});

describe("UsernamePasswordCredential + OnBehalfOfCredential against the emulator", () => {
  it("a web API exchanges its caller's token for a downstream token on the caller's behalf", async (t) => {
    const userToken = await new UsernamePasswordCredential(env.tenantId, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_USERNAME, DEFAULT_PASSWORD, env.options)
      .getToken(`api://${DEFAULT_CLIENT_ID}/.default`)
      .catch(() => undefined);
    if (!need(t, userToken !== undefined, "tokens for api://<app> scopes")) return;
    const obo = new OnBehalfOfCredential({
      ...env.options,
      tenantId: env.tenantId,
      clientId: DEFAULT_CLIENT_ID,
      clientSecret: DEFAULT_CLIENT_SECRET,
      userAssertionToken: userToken!.token,
    });
    const downstream = await obo.getToken(STORAGE).catch((error: unknown) => error);
    if (downstream instanceof AuthenticationError && downstream.errorResponse.error === "unsupported_grant_type")
      return void t.skip("the emulator has no on-behalf-of grant yet");
    assert.ok(!(downstream instanceof Error), String(downstream));
    const payload = decodeJwt((downstream as { token: string }).token).payload;
    assert.equal(payload.upn ?? payload.preferred_username, DEFAULT_USERNAME);
    assert.equal(payload.appid ?? payload.azp, DEFAULT_CLIENT_ID);
    const form = env.tokenRequests().at(-1)!.form!;
    assert.equal(form.requested_token_use, "on_behalf_of");
    assert.equal(form.assertion, userToken!.token);
  });
});
