// A token endpoint that lies, echoes, or stalls: the emulator's fault injection over real HTTPS.
// Each case is a finding of the attack review (issue 15): what the server writes must not reach our
// errors unscrubbed, an absurd expiry must not be cached forever, and a stall must end in 15 s.
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { AuthenticationError, ClientSecretCredential } from "../../../src/index.js";
import { tokenCache } from "../../../src/core/cache/tokenCache.js";
import { useEmulator } from "../../support/emulator.js";
import { STALL_BUDGET_MS } from "../../../src/core/http/retry.js";

const STORAGE = "https://storage.azure.com/.default";
const env = useEmulator();
const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ2aWN0aW0iLCJhdWQiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl";
const OPAQUE = "Qk5xV3RyN2ZhOHZHb0x1Y2hYcHpNZ0ZwS3dUcWpyeUlzNFZjbmJ3aE1RPT0K9a";

function everythingSaid(error: unknown): string {
  const e = error as Error;
  return `${e.message}\n${e.stack}\n${JSON.stringify(e)}`;
}

describe("a hostile token endpoint", () => {
  beforeEach(() => {
    tokenCache.clear();
    env.emu.faults.clear();
  });

  it("echoing the client secret and tokens in error_description: the error repeats none of them", async () => {
    const { clientId, secret } = env.addApp();
    const description = `AADSTS7000215: Invalid client secret provided: '${secret}' (url-encoded ${encodeURIComponent(secret)}). Your token: ${JWT}, key ${OPAQUE}.`;
    const body = JSON.stringify({ error: `invalid_client ${secret}`, error_description: description, error_codes: [7000215] });
    env.emu.faults.add({ route: "token", status: 401, body, times: 1 });
    const error = await new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE).catch((e: unknown) => e);
    assert.ok(error instanceof AuthenticationError);
    const said = everythingSaid(error);
    for (const leaked of [secret, encodeURIComponent(secret), JWT, OPAQUE]) assert.ok(!said.includes(leaked), `leaked ${leaked}:\n${said}`);
    assert.match(error.message, /AADSTS7000215: Invalid client secret provided/, "the useful part of the server's text stays");
    assert.equal(error.aadstsCode, 7000215);
  });

  for (const [name, fields] of [
    ["expires_in 1e308", { expires_in: 1e308 }],
    ["expires_in negative", { expires_in: -5 }],
    ["expires_in as exponent text", { expires_in: "1e308" }],
    ["expires_in as words", { expires_in: "an hour" }],
    ["expires_on in milliseconds", { expires_on: Date.now() + 3_600_000 }],
    ["expires_on an ISO date in the past", { expires_on: "2001-01-01T00:00:00Z" }],
    ["no expiry at all", {}],
  ] as const) {
    it(`${name}: a typed invalid_response, nothing cached`, async () => {
      const { clientId, secret } = env.addApp();
      env.emu.faults.add({
        route: "token",
        status: 200,
        body: JSON.stringify({ token_type: "Bearer", access_token: "header.payload.sig", ...fields }),
        times: 1,
      });
      const credential = new ClientSecretCredential(env.tenantId, clientId, secret, env.options);
      await assert.rejects(credential.getToken(STORAGE), (e: AuthenticationError) => {
        assert.equal(e.name, "AuthenticationError");
        assert.equal(e.errorResponse.error, "invalid_response");
        return true;
      });
      const real = await credential.getToken(STORAGE);
      assert.notEqual(real.token, "header.payload.sig", "the next call went to the server: the bad token was not cached");
    });
  }

  it("an expiry as an ISO date with a zone, or as digits, is read the same way as elsewhere", async () => {
    const { clientId, secret } = env.addApp();
    const expiresOn = new Date(Date.now() + 3_600_000);
    expiresOn.setMilliseconds(0);
    env.emu.faults.add({ route: "token", status: 200, body: JSON.stringify({ access_token: "a.b.c", expires_on: expiresOn.toISOString() }), times: 1 });
    const token = await new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE);
    assert.equal(token.expiresOnTimestamp, expiresOn.getTime());
    tokenCache.clear();
    env.emu.faults.add({ route: "token", status: 200, body: JSON.stringify({ access_token: "a.b.c", expires_in: "3600" }), times: 1 });
    const before = Date.now();
    const second = await new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE);
    assert.ok(second.expiresOnTimestamp >= before + 3_600_000 && second.expiresOnTimestamp <= Date.now() + 3_600_000);
  });

  const STALLS = [
    ["accepts and never answers", { hang: true }],
    ["sends headers and then trickles its body, a byte every 500 ms", { trickleMs: 500 }],
  ] as const;

  for (const [what, fault] of STALLS) {
    it(`that ${what} gives a typed error within 15 s by default`, async () => {
      const { clientId, secret } = env.addApp();
      env.emu.faults.add({ route: "token", ...fault });
      const before = env.tokenRequests().length;
      const started = Date.now();
      const error = await new ClientSecretCredential(env.tenantId, clientId, secret, { ...env.options, retryOptions: { retryDelayInMs: 10 } })
        .getToken(STORAGE)
        .catch((e: unknown) => e);
      const took = Date.now() - started;
      assert.ok(error instanceof AuthenticationError, String(error));
      assert.equal(error.code, "ERR_REQUEST_TIMEOUT");
      // The stall budget (under 15 s) ended it, after one attempt: not a retry loop nor the caller's deadline.
      assert.match(error.message, new RegExp(`stalled: no complete answer within ${STALL_BUDGET_MS} ms over 1 attempt\\(s\\)`));
      assert.ok(STALL_BUDGET_MS < 15_000, `the default stall budget is ${STALL_BUDGET_MS} ms`);
      assert.ok(took >= 5_000, `a slow endpoint is waited for, not refused at once (took ${took} ms)`);
      assert.equal(env.tokenRequests().length - before, 1, "a stalled attempt is not repeated past the budget");
    });

    it(`that ${what}: the caller's shorter requestOptions.timeout still wins over the stall budget`, async () => {
      const { clientId, secret } = env.addApp();
      env.emu.faults.add({ route: "token", ...fault });
      const before = env.tokenRequests().length;
      const error = await new ClientSecretCredential(env.tenantId, clientId, secret, env.options)
        .getToken(STORAGE, { requestOptions: { timeout: 600 } })
        .catch((e: unknown) => e);
      assert.ok(error instanceof AuthenticationError, String(error));
      // The caller's 600 ms ended it: its own deadline error, or the one request given the time left of it
      // (whichever timer runs first), never the stall budget.
      assert.doesNotMatch(error.message, /stalled/);
      if (error.code === "ERR_DEADLINE") assert.match(error.message, /No token within requestOptions\.timeout \(600 ms\)/);
      else {
        assert.equal(error.code, "ERR_REQUEST_TIMEOUT", error.message);
        const given = Number(/within (\d+) ms/.exec(error.message)?.[1]);
        assert.ok(given > 0 && given <= 600, `the request was given ${given} ms of the caller's 600`);
      }
      assert.equal(env.tokenRequests().length - before, 1, "one attempt");
    });
  }
});
