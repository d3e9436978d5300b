// The test-wide network guard itself, tried with every way Node can open a connection. Each child
// process preloads spies in place of the real socket connect, datagram send/connect and name lookup
// (fixtures/networkGuard/spies.cjs), and points c-ares at loopback, *before* the guard: even a broken
// guard could not send a packet anywhere. A test fails if the spy sees a non-loopback attempt, or if the guard did not refuse it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, it } from "node:test";

const guardCjs = resolve("scripts/network-guard.cjs");
const guard = pathToFileURL(resolve("scripts/network-guard.mjs")).href;
const spies = resolve("packages/identity/test/fixtures/networkGuard/spies.cjs");

interface Report {
  codes: string[];
  seen: { connect: string[]; lookup: string[]; dgram: string[] };
  [key: string]: unknown;
}

function runChild(body: string, { waitMs = 300 }: { waitMs?: number } = {}) {
  // The spies are preloaded first and the guard second, the order the guard keeps when it is already
  // named in NODE_OPTIONS (otherwise it would add itself to the child ahead of the script).
  const script = `
    import net from "node:net";
    import dns from "node:dns";
    import dgram from "node:dgram";
    const seen = globalThis.__spySeen;
    if (seen === undefined || net.Socket.prototype.connect.name !== "guardedConnect") throw new Error("spies and guard not preloaded");
    const codes = [];
    const note = (e) => { let c = e; while (c) { if (c.code) { codes.push(c.code); break; } c = c.cause; } };
    const extra = {};
    ${body}
    setTimeout(() => console.log("REPORT " + JSON.stringify({ ...extra, codes, seen })), ${waitMs});
  `;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, NODE_OPTIONS: `--require ${JSON.stringify(spies)} --require ${JSON.stringify(guardCjs)}` },
    encoding: "utf8",
    timeout: 20_000,
  });
  const line = result.stdout.split("\n").find((l) => l.startsWith("REPORT "));
  assert.ok(line, `child printed no report: ${result.stderr}`);
  return { status: result.status, stderr: result.stderr, report: JSON.parse(line.slice(7)) as Report };
}

function assertRefused(outcome: ReturnType<typeof runChild>, count: number, host: RegExp) {
  const { status, stderr, report } = outcome;
  assert.deepEqual(
    report.seen.connect.filter((h) => !/^(127\.|::1$|localhost$)/.test(h)),
    [],
    "the real connect saw a non-loopback host",
  );
  assert.deepEqual(report.seen.lookup, [], "the real lookup was reached");
  assert.deepEqual(report.seen.dgram, [], "the real datagram send was reached");
  assert.equal(report.codes.filter((c) => c === "ENETWORKGUARD").length, count, `codes: ${report.codes.join(",")}`);
  assert.equal(status, 1, "a violation fails the process even when the error is handled");
  assert.match(stderr, host);
}

describe("network guard: TCP", () => {
  it("net.connect to IPv4, IPv6 and names", () => {
    const outcome = runChild(`
      for (const host of ["192.0.2.1", "2001:db8::1", "example.com"]) net.connect({ host, port: 9 }).on("error", note);
      net.connect(9, "10.0.0.1").on("error", note);
    `);
    assertRefused(outcome, 4, /refused connection to non-loopback address "192\.0\.2\.1"/);
    assert.match(outcome.stderr, /"2001:db8::1"/);
    assert.match(outcome.stderr, /"example\.com"/);
  });

  it("http.get and https.get to IP literals (the hole: the agent passes path: null)", () => {
    const outcome = runChild(`
      const http = await import("node:http");
      const https = await import("node:https");
      http.get("http://169.254.169.254/metadata/identity/oauth2/token").on("error", note);
      https.get("https://10.255.255.1/").on("error", note);
      http.get("http://[2001:db8::2]/").on("error", note);
      https.get({ host: "fd00::1", port: 443, path: "/x" }).on("error", note);
    `);
    assertRefused(outcome, 4, /"169\.254\.169\.254"/);
    assert.match(outcome.stderr, /"10\.255\.255\.1"/);
    assert.match(outcome.stderr, /"2001:db8::2"/);
  });

  it("http and https to names", () => {
    const outcome = runChild(`
      const http = await import("node:http");
      const https = await import("node:https");
      http.get("http://login.microsoftonline.com/").on("error", note);
      https.get("https://management.azure.com/").on("error", note);
    `);
    assert.equal(outcome.report.seen.lookup.length, 0);
    assert.ok(outcome.report.codes.filter((c) => c === "ENETWORKGUARD").length >= 2);
    assert.equal(outcome.status, 1);
  });

  it("fetch (undici) to IPv4, IPv6 and names", () => {
    const outcome = runChild(`
      await Promise.all(["http://192.0.2.7/", "https://[2001:db8::7]/", "https://graph.microsoft.com/"].map((u) => fetch(u).catch(note)));
    `);
    assert.deepEqual(outcome.report.seen.connect, []);
    assert.deepEqual(outcome.report.seen.lookup, []);
    assert.equal(outcome.report.codes.filter((c) => c === "ENETWORKGUARD").length, 3, outcome.report.codes.join(","));
    assert.equal(outcome.status, 1);
  });

  it("tls.connect and http2.connect", () => {
    const outcome = runChild(`
      const tls = await import("node:tls");
      const http2 = await import("node:http2");
      tls.connect({ host: "192.0.2.3", port: 443 }).on("error", note);
      tls.connect(443, "2001:db8::3").on("error", note);
      http2.connect("https://192.0.2.4").on("error", note);
    `);
    assertRefused(outcome, 3, /"192\.0\.2\.3"/);
    assert.match(outcome.stderr, /"192\.0\.2\.4"/);
  });

  it("lets loopback and unix sockets through untouched", () => {
    const { status, report } = runChild(`
      net.connect({ host: "127.0.0.1", port: 9 }).on("error", note);
      net.connect({ host: "::1", port: 9 }).on("error", note);
      net.connect(9, "localhost").on("error", note);
      net.connect({ path: "/tmp/azid-guard-test.sock" }).on("error", note);
      const http = await import("node:http");
      http.get("http://127.0.0.1:9/").on("error", note);
      http.get("http://[::1]:9/").on("error", note);
    `);
    assert.deepEqual(
      report.codes.filter((c) => c === "ENETWORKGUARD"),
      [],
    );
    assert.equal(report.seen.connect.length, 6);
    assert.equal(status, 0);
  });
});

describe("network guard: names and datagrams", () => {
  it("refuses getaddrinfo lookups of non-loopback names, callback and promise forms", () => {
    const outcome = runChild(`
      dns.lookup("login.microsoftonline.com", note);
      await dns.promises.lookup("example.org").catch(note);
    `);
    assertRefused(outcome, 2, /refused name lookup to non-loopback address "login\.microsoftonline\.com"/);
  });

  it("refuses every c-ares query (they send UDP to the name servers)", () => {
    const outcome = runChild(`
      dns.resolve4("example.com", note);
      await dns.promises.resolveTxt("example.com").catch(note);
      new dns.Resolver().resolveAny("example.com", note);
      await new dns.promises.Resolver().resolve6("example.com").catch(note);
      dns.reverse("192.0.2.1", note);
    `);
    assertRefused(outcome, 5, /refused DNS query \(resolve4\)/);
  });

  it("refuses datagrams to non-loopback addresses, by send and by connect", () => {
    const outcome = runChild(`
      const socket = dgram.createSocket("udp4");
      try { socket.send("x", 53, "8.8.8.8"); } catch (e) { note(e); }
      try { socket.connect(53, "192.0.2.9"); } catch (e) { note(e); }
      socket.close();
    `);
    assertRefused(outcome, 2, /refused datagram to non-loopback address "8\.8\.8\.8"/);
  });
});

describe("network guard: other processes and threads", () => {
  it("a Node child process started with an empty environment is still guarded", () => {
    // The grandchild only tries to connect if the guard is in place, so a broken propagation
    // reports "unguarded" instead of sending anything.
    const { report } = runChild(
      `
      const { spawnSync } = await import("node:child_process");
      const child = spawnSync(process.execPath, ["-e", \`
        const net = require("node:net");
        if (net.Socket.prototype.connect.name !== "guardedConnect") { console.log("unguarded"); process.exit(0); }
        net.connect({ host: "192.0.2.5", port: 9 }).on("error", (e) => console.log("code " + e.code));
      \`], { env: {}, encoding: "utf8" });
      extra.stdout = child.stdout; extra.status = child.status;
      const { execFile } = await import("node:child_process");
      await new Promise((done) => execFile(process.execPath, ["-e", \`
        const net = require("node:net");
        if (net.Socket.prototype.connect.name !== "guardedConnect") { console.log("unguarded"); process.exit(0); }
        net.connect({ host: "2001:db8::5", port: 9 }).on("error", (e) => console.log("code " + e.code));
      \`], { env: { PATH: "/usr/bin" } }, (error, stdout) => { extra.asyncStdout = stdout; extra.asyncExit = error?.code; done(); }));
    `,
      { waitMs: 50 },
    );
    assert.match(String(report.stdout), /code ENETWORKGUARD/);
    assert.equal(report.status, 1, "the grandchild fails because of the attempt");
    assert.match(String(report.asyncStdout), /code ENETWORKGUARD/);
    assert.equal(report.asyncExit, 1);
  });

  it("a worker thread is guarded too (workers don't run --import preloads)", () => {
    const { report } = runChild(`
      const { Worker } = await import("node:worker_threads");
      await new Promise((done) => {
        const worker = new Worker(\`
          const net = process.getBuiltinModule("node:net");
          const { parentPort } = process.getBuiltinModule("node:worker_threads");
          if (net.Socket.prototype.connect.name !== "guardedConnect") parentPort.postMessage("unguarded");
          else net.connect({ host: "192.0.2.6", port: 9 }).on("error", (e) => parentPort.postMessage(e.code));
        \`, { eval: true });
        worker.on("message", (m) => { extra.worker = m; worker.terminate().then(done); });
      });
    `);
    assert.equal(report.worker, "ENETWORKGUARD");
  });

  it("loads once whether preloaded with --import or --require", () => {
    const result = spawnSync(process.execPath, ["--require", guardCjs, "--import", guard, "-e", "console.log(globalThis.__azidNetworkGuard)"], {
      env: { ...process.env, NODE_OPTIONS: "" },
      encoding: "utf8",
    });
    assert.equal(result.stdout.trim(), "true");
    assert.equal(result.status, 0);
  });
});
