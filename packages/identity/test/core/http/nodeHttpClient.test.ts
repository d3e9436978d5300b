// The transport and retry policy against real local HTTP servers: deadlines, abort, size cap,
// https-only, Retry-After, bounded retries, extra CAs.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { after, describe, it } from "node:test";
import { retryPolicy, sendWithRetry, parseRetryAfter } from "../../../src/core/http/retry.js";
import { TransportError, type HttpRequest } from "../../../src/core/http/httpClient.js";
import { createNodeHttpClient } from "../../../src/core/http/nodeHttpClient.js";
import { useEmulator } from "../../support/emulator.js";

const servers: Array<{ server: Server; sockets: Set<Socket> }> = [];
after(() => {
  for (const { server, sockets } of servers) {
    for (const socket of sockets) socket.destroy();
    server.close();
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<{ url: string; hits: () => number }> {
  let n = 0;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => handler(req, res, ++n));
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push({ server, sockets });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => n };
}

const client = createNodeHttpClient();

describe("node transport", () => {
  it("returns status, lower-cased headers and body", async () => {
    const { url } = await serve((req, res) => {
      res.setHeader("X-Echo", req.method!);
      res.end("hello");
    });
    const response = await client.sendRequest({ method: "POST", url, headers: {}, body: "x=1", timeoutMs: 2000 });
    assert.equal(response.status, 200);
    assert.equal(response.headers["x-echo"], "POST");
    assert.equal(response.bodyText, "hello");
  });

  it("fails a hanging server within the deadline", async () => {
    const { url, hits } = await serve(() => undefined);
    const started = Date.now();
    // The server never answers: only the 300 ms deadline can end the wait (TIMEOUT naming it), and not early.
    await assert.rejects(
      client.sendRequest({ method: "GET", url, headers: {}, timeoutMs: 300 }),
      (e: TransportError) => e.code === "TIMEOUT" && /within 300 ms/.test(e.message),
    );
    assert.ok(Date.now() - started >= 250, `ended after ${Date.now() - started} ms, before the 300 ms deadline`);
    assert.equal(hits(), 1, "the request reached the server once");
  });

  it("stops on abort", async () => {
    const { url } = await serve(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(client.sendRequest({ method: "GET", url, headers: {}, timeoutMs: 10_000, abortSignal: controller.signal }), { name: "AbortError" });
  });

  it("refuses plain http to a non-loopback host before connecting", async () => {
    await assert.rejects(
      client.sendRequest({ method: "GET", url: "http://login.example.com/x", headers: {}, timeoutMs: 1000 }),
      (e: TransportError) => e.code === "INSECURE",
    );
  });

  it("caps the response size", async () => {
    const { url } = await serve((_req, res) => {
      const chunk = Buffer.alloc(1024 * 1024, 97);
      for (let i = 0; i < 6; i++) res.write(chunk);
      res.end();
    });
    await assert.rejects(client.sendRequest({ method: "GET", url, headers: {}, timeoutMs: 5000 }), (e: TransportError) => e.code === "TOO_LARGE");
  });

  it("reports a refused connection as a network error", async () => {
    await assert.rejects(
      client.sendRequest({ method: "GET", url: "http://127.0.0.1:1/", headers: {}, timeoutMs: 1000 }),
      (e: TransportError) => e.code === "NETWORK" && /ECONNREFUSED/.test(e.message),
    );
  });
});

describe("extra CAs (tlsOptions.ca)", () => {
  const env = useEmulator();

  it("clients given the same CA (one TLS context, shared) reach a server it issued, and a server it did not issue is refused", async () => {
    const { certPem, keyPem } = env.emu.issueServerCertificate(["127.0.0.1"]);
    const server = createHttpsServer({ cert: certPem, key: keyPem }, (_req, res) => res.end("ok"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      // As text, in an array, and as bytes (readFileSync's Buffer, which @azure/identity's tlsOptions.ca accepts too).
      const clients = [
        createNodeHttpClient({ ca: env.emu.caCertPem }),
        createNodeHttpClient({ ca: [env.emu.caCertPem] }),
        createNodeHttpClient({ ca: Buffer.from(env.emu.caCertPem) }),
        createNodeHttpClient({ ca: [new TextEncoder().encode(env.emu.caCertPem)] }),
      ];
      for (const c of clients) assert.equal((await c.sendRequest({ method: "GET", url, headers: {}, timeoutMs: 10_000 })).bodyText, "ok");
      for (const c of clients) c.closeConnections();
      const stranger = await env.emu.createClientCertificate("not-the-issuer");
      for (const c of [createNodeHttpClient({ ca: stranger.certPem }), createNodeHttpClient()]) {
        await assert.rejects(
          c.sendRequest({ method: "GET", url, headers: {}, timeoutMs: 10_000 }),
          (e: TransportError) => e.code === "NETWORK" && /certificate/i.test(e.message),
        );
      }
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

/**
 * Counts (and can fail) node:tls's createSecureContext calls whose `ca` holds `marker`, for the
 * test's duration: the transport's `import("node:tls")` sees the patched export through
 * syncBuiltinESMExports.
 */
async function watchContextBuilds<T>(marker: string, fail: (build: number) => boolean, fn: (builds: () => number) => Promise<T>): Promise<T> {
  const tls = createRequire(import.meta.url)("node:tls") as typeof import("node:tls");
  const original = tls.createSecureContext;
  let builds = 0;
  tls.createSecureContext = (options) => {
    if (Array.isArray(options?.ca) && options.ca.includes(marker) && fail(++builds)) throw new Error("simulated secure context failure");
    return original(options);
  };
  syncBuiltinESMExports();
  try {
    return await fn(() => builds);
  } finally {
    tls.createSecureContext = original;
    syncBuiltinESMExports();
  }
}

describe("one TLS context build per CA set (single-flight)", () => {
  const env = useEmulator();
  const discovery = () => `${env.emu.url}/${env.tenantId}/v2.0/.well-known/openid-configuration`;

  it("concurrent first requests from several clients with the same CAs build one context, over real HTTPS to the emulator", async () => {
    // A CA set no other test uses, so the process-wide cache starts empty for it.
    const { certPem: marker } = await env.emu.createClientCertificate("single-flight-marker");
    const clients = [0, 1, 2].map(() => createNodeHttpClient({ ca: [env.emu.caCertPem, marker] }));
    await watchContextBuilds(
      marker,
      () => false,
      async (builds) => {
        const responses = await Promise.all(
          clients.flatMap((c) => [0, 1, 2, 3].map(() => c.sendRequest({ method: "GET", url: discovery(), headers: {}, timeoutMs: 10_000 }))),
        );
        assert.deepEqual(
          responses.map((r) => r.status),
          Array(12).fill(200),
        );
        assert.equal(builds(), 1, "12 concurrent first requests (3 clients x 4) must share one secure context build");
        // Later requests and clients reuse it.
        await createNodeHttpClient({ ca: [env.emu.caCertPem, marker] }).sendRequest({ method: "GET", url: discovery(), headers: {}, timeoutMs: 10_000 });
        assert.equal(builds(), 1);
      },
    );
    for (const c of clients) c.closeConnections();
  });

  it("a failed build is not cached: the requests waiting on it fail, the next request builds again and succeeds", async () => {
    const { certPem: marker } = await env.emu.createClientCertificate("failed-build-marker");
    const client = createNodeHttpClient({ ca: [env.emu.caCertPem, marker] });
    await watchContextBuilds(
      marker,
      (build) => build === 1,
      async (builds) => {
        const first = await Promise.allSettled([0, 1, 2].map(() => client.sendRequest({ method: "GET", url: discovery(), headers: {}, timeoutMs: 10_000 })));
        for (const outcome of first) {
          assert.equal(outcome.status, "rejected");
          assert.match(String((outcome as PromiseRejectedResult).reason), /simulated secure context failure/);
        }
        assert.equal(builds(), 1, "the three concurrent requests waited on one build");
        const response = await client.sendRequest({ method: "GET", url: discovery(), headers: {}, timeoutMs: 10_000 });
        assert.equal(response.status, 200);
        assert.equal(builds(), 2, "the failed build was dropped and built again");
      },
    );
    client.closeConnections();
  });
});

describe("retry policy", () => {
  const fast = { ...retryPolicy({ maxRetries: 3, retryDelayInMs: 10 }) };

  it("retries 503 and 429 honouring Retry-After, then succeeds", async () => {
    const { url, hits } = await serve((_req, res, n) => {
      if (n === 1) res.writeHead(503).end();
      else if (n === 2) res.writeHead(429, { "retry-after": "1" }).end();
      else res.end("ok");
    });
    const started = Date.now();
    const { response, attempts } = await sendWithRetry(client, { method: "GET", url, headers: {} }, fast, {
      deadline: Date.now() + 10_000,
      attemptTimeoutMs: 1000,
    });
    assert.equal(response.bodyText, "ok");
    assert.equal(attempts, 3);
    assert.equal(hits(), 3);
    assert.ok(Date.now() - started >= 950, "waited for Retry-After: 1");
  });

  it("gives up after maxRetries and returns the last response", async () => {
    const { url, hits } = await serve((_req, res) => res.writeHead(500).end("boom"));
    const { response, attempts } = await sendWithRetry(client, { method: "GET", url, headers: {} }, fast, {
      deadline: Date.now() + 10_000,
      attemptTimeoutMs: 1000,
    });
    assert.equal(response.status, 500);
    assert.equal(attempts, 4);
    assert.equal(hits(), 4);
  });

  it("does not retry 400", async () => {
    const { url, hits } = await serve((_req, res) => res.writeHead(400).end("{}"));
    await sendWithRetry(client, { method: "GET", url, headers: {} }, fast, { deadline: Date.now() + 10_000, attemptTimeoutMs: 1000 });
    assert.equal(hits(), 1);
  });

  it("does not sleep past the deadline for a long Retry-After", async () => {
    const { url, hits } = await serve((_req, res) => res.writeHead(429, { "retry-after": "30" }).end());
    // Every timer set during the call is recorded: the attempt's own (500 ms) is the only wait allowed,
    // no sleep for Retry-After nor until the deadline.
    const timers: number[] = [];
    const realSetTimeout = globalThis.setTimeout;
    globalThis.setTimeout = ((callback: () => void, ms?: number) => (timers.push(Number(ms ?? 0)), realSetTimeout(callback, ms))) as typeof setTimeout;
    let outcome;
    try {
      outcome = await sendWithRetry(client, { method: "GET", url, headers: {} }, fast, { deadline: Date.now() + 2000, attemptTimeoutMs: 500 });
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    assert.equal(outcome.response.status, 429);
    assert.equal(outcome.attempts, 1);
    assert.equal(hits(), 1);
    assert.ok(
      timers.every((ms) => ms <= 500),
      `timers set: ${timers.join(", ")} ms`,
    );
  });

  it("retries a hung attempt and fails within the overall deadline", async () => {
    const { url, hits } = await serve(() => undefined);
    // Each attempt's own deadline is recorded: none over attemptTimeoutMs, and together (attempts run one
    // after the other, each only after the previous one's deadline) they fit in the overall 1000 ms.
    const given: number[] = [];
    const recording = { sendRequest: (request: HttpRequest) => (given.push(request.timeoutMs), client.sendRequest(request)) };
    await assert.rejects(
      sendWithRetry(recording, { method: "GET", url, headers: {} }, fast, { deadline: Date.now() + 1000, attemptTimeoutMs: 300 }),
      (e: TransportError) => e.code === "TIMEOUT",
    );
    assert.ok(given.length >= 2 && given.every((ms) => ms <= 300), `attempt deadlines: ${given.join(", ")} ms`);
    assert.ok(given.reduce((a, b) => a + b, 0) <= 1000, `attempt deadlines ${given.join(" + ")} ms exceed the overall 1000`);
    assert.ok(hits() >= 2, `attempts: ${hits()}`);
  });

  it("parses Retry-After as seconds or an HTTP date", () => {
    assert.equal(parseRetryAfter({ "retry-after": "2" }), 2000);
    assert.equal(parseRetryAfter({ "retry-after": new Date(Date.now() + 5000).toUTCString() }, Date.now()) !== undefined, true);
    assert.equal(parseRetryAfter({ "retry-after": "soon" }), undefined);
    assert.equal(parseRetryAfter({}), undefined);
  });
});
