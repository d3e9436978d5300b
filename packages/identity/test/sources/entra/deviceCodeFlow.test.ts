// DeviceCodeCredential's polling rules against a scripted token endpoint (the injected httpClient
// plays Entra, so every polling answer can be forced): fields sent, authorization_pending,
// slow_down (back off, don't fail), expired_token / authorization_declined / bad_verification_code
// as distinct errors with a next step, the code's own expiry, abort and timeout.
// The end-to-end sign-in against the emulator's /devicelogin is in deviceCode.test.ts.
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { AuthenticationError, DeviceCodeCredential, type DeviceCodeInfo, type HttpClient, type HttpRequest } from "../../../src/index.js";
import { tokenCache } from "../../../src/core/cache/tokenCache.js";
import { settledThisTurn, STILL_PENDING } from "../../support/assertions.js";

const STORAGE = "https://storage.azure.com/.default";
const CLIENT = "0c5b7c2e-6f2a-4b51-9d7e-3e1f0a6b2c11";
const TENANT = "7e2b1c3a-4d5f-4a6b-8c9d-0e1f2a3b4c5d";

type Answer = { status: number; body: Record<string, unknown> };

function jwt(claims: object): string {
  return `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;
}

const success: Answer = {
  status: 200,
  body: {
    token_type: "Bearer",
    expires_in: 3600,
    access_token: jwt({ scp: "user_impersonation" }),
    refresh_token: "rt-1",
    id_token: jwt({ aud: CLIENT, tid: TENANT, preferred_username: "dev@azid.onmicrosoft.com", sub: "s" }),
    client_info: Buffer.from(JSON.stringify({ uid: "u1", utid: TENANT })).toString("base64url"),
  },
};
const pending: Answer = {
  status: 400,
  body: { error: "authorization_pending", error_description: "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending.", error_codes: [70016] },
};
const failure = (error: string, code: number): Answer => ({ status: 400, body: { error, error_description: `AADSTS${code}: ${error}`, error_codes: [code] } });

/** A scripted Entra: the device code answer, then one answer per poll (the last repeats). */
function scriptedEntra(polls: Answer[], deviceCode: Record<string, unknown> = {}) {
  const requests: Array<HttpRequest & { form: Record<string, string>; at: number }> = [];
  const client: HttpClient = {
    async sendRequest(request) {
      const form = Object.fromEntries(new URLSearchParams(request.body ?? ""));
      requests.push({ ...request, form, at: Date.now() });
      if (new URL(request.url).pathname.endsWith("/devicecode")) {
        return json(200, {
          device_code: "dc-secret-123",
          user_code: "ABCD-EFGH",
          verification_uri: "https://microsoft.com/devicelogin",
          expires_in: 900,
          interval: 0.2,
          message: "To sign in, enter ABCD-EFGH",
          ...deviceCode,
        });
      }
      const polls_ = requests.filter((r) => !r.url.includes("/devicecode")).length;
      const answer = polls[Math.min(polls_ - 1, polls.length - 1)]!;
      return json(answer.status, answer.body);
    },
  };
  return { client, requests, polls: () => requests.filter((r) => !r.url.includes("/devicecode")) };
}

function json(status: number, body: object) {
  return { status, headers: { "content-type": "application/json" }, bodyText: JSON.stringify(body) };
}

function credential(client: HttpClient, prompts: DeviceCodeInfo[] = []) {
  return new DeviceCodeCredential({
    tenantId: TENANT,
    clientId: CLIENT,
    authorityHost: "https://login.microsoftonline.com",
    httpClient: client,
    userPromptCallback: (info) => void prompts.push(info),
  });
}

beforeEach(() => tokenCache.clear());

describe("DeviceCodeCredential polling", () => {
  it("asks /devicecode with the scopes + OIDC scopes, prompts, and polls with the RFC 8628 grant type until approved", async () => {
    const entra = scriptedEntra([pending, pending, success]);
    const prompts: DeviceCodeInfo[] = [];
    const token = await credential(entra.client, prompts).getToken(STORAGE);
    assert.equal(token.token, success.body.access_token);
    const [request] = entra.requests;
    assert.equal(request!.url, `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/devicecode`);
    assert.equal(request!.form.client_id, CLIENT);
    assert.deepEqual(request!.form.scope!.split(" ").sort(), [STORAGE, "offline_access", "openid", "profile"].sort());
    assert.equal(prompts.length, 1);
    assert.equal(prompts[0]!.userCode, "ABCD-EFGH");
    assert.equal(prompts[0]!.verificationUri, "https://microsoft.com/devicelogin");
    assert.equal(prompts[0]!.message, "To sign in, enter ABCD-EFGH");
    assert.ok(prompts[0]!.expiresOn instanceof Date && prompts[0]!.expiresOn.getTime() > Date.now() + 800_000);
    const polls = entra.polls();
    assert.equal(polls.length, 3);
    for (const poll of polls) {
      assert.equal(poll.form.grant_type, "urn:ietf:params:oauth:grant-type:device_code");
      assert.equal(poll.form.device_code, "dc-secret-123");
      assert.equal(poll.form.client_id, CLIENT);
      assert.equal(poll.form.client_info, "1");
    }
    assert.ok(polls[1]!.at - polls[0]!.at >= 180, "polls are spaced by the interval");
  });

  it("slow_down adds 5 seconds to the interval and keeps polling", async () => {
    const entra = scriptedEntra([{ status: 400, body: { error: "slow_down", error_description: "slow down" } }, success]);
    await credential(entra.client).getToken(STORAGE);
    const [first, second] = entra.polls();
    const gap = second!.at - first!.at;
    assert.ok(gap >= 5_000 && gap < 7_000, `second poll after ${gap} ms`);
  });

  for (const [error, code, pattern] of [
    ["expired_token", 70019, /expired before the sign-in was completed/],
    ["authorization_declined", 0, /declined the sign-in/],
    ["bad_verification_code", 70018, /did not recognise the device code/],
  ] as const) {
    it(`${error} is an AuthenticationError with that code and a next step`, async () => {
      const entra = scriptedEntra([pending, failure(error, code)]);
      await assert.rejects(credential(entra.client).getToken(STORAGE), (e: unknown) => {
        assert.ok(e instanceof AuthenticationError);
        assert.equal(e.errorResponse.error, error);
        assert.match(e.message, pattern);
        assert.ok(!e.message.includes("dc-secret-123"), "the device code is not echoed");
        return true;
      });
      assert.equal(entra.polls().length, 2, "no poll after a final error");
    });
  }

  it("stops by itself when the code expires (expires_in), even if the server keeps saying pending", async () => {
    const entra = scriptedEntra([pending], { expires_in: 1 });
    await assert.rejects(
      credential(entra.client).getToken(STORAGE),
      (e: AuthenticationError) => e.errorResponse.error === "expired_token" && /expired after 1 s/.test(e.message),
    );
    // The code's own expiry (expires_in: 1) ended it, not a caller deadline; at one poll per 200 ms
    // interval at most 6 fit in that second, and none follow.
    const pollsAtExpiry = entra.polls().length;
    assert.ok(pollsAtExpiry >= 1 && pollsAtExpiry <= 6, `${pollsAtExpiry} polls`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(entra.polls().length, pollsAtExpiry, "no polling after the expiry");
  });

  it("an AbortSignal stops polling at once with AbortError; requestOptions.timeout with a timeout error", async () => {
    const entra = scriptedEntra([pending]);
    const controller = new AbortController();
    const signIn = credential(entra.client).getToken(STORAGE, { abortSignal: controller.signal });
    signIn.catch(() => undefined);
    while (entra.polls().length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    // At once: the rejection needs no event-loop turn (no poll, no sleep to finish first).
    const outcome = await settledThisTurn(signIn);
    assert.ok(outcome !== STILL_PENDING && "error" in outcome, "rejected before the event loop's next turn");
    assert.equal((outcome.error as Error).name, "AbortError");
    const pollsAtAbort = entra.polls().length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(entra.polls().length, pollsAtAbort, "no polling after abort");
    await assert.rejects(
      credential(entra.client).getToken(STORAGE, { requestOptions: { timeout: 400 } }),
      (e: AuthenticationError) => e.errorResponse.error === "timeout" && /within requestOptions\.timeout \(400 ms\)/.test(e.message),
    );
  });

  it("Conditional Access blocking device code (AADSTS53003) says to use the browser instead", async () => {
    const client: HttpClient = {
      sendRequest: async () =>
        json(400, { error: "access_denied", error_description: "AADSTS53003: Access has been blocked by Conditional Access policies.", error_codes: [53003] }),
    };
    await assert.rejects(credential(client).getToken(STORAGE), /InteractiveBrowserCredential/);
  });

  it("the default prompt prints the message to stderr", async () => {
    const entra = scriptedEntra([success]);
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      await new DeviceCodeCredential({
        tenantId: TENANT,
        clientId: CLIENT,
        authorityHost: "https://login.microsoftonline.com",
        httpClient: entra.client,
      }).getToken(STORAGE);
    } finally {
      process.stderr.write = original;
    }
    assert.ok(written.some((line) => line.includes("To sign in, enter ABCD-EFGH")));
  });

  it("a second getToken (another scope) is silent: the refresh token grant, no second device code", async () => {
    const entra = scriptedEntra([success]);
    const prompts: DeviceCodeInfo[] = [];
    const c = credential(entra.client, prompts);
    await c.getToken(STORAGE);
    await c.getToken("https://vault.azure.net/.default");
    assert.equal(prompts.length, 1);
    assert.equal(entra.requests.at(-1)!.form.grant_type, "refresh_token");
    assert.equal(entra.requests.at(-1)!.form.refresh_token, "rt-1");
  });

  it("defaults: developer sign-on client and the organizations tenant", async () => {
    const entra = scriptedEntra([success]);
    await new DeviceCodeCredential({ authorityHost: "https://login.microsoftonline.com", httpClient: entra.client, userPromptCallback: () => undefined })
      .getToken(STORAGE)
      .catch(() => undefined);
    assert.equal(entra.requests[0]!.url, "https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode");
    assert.equal(entra.requests[0]!.form.client_id, "04b07795-8ddb-461a-bbee-02f9e1bf7b46");
  });
});
