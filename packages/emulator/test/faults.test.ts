import { describe, it, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import * as https from "node:https";
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID } from "@azid/emulator";
import { send, startTestEmulator, tokenPath } from "./support/client.js";

const FORM = {
  grant_type: "client_credentials",
  client_id: DEFAULT_CLIENT_ID,
  client_secret: DEFAULT_CLIENT_SECRET,
  scope: "https://storage.azure.com/.default",
};

describe("fault injection", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator();
  });
  afterEach(() => emu.faults.clear());
  after(() => emu.stop());

  const token = () => send(emu, tokenPath(DEFAULT_TENANT_ID), { form: FORM });

  it("answers with a status and Retry-After for `times` requests, then normally", async () => {
    emu.faults.add({ route: "token", status: 429, retryAfter: 7, times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await token();
      assert.equal(res.status, 429);
      assert.equal(res.headers["retry-after"], "7");
      assert.equal(res.json.error, "temporarily_unavailable");
      assert.match(String(res.json.error_description), /^AADSTS90033: /);
    }
    assert.equal((await token()).status, 200);
    assert.deepEqual(
      emu.requests.slice(-3).map((r) => r.status),
      [429, 429, 200],
    );
  });

  it("only affects its route", async () => {
    emu.faults.add({ route: "jwks", status: 500 });
    assert.equal((await token()).status, 200);
    assert.equal((await send(emu, `/${DEFAULT_TENANT_ID}/discovery/v2.0/keys`)).status, 500);
  });

  it("uses a custom body, content type and headers", async () => {
    emu.faults.add({
      route: "openid-configuration",
      status: 503,
      body: "<html>down</html>",
      contentType: "text/html",
      headers: { "x-ms-ests-server": "fault" },
      times: 1,
    });
    const res = await send(emu, `/${DEFAULT_TENANT_ID}/v2.0/.well-known/openid-configuration`);
    assert.equal(res.status, 503);
    assert.equal(res.body, "<html>down</html>");
    assert.equal(res.headers["content-type"], "text/html");
    assert.equal(res.headers["x-ms-ests-server"], "fault");
  });

  it("delays the real answer", async () => {
    emu.faults.add({ route: "token", delayMs: 300, times: 1 });
    const started = Date.now();
    const res = await token();
    assert.equal(res.status, 200);
    assert.ok(Date.now() - started >= 290, `took ${Date.now() - started} ms`);
  });

  for (const [kind, check] of [
    ["truncated-json", (body: string) => assert.throws(() => JSON.parse(body))],
    ["html", (body: string) => assert.match(body, /<html>/)],
    ["empty", (body: string) => assert.equal(body, "")],
    ["not-json", (body: string) => assert.throws(() => JSON.parse(body))],
  ] as const) {
    it(`returns a malformed ${kind} body with status 200`, async () => {
      emu.faults.add({ route: "token", malformed: kind, times: 1 });
      const res = await token();
      assert.equal(res.status, 200);
      check(res.body);
    });
  }

  it("rejects an invalid fault", () => {
    assert.throws(() => emu.faults.add({ route: "nope" as "token" }), /route must be one of/);
    assert.throws(() => emu.faults.add({ route: "token", times: 0 }), /times must be a positive integer/);
  });

  it("is reachable over HTTP for out-of-process harnesses", async () => {
    const added = await send(emu, "/_emulator/faults", { json: { route: "token", status: 500, times: 1 } });
    assert.equal(added.status, 201);
    assert.equal((await token()).status, 500);
    const invalid = await send(emu, "/_emulator/faults", { json: { route: "token", status: "bad" } });
    assert.equal(invalid.status, 400);
    await send(emu, "/_emulator/faults", { json: { route: "token", status: 500 } });
    assert.equal((await send(emu, "/_emulator/faults", { method: "DELETE" })).status, 200);
    assert.equal((await token()).status, 200);

    const recorded = await send(emu, "/_emulator/requests");
    const list = JSON.parse(recorded.body) as { path: string; route: string }[];
    assert.ok(list.length > 0);
    assert.ok(
      list.every((r) => !r.path.startsWith("/_emulator/")),
      "control requests are not recorded",
    );
  });

  it("reads and replaces the configuration over HTTP, validating it", async () => {
    const config = await send(emu, "/_emulator/config");
    assert.equal(config.status, 200);
    const bad = await send(emu, "/_emulator/config", { method: "PUT", json: { tenants: [{ id: "not-a-guid", apps: [], users: [] }] } });
    assert.equal(bad.status, 400);
    assert.match(String(bad.json.error_description), /tenants\[0\]\.id/);
    const good = await send(emu, "/_emulator/config", { method: "PUT", json: config.json });
    assert.equal(good.status, 200);
    assert.equal((await token()).status, 200);
  });
});

/**
 * What each close() below would otherwise wait for never ends (a hang, a body that never completes)
 * or outlasts the test file (a 10 min delay): a close() that waited instead of cutting them short
 * fails this watchdog, whatever the machine's load. No wall-clock assertion on close() itself.
 */
const CLOSE_WATCHDOG = { timeout: 60_000 };

describe("hang faults", () => {
  it("keep the request open and close() still ends promptly", CLOSE_WATCHDOG, async () => {
    const emu = await startTestEmulator();
    emu.faults.add({ route: "token", hang: true });
    const outcome = new Promise<string>((resolve) => {
      const req = https.request(
        new URL(tokenPath(DEFAULT_TENANT_ID), emu.url),
        { method: "POST", ca: emu.caCertPem, headers: { "content-type": "application/x-www-form-urlencoded" } },
        () => resolve("answered"),
      );
      req.on("error", (error) => resolve(`error: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
      req.end(new URLSearchParams(FORM).toString());
    });
    // Wait until the emulator has the request, then make sure nothing comes back for a while.
    while (emu.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    const early = await Promise.race([outcome, new Promise((r) => setTimeout(() => r("still waiting"), 300))]);
    assert.equal(early, "still waiting");
    assert.equal(emu.requests[0]?.status, 0);

    await emu.stop();
    // The connection was cut by close() (reset), not answered.
    assert.match(await outcome, /^error: ECONNRESET$/);
    assert.equal(emu.requests[0]?.status, 0, "never answered");
  });

  it("trickleMs: headers and a body that grows a byte at a time and never ends; close() still ends promptly", CLOSE_WATCHDOG, async () => {
    const emu = await startTestEmulator();
    assert.throws(() => emu.faults.add({ route: "token", trickleMs: 1 }), /trickleMs/);
    emu.faults.add({ route: "token", trickleMs: 20 });
    let received = 0;
    let status = 0;
    const ended = new Promise<string>((resolve) => {
      const req = https.request(
        new URL(tokenPath(DEFAULT_TENANT_ID), emu.url),
        { method: "POST", ca: emu.caCertPem, headers: { "content-type": "application/x-www-form-urlencoded" } },
        (res) => {
          status = res.statusCode ?? 0;
          res.on("data", (chunk: Buffer) => (received += chunk.length));
          res.on("end", () => resolve("end"));
          res.on("error", () => resolve("error"));
          res.on("close", () => resolve("closed"));
        },
      );
      req.on("error", () => resolve("error"));
      req.end(new URLSearchParams(FORM).toString());
    });
    while (received < 5) await new Promise((r) => setTimeout(r, 20));
    assert.equal(status, 200);
    await emu.stop();
    assert.notEqual(await ended, "end", "the body never completes: close() cut it");
  });

  it("close() also cuts a pending delay short", CLOSE_WATCHDOG, async () => {
    const emu = await startTestEmulator();
    emu.faults.add({ route: "token", delayMs: 600_000 });
    const pending = send(emu, tokenPath(DEFAULT_TENANT_ID), { form: FORM }).catch((error: Error) => error);
    while (emu.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    await emu.stop();
    const outcome = await pending;
    assert.ok(outcome instanceof Error, `the delayed request ended without an answer: ${String(outcome)}`);
    assert.equal(emu.requests[0]?.status, 0, "never answered");
  });
});
