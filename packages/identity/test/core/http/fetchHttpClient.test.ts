// The fetch transport (the web builds' default) against real local HTTP servers, on Node's own fetch:
// the same contract as the Node transport (deadline over headers and body, abort, size cap, https
// rule, network errors), and redirects returned rather than followed. Its HTTPS round trips run in
// workerd, Deno and Bun (test/runtimes/).
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { after, describe, it } from "node:test";
import { TransportError } from "../../../src/core/http/httpClient.js";
import { createFetchHttpClient } from "../../../src/core/http/fetchHttpClient.js";

const servers: Array<{ server: Server; sockets: Set<Socket> }> = [];
after(() => {
  for (const { server, sockets } of servers) {
    for (const socket of sockets) socket.destroy();
    server.close();
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk));
    req.on("end", () => handler(req, res, body));
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push({ server, sockets });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const client = createFetchHttpClient();

describe("fetch transport", () => {
  it("sends method, headers and body; returns status, lower-cased headers and body", async () => {
    const url = await serve((req, res, body) => {
      res.setHeader("X-Echo", `${req.method} ${req.headers["content-type"]} ${body}`);
      res.end("héllo");
    });
    const response = await client.sendRequest({
      method: "POST",
      url,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "x=1",
      timeoutMs: 2000,
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers["x-echo"], "POST application/x-www-form-urlencoded x=1");
    assert.equal(response.bodyText, "héllo");
  });

  it("fails a server that never answers within the deadline", async () => {
    const url = await serve(() => undefined);
    const started = Date.now();
    // The server never answers: only the 300 ms deadline can end the wait (TIMEOUT naming it), and not early.
    await assert.rejects(
      client.sendRequest({ method: "GET", url, headers: {}, timeoutMs: 300 }),
      (e: TransportError) => e.code === "TIMEOUT" && /within 300 ms/.test(e.message),
    );
    assert.ok(Date.now() - started >= 250, `ended after ${Date.now() - started} ms, before the 300 ms deadline`);
  });

  it("counts the body against the deadline: headers then a stalled body is a timeout", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("partial");
    });
    await assert.rejects(client.sendRequest({ method: "GET", url, headers: {}, timeoutMs: 300 }), (e: TransportError) => e.code === "TIMEOUT");
  });

  it("stops on abort, before and during the request", async () => {
    const url = await serve(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(client.sendRequest({ method: "GET", url, headers: {}, timeoutMs: 10_000, abortSignal: controller.signal }), { name: "AbortError" });
    await assert.rejects(client.sendRequest({ method: "GET", url, headers: {}, timeoutMs: 10_000, abortSignal: AbortSignal.abort() }), { name: "AbortError" });
  });

  it("refuses plain http to a non-loopback host before connecting", async () => {
    await assert.rejects(
      client.sendRequest({ method: "GET", url: "http://login.example.com/x", headers: {}, timeoutMs: 1000 }),
      (e: TransportError) => e.code === "INSECURE",
    );
  });

  it("caps the response size, streamed or declared", async () => {
    const streamed = await serve((_req, res) => {
      const chunk = Buffer.alloc(1024 * 1024, 97);
      for (let i = 0; i < 6; i++) res.write(chunk);
      res.end();
    });
    await assert.rejects(client.sendRequest({ method: "GET", url: streamed, headers: {}, timeoutMs: 5000 }), (e: TransportError) => e.code === "TOO_LARGE");
    const declared = await serve((_req, res) => {
      res.writeHead(200, { "content-length": String(64 * 1024 * 1024) });
      res.write("a");
    });
    await assert.rejects(client.sendRequest({ method: "GET", url: declared, headers: {}, timeoutMs: 5000 }), (e: TransportError) => e.code === "TOO_LARGE");
  });

  it("returns a redirect instead of following it", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(302, { location: "http://login.example.com/elsewhere" });
      res.end();
    });
    const response = await client.sendRequest({ method: "GET", url, headers: {}, timeoutMs: 2000 });
    assert.equal(response.status, 302);
    assert.equal(response.headers.location, "http://login.example.com/elsewhere");
  });

  it("reports a refused connection as a network error", async () => {
    await assert.rejects(
      client.sendRequest({ method: "GET", url: "http://127.0.0.1:1/", headers: {}, timeoutMs: 1000 }),
      (e: TransportError) => e.code === "NETWORK" && e.message.startsWith("Could not reach http://127.0.0.1:1"),
    );
  });

  it("uses the fetch it is given", async () => {
    const seen: string[] = [];
    const custom = createFetchHttpClient({
      fetch: async (input) => {
        seen.push(String(input));
        return new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
      },
    });
    const response = await custom.sendRequest({ method: "GET", url: "https://login.example.com/t", headers: {}, timeoutMs: 1000 });
    assert.deepEqual(seen, ["https://login.example.com/t"]);
    assert.equal(response.headers["content-type"], "application/json");
  });
});
