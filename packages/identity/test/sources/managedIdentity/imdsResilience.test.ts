// IMDS under stress: upgrade storms (410), throttling (429 + Retry-After), a black hole, and the
// classic mistake of one credential per request under load.
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { CredentialUnavailableError, ManagedIdentityCredential } from "../../../src/index.js";
import type { HttpClient, HttpResponse } from "../../../src/core/http/httpClient.js";
import { imdsHost, probeImds } from "../../../src/sources/managedIdentity/imds.js";
import { createNodeHttpClient } from "../../../src/core/http/nodeHttpClient.js";
import { IMDS_GONE_WINDOW_MS, imdsRetryPolicy, sendWithManagedIdentityRetry } from "../../../src/sources/managedIdentity/retryPolicy.js";
import { useEmulator } from "../../support/emulator.js";
import { runOn, useManagedIdentityEnvironment } from "./environment.js";

const STORAGE = "https://storage.azure.com/.default";
const env = useEmulator();
useManagedIdentityEnvironment();

function imdsRequests(since: number) {
  return env.emu.requests.slice(since).filter((r) => r.route === "imds");
}

describe("IMDS resilience", () => {
  beforeEach(() => env.emu.faults.clear());

  it("a 410 storm (IMDS upgrading) is ridden out beyond maxRetries, then the token arrives", async () => {
    runOn(env.emu, "imds");
    env.emu.faults.add({ route: "imds", status: 410, durationMs: 3000 });
    const before = env.emu.requests.length;
    const started = Date.now();
    const token = await new ManagedIdentityCredential({ retryOptions: { maxRetries: 1, retryDelayInMs: 50, maxRetryDelayInMs: 400 } }).getToken(STORAGE);
    assert.ok(token.token.length > 0);
    const sent = imdsRequests(before);
    assert.ok(Date.now() - started >= 2900, "kept trying through the storm");
    assert.ok(sent.length > 2, `more attempts than maxRetries + 1 (${sent.length})`);
    assert.deepEqual(new Set(sent.slice(0, -1).map((r) => r.status)), new Set([410]));
    assert.equal(sent.at(-1)!.status, 200);
  });

  it("by default the 410 window is at least 70 s and fits in the default deadline", () => {
    assert.ok(IMDS_GONE_WINDOW_MS >= 70_000);
    const policy = imdsRetryPolicy(undefined);
    assert.equal(policy.goneRetryWindowMs, IMDS_GONE_WINDOW_MS);
    assert.ok(policy.retryStatuses.has(410) && policy.retryStatuses.has(404) && policy.retryStatuses.has(429) && policy.retryStatuses.has(503));
    assert.ok(!policy.retryStatuses.has(400) && !policy.retryStatuses.has(401) && !policy.retryStatuses.has(403));
  });

  it("the retry loop keeps answering 410 until the window has passed, whatever maxRetries says", async () => {
    let calls = 0;
    const gone: HttpClient = { sendRequest: async (): Promise<HttpResponse> => (calls++, { status: 410, headers: {}, bodyText: "" }) };
    const started = Date.now();
    const { response, attempts } = await sendWithManagedIdentityRetry(
      gone,
      { method: "GET", url: "http://127.0.0.1:1/x", headers: {} },
      { ...imdsRetryPolicy({ maxRetries: 0, retryDelayInMs: 10, maxRetryDelayInMs: 20 }), goneRetryWindowMs: 300 },
      { deadline: Date.now() + 5000, attemptTimeoutMs: 1000 },
    );
    assert.equal(response.status, 410);
    assert.equal(attempts, calls);
    assert.ok(attempts > 5 && Date.now() - started >= 300, `${attempts} attempts in ${Date.now() - started} ms`);
  });

  it("429 with Retry-After: waits as asked, then succeeds", async () => {
    runOn(env.emu, "imds");
    env.emu.faults.add({ route: "imds", status: 429, retryAfter: 1, times: 1 });
    const before = env.emu.requests.length;
    await new ManagedIdentityCredential({ retryOptions: { retryDelayInMs: 10 } }).getToken(STORAGE);
    const sent = imdsRequests(before);
    assert.deepEqual(
      sent.map((r) => r.status),
      [429, 200],
    );
    assert.ok(sent[1]!.time - sent[0]!.time >= 950, `waited ${sent[1]!.time - sent[0]!.time} ms`);
  });

  it("400 (other than identity not found) is not retried", async () => {
    runOn(env.emu, "imds");
    env.emu.faults.add({
      route: "imds",
      status: 400,
      body: JSON.stringify({ error: "invalid_resource", error_description: "AADSTS500011: resource not found" }),
    });
    const before = env.emu.requests.length;
    await assert.rejects(
      new ManagedIdentityCredential({ retryOptions: { retryDelayInMs: 5 } }).getToken(STORAGE),
      (e: Error) => e.name === "AuthenticationError" && /invalid_resource/.test(e.message) && /check the scope/.test(e.message),
    );
    assert.equal(imdsRequests(before).length, 1);
  });

  it("a black hole fails within requestOptions.timeout as 'unavailable'", async () => {
    runOn(env.emu, "imds");
    env.emu.faults.add({ route: "imds", hang: true });
    const before = env.emu.requests.length;
    const started = Date.now();
    const error = await new ManagedIdentityCredential().getToken(STORAGE, { requestOptions: { timeout: 400 } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    assert.ok(error instanceof CredentialUnavailableError, String(error));
    assert.match(error.message, /IMDS \(http:\/\/127\.0\.0\.1:\d+\/metadata\/identity\/oauth2\/token\)/);
    // The emulator never answers: only the 400 ms deadline ends the wait, with the IMDS request sent once
    // (no attempt fits after it), and not early.
    assert.ok(elapsed >= 380, `ended after ${elapsed} ms, before the 400 ms deadline`);
    // Two timers end at the same deadline and either may fire first: the credential's own (naming
    // requestOptions.timeout) or the request's, given the time left of it (<= 400 ms, "deadline reached").
    const fired = /within requestOptions\.timeout \(400 ms\)|within (\d+) ms\. \(1 attempt\(s\); deadline reached\)/.exec(error.message);
    assert.ok(fired !== null && (fired[1] === undefined || Number(fired[1]) <= 400), `the deadline that fired is requestOptions.timeout: ${error.message}`);
    assert.equal(imdsRequests(before).length, 1, "one IMDS request");
  });

  it("1,000 concurrent getToken across 100 fresh credentials: exactly one IMDS request", async () => {
    runOn(env.emu, "imds");
    env.emu.faults.add({ route: "imds", delayMs: 50, times: 1 }); // keep the first request in flight a moment
    const before = env.emu.requests.length;
    const credentials = Array.from({ length: 100 }, () => new ManagedIdentityCredential());
    const tokens = await Promise.all(Array.from({ length: 1000 }, (_, i) => credentials[i % 100]!.getToken(STORAGE)));
    assert.equal(new Set(tokens.map((t) => t.token)).size, 1);
    assert.equal(imdsRequests(before).length, 1);
    // later instances are served from the cache too
    await new ManagedIdentityCredential().getToken(STORAGE);
    assert.equal(imdsRequests(before).length, 1);
  });

  it("different identities do not share tokens", async () => {
    runOn(env.emu, "imds");
    const a = await new ManagedIdentityCredential().getToken(STORAGE);
    const { DEFAULT_USER_IDENTITY_CLIENT_ID } = await import("@azid/emulator");
    const b = await new ManagedIdentityCredential(DEFAULT_USER_IDENTITY_CLIENT_ID).getToken(STORAGE);
    assert.notEqual(a.token, b.token);
  });

  it("probeImds (for DefaultAzureCredential): any quick answer is 'there'; refused or silent is 'not there'", async () => {
    const base = new URL(env.emu.managedIdentity.httpUrl);
    const client = createNodeHttpClient({ allowHttpOrigins: [base.origin], bypassProxy: true });
    const before = env.emu.requests.length;
    assert.equal(await probeImds(imdsHost(base), client), true);
    const [probe] = imdsRequests(before);
    assert.equal(probe!.headers.metadata, undefined, "no Metadata header: IMDS answers 400 at once");
    assert.deepEqual(probe!.query, {});
    assert.equal(await probeImds(imdsHost(new URL("http://127.0.0.1:1")), createNodeHttpClient({ allowHttpOrigins: ["http://127.0.0.1:1"] })), false);
    env.emu.faults.add({ route: "imds", hang: true, times: 1 });
    // Silent: the probe gives the transport its own 300 ms deadline (which ends the wait), and asks once.
    const timeouts: (number | undefined)[] = [];
    const recording: HttpClient = { sendRequest: (request) => (timeouts.push(request.timeoutMs), client.sendRequest(request)) };
    const silentFrom = env.emu.requests.length;
    assert.equal(await probeImds(imdsHost(base), recording, 300), false);
    assert.deepEqual(timeouts, [300], "one probe request, with the 300 ms deadline");
    assert.equal(imdsRequests(silentFrom).length, 1, "IMDS saw one request");
  });
});
