// The test-wide network guard itself. The child process replaces the real connect/lookup with
// spies *before* loading the guard, so even a broken guard could not send a packet anywhere.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { it } from "node:test";

const guard = pathToFileURL(resolve("scripts/network-guard.mjs")).href;

function runChild(body: string) {
  const script = `
    import net from "node:net";
    import dns from "node:dns";
    const seen = { connect: [], lookup: [] };
    net.Socket.prototype.connect = function (...args) { seen.connect.push(JSON.stringify(args[0])); return this; };
    dns.lookup = (host, ...rest) => { seen.lookup.push(host); };
    await import(${JSON.stringify(guard)});
    const report = (x) => console.log("REPORT " + JSON.stringify({ ...x, seen }));
    ${body}
  `;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, NODE_OPTIONS: "" }, encoding: "utf8" });
  const line = result.stdout.split("\n").find((l) => l.startsWith("REPORT "));
  return { status: result.status, stderr: result.stderr, report: line ? JSON.parse(line.slice(7)) : undefined };
}

it("refuses a connection to a non-loopback address and fails the process", () => {
  const { status, stderr, report } = runChild(`
    const socket = net.connect({ host: "192.0.2.1", port: 9 });
    socket.on("error", (e) => report({ code: e.code }));
  `);
  assert.equal(report.code, "ENETWORKGUARD");
  assert.deepEqual(report.seen.connect, [], "the real connect was never reached");
  assert.equal(status, 1);
  assert.match(stderr, /refused connection to non-loopback address "192.0.2.1"/);
});

it("refuses name lookups of non-loopback names", () => {
  const { status, report } = runChild(`
    dns.lookup("login.microsoftonline.com", (e) => report({ code: e.code }));
  `);
  assert.equal(report.code, "ENETWORKGUARD");
  assert.deepEqual(report.seen.lookup, []);
  assert.equal(status, 1);
});

it("lets loopback through untouched", () => {
  const { status, report } = runChild(`
    net.connect({ host: "127.0.0.1", port: 9 });
    net.connect({ host: "::1", port: 9 });
    net.connect(9, "localhost");
    report({});
  `);
  assert.equal(report.seen.connect.length, 3);
  assert.equal(status, 0);
});
