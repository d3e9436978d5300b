// Proxy support through a real tinyproxy (the Debian package; `npm test`'s pretest installs it):
// proxyOptions, HTTPS_PROXY, NO_PROXY, a proxy that is down, and proxy Basic authentication.
// Two witnesses: tinyproxy's log records each CONNECT, and a TCP relay in front of the emulator
// records where each connection came from. tinyproxy binds its outgoing connections to 127.0.0.2
// (`Bind`), azid connects from 127.0.0.1, so a request that skipped the tunnel shows up as such
// even if a CONNECT was logged.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { AuthenticationError, ClientSecretCredential, type ClientSecretCredentialOptions } from "../../src/index.js";
import { tokenCache } from "../../src/core/cache/tokenCache.js";
import { decodeJwt, useEmulator } from "../support/emulator.js";

const STORAGE = "https://storage.azure.com/.default";
const PROXY_SOURCE = "127.0.0.2";
const PROXY_VARIABLES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"];

function findOnPath(command: string): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch {
      // not in this directory
    }
  }
  return "";
}

const tinyproxyOnPath = findOnPath("tinyproxy");
// Under CI a missing tinyproxy is a failure (the `before` hook throws); on a laptop, a skip that says why.
const skip =
  tinyproxyOnPath === "" && !process.env.CI
    ? "tinyproxy is not installed: run `npm test` (its pretest installs it) or `sudo apt-get install tinyproxy`"
    : false;

const env = useEmulator();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

interface Relay {
  port: number;
  /** Remote address of every connection accepted, in order. */
  sources: string[];
  close(): Promise<void>;
}

/** A plain TCP relay to the emulator that notes who connected: tunnelled or direct. */
function startRelay(targetPort: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const sources: string[] = [];
  const server = createServer((client) => {
    sources.push(client.remoteAddress ?? "?");
    const upstream = connect({ host: "127.0.0.1", port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      resolve({
        port: (server.address() as { port: number }).port,
        sources,
        close: () => {
          for (const socket of sockets) socket.destroy();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}

interface Tinyproxy {
  port: number;
  url: string;
  /** Lines of tinyproxy's log that record a CONNECT request to `target` ("host:port"). */
  connectsTo(target: string): number;
  log(): string;
  stop(): Promise<void>;
}

const running: Tinyproxy[] = [];

/** Runs tinyproxy in the foreground on a free loopback port with a generated configuration. */
async function startTinyproxy(connectPort: number, extraConfig: string[] = []): Promise<Tinyproxy> {
  const dir = mkdtempSync(join(tmpdir(), "azid-tinyproxy-"));
  const port = await freePort();
  const logFile = join(dir, "tinyproxy.log");
  const confFile = join(dir, "tinyproxy.conf");
  writeFileSync(
    confFile,
    [
      `Port ${port}`,
      "Listen 127.0.0.1",
      "Allow 127.0.0.1",
      // tinyproxy only tunnels to ports 443 and 563 unless told otherwise.
      `ConnectPort ${connectPort}`,
      `LogFile "${logFile}"`,
      "LogLevel Connect",
      `PidFile "${join(dir, "tinyproxy.pid")}"`,
      "Timeout 30",
      "MaxClients 20",
      `Bind ${PROXY_SOURCE}`,
      ...extraConfig,
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(tinyproxyOnPath, ["-d", "-c", confFile], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const log = () => {
    try {
      return readFileSync(logFile, "utf8");
    } catch {
      return "";
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`tinyproxy did not start listening on 127.0.0.1:${port}\n${output}\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const proxy: Tinyproxy = {
    port,
    url: `http://127.0.0.1:${port}`,
    log,
    connectsTo: (target) =>
      log()
        .split("\n")
        .filter((line) => line.includes(`: CONNECT ${target} HTTP/1.1`)).length,
    stop,
  };
  running.push(proxy);
  return proxy;
}

describe("proxies: a real tinyproxy between azid and the emulator", { skip }, () => {
  let proxy: Tinyproxy;
  let relay: Relay;
  /** The emulator as the credentials see it: behind the relay. */
  let authorityHost = "";
  let target = "";
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    if (tinyproxyOnPath === "")
      throw new Error("tinyproxy is required under CI (CI is set) but is not on PATH; the pretest (scripts/system-deps.mjs) should have installed it.");
    relay = await startRelay(Number(new URL(env.emu.url).port));
    target = `127.0.0.1:${relay.port}`;
    authorityHost = `https://${target}`;
    proxy = await startTinyproxy(relay.port);
  });
  after(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await relay?.close();
  });
  beforeEach(() => {
    tokenCache.clear();
    for (const name of PROXY_VARIABLES) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });
  afterEach(() => {
    for (const name of PROXY_VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  function credential(options: ClientSecretCredentialOptions = {}) {
    const { clientId, secret } = env.addApp();
    return { clientId, credential: new ClientSecretCredential(env.tenantId, clientId, secret, { ...env.options, authorityHost, ...options }) };
  }

  /** Gets a token and returns where the relay saw its connection(s) come from. */
  async function getTokenThrough(options: ClientSecretCredentialOptions = {}): Promise<string[]> {
    const { clientId, credential: subject } = credential(options);
    const sourcesBefore = relay.sources.length;
    const requestsBefore = env.tokenRequests().length;
    const token = await subject.getToken(STORAGE);
    assert.equal(decodeJwt(token.token).payload.appid, clientId);
    assert.equal(env.tokenRequests().length, requestsBefore + 1, "one token request reached the emulator");
    return relay.sources.slice(sourcesBefore);
  }

  it("proxyOptions: the token request goes through a CONNECT tunnel to the emulator", async () => {
    const connectsBefore = proxy.connectsTo(target);
    const sources = await getTokenThrough({ proxyOptions: { host: "127.0.0.1", port: proxy.port } });
    assert.equal(proxy.connectsTo(target), connectsBefore + 1, proxy.log());
    assert.deepEqual(sources, [PROXY_SOURCE], "the token request travelled through the tunnel, not around it");
  });

  it("proxyOptions.host may carry a scheme, as core-rest-pipeline allows", async () => {
    const connectsBefore = proxy.connectsTo(target);
    const sources = await getTokenThrough({ proxyOptions: { host: "http://127.0.0.1", port: proxy.port } });
    assert.equal(proxy.connectsTo(target), connectsBefore + 1);
    assert.deepEqual(sources, [PROXY_SOURCE]);
  });

  it("HTTPS_PROXY from the environment is honoured", async () => {
    process.env.HTTPS_PROXY = proxy.url;
    const connectsBefore = proxy.connectsTo(target);
    const sources = await getTokenThrough();
    assert.equal(proxy.connectsTo(target), connectsBefore + 1, proxy.log());
    assert.deepEqual(sources, [PROXY_SOURCE]);
  });

  it("NO_PROXY=127.0.0.1 bypasses the proxy named by HTTPS_PROXY", async () => {
    process.env.HTTPS_PROXY = proxy.url;
    process.env.NO_PROXY = "127.0.0.1";
    const connectsBefore = proxy.connectsTo(target);
    const sources = await getTokenThrough();
    assert.equal(proxy.connectsTo(target), connectsBefore, "no tunnel through the proxy");
    assert.deepEqual(sources, ["127.0.0.1"], "a direct connection");
  });

  it("a proxy that is down: AuthenticationError naming the unreachable proxy, within the deadline", async () => {
    const closedPort = await freePort();
    const requestsBefore = env.tokenRequests().length;
    const sourcesBefore = relay.sources.length;
    const attempt = credential({ proxyOptions: { host: "127.0.0.1", port: closedPort } }).credential.getToken(STORAGE);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"deadline">((resolve) => (timer = setTimeout(() => resolve("deadline"), 15_000)));
    const outcome = await Promise.race([
      attempt.then(
        () => "token" as const,
        (error: unknown) => error,
      ),
      deadline,
    ]);
    clearTimeout(timer);
    assert.ok(outcome instanceof AuthenticationError, `expected an AuthenticationError, got ${String(outcome)}`);
    assert.equal(outcome.errorResponse.error, "network_error");
    assert.match(outcome.message, /ECONNREFUSED/);
    assert.ok(outcome.message.includes(`127.0.0.1:${closedPort}`), outcome.message);
    assert.match(outcome.message, /proxy/i);
    assert.equal(env.tokenRequests().length, requestsBefore, "nothing reached the emulator");
    assert.equal(relay.sources.length, sourcesBefore, "no direct connection either");
  });

  describe("proxy Basic authentication (tinyproxy BasicAuth)", () => {
    const user = "azid-proxy-user";
    const password = "proxy-pass.42";
    let authProxy: Tinyproxy;
    before(async () => {
      authProxy = await startTinyproxy(relay.port, [`BasicAuth ${user} ${password}`]);
    });

    it("the right username and password open the tunnel", async () => {
      const connectsBefore = authProxy.connectsTo(target);
      const sources = await getTokenThrough({ proxyOptions: { host: "127.0.0.1", port: authProxy.port, username: user, password } });
      assert.equal(authProxy.connectsTo(target), connectsBefore + 1, authProxy.log());
      assert.deepEqual(sources, [PROXY_SOURCE]);
    });

    it("credentials in HTTPS_PROXY (user:password@host:port) are used too", async () => {
      process.env.HTTPS_PROXY = `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${authProxy.port}`;
      const connectsBefore = authProxy.connectsTo(target);
      const sources = await getTokenThrough();
      assert.equal(authProxy.connectsTo(target), connectsBefore + 1);
      assert.deepEqual(sources, [PROXY_SOURCE]);
    });

    for (const [name, credentials] of [
      ["a wrong password", { username: user, password: "wrong-pass.43" }],
      ["no credentials", {}],
    ] as const) {
      it(`${name}: a clear AuthenticationError with the proxy's refusal, never the password`, async () => {
        const requestsBefore = env.tokenRequests().length;
        const sourcesBefore = relay.sources.length;
        await assert.rejects(
          credential({ proxyOptions: { host: "127.0.0.1", port: authProxy.port, ...credentials } }).credential.getToken(STORAGE),
          (error: AuthenticationError) => {
            assert.equal(error.name, "AuthenticationError");
            assert.equal(error.errorResponse.error, "proxy_refused");
            assert.match(error.message, /Proxy 127\.0\.0\.1:\d+ refused CONNECT/);
            assert.match(error.message, /Check the proxy credentials/);
            // tinyproxy answers 407 without credentials and 401 for wrong ones.
            assert.match(error.message, name === "no credentials" ? /with status 407\b/ : /with status 401\b/);
            assert.ok(!error.message.includes("wrong-pass.43") && !error.message.includes(password), "password in message");
            return true;
          },
        );
        assert.equal(env.tokenRequests().length, requestsBefore, "nothing reached the emulator");
        assert.equal(relay.sources.length, sourcesBefore, "and nothing went around the proxy");
      });
    }
  });
});
