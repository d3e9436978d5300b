// Node's own http/https behind azid's HttpClient: a hard deadline on every request (connect +
// headers + body), AbortSignal support, a cap on response size, HTTPS required except for loopback,
// HTTPS_PROXY / NO_PROXY / proxyOptions through a CONNECT tunnel, and certificate pinning. Small, so
// compiled with the library; node:http and node:https themselves are loaded on the first request.
import type { ProxySettings } from "../options.js";
import { resolveProxy } from "./proxy.js";
import { assertSecureUrl, TransportError, type HttpRequest, type HttpResponse, type PooledHttpClient } from "./httpClient.js";

export interface NodeHttpClientOptions {
  proxyOptions?: ProxySettings;
  /** Extra trusted CA certificates (PEM, as text or bytes), added to Node's default roots (never replacing them). */
  ca?: string | Uint8Array | Array<string | Uint8Array>;
  /**
   * Trust exactly one server certificate, identified by the hex SHA-1 (40 digits) or SHA-256 (64 digits)
   * of its DER encoding, instead of CA validation (Service Fabric's self-signed managed identity
   * endpoint, pinned to IDENTITY_SERVER_THUMBPRINT). Any other certificate is refused before a byte of
   * the request is sent. Connections are not pooled or proxied.
   */
  pinnedCertificate?: { sha1OrSha256Hex: string };
  /**
   * Origins (e.g. `http://169.254.169.254`) that may be reached over plain http although they are not
   * loopback: managed identity endpoints are link-local or host-private addresses named by the platform.
   */
  allowHttpOrigins?: readonly string[];
  /** Never use a proxy, not even HTTPS_PROXY (managed identity endpoints are host-local or link-local). */
  bypassProxy?: boolean;
}

let defaultClient: PooledHttpClient | undefined;
/** The shared transport used when a credential gets no `httpClient`/`proxyOptions`/`tlsOptions`. */
export function defaultHttpClient(): PooledHttpClient {
  return (defaultClient ??= createNodeHttpClient({}, true));
}

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
type HttpModule = typeof import("node:http");
type HttpsModule = typeof import("node:https");
let httpModule: HttpModule | undefined;
let httpsModule: HttpsModule | undefined;
async function modules(): Promise<{ http: HttpModule; https: HttpsModule }> {
  // Loaded on first request: importing the library must stay cheap.
  httpModule ??= await import("node:http");
  httpsModule ??= await import("node:https");
  return { http: httpModule, https: httpsModule };
}

interface Agents {
  http?: import("node:http").Agent;
  https?: import("node:https").Agent;
}

type SecureContext = import("node:tls").SecureContext;
const secureContexts = new Map<string, Promise<SecureContext>>();
const MAX_SECURE_CONTEXTS = 16;

/**
 * One TLS context per distinct set of extra CAs, shared by every client and connection. Given a `ca`
 * option, Node builds a new context for each connection and parses all of its ~140 default roots
 * again: about 0.6 MB of native memory that V8 does not see, so it is freed late and the allocator
 * keeps it. 1,000 credentials with tlsOptions.ca held 650 MB of RSS for a 17 MB heap (`npm run soak`).
 * Bounded: a process has a few CA sets at most, the oldest is dropped past 16.
 * The promise is cached, not the context: concurrent first requests (a DefaultAzureCredential chain,
 * a fleet of credentials warming up) wait on one build instead of each building its own. A build
 * that fails is dropped so the next request tries again.
 */
function secureContextFor(ca: NonNullable<NodeHttpClientOptions["ca"]>): Promise<SecureContext> {
  const extra = (Array.isArray(ca) ? ca : [ca]).map((pem) =>
    typeof pem === "string" ? pem : Buffer.from(pem.buffer, pem.byteOffset, pem.byteLength).toString("utf8"),
  );
  const key = extra.join("\n");
  let context = secureContexts.get(key);
  if (context === undefined) {
    // Node's `ca` option replaces the default roots; keep them and add the extra ones.
    context = import("node:tls").then((tls) => tls.createSecureContext({ ca: [...tls.rootCertificates, ...extra] }));
    secureContexts.set(key, context);
    if (secureContexts.size > MAX_SECURE_CONTEXTS) secureContexts.delete(secureContexts.keys().next().value as string);
    const pending = context;
    pending.catch(() => {
      if (secureContexts.get(key) === pending) secureContexts.delete(key);
    });
  }
  return context;
}

/** Keep-alive agents, one pair per client: repeated token requests reuse TLS connections. */
function agentFor(isHttps: boolean, secureContext: SecureContext | undefined, agents: Agents, mods: { http: HttpModule; https: HttpsModule }) {
  const base = { keepAlive: true, maxSockets: 64, timeout: 30_000 };
  if (isHttps) return (agents.https ??= new mods.https.Agent(secureContext === undefined ? base : { ...base, secureContext }));
  return (agents.http ??= new mods.http.Agent(base));
}

export function createNodeHttpClient(options: NodeHttpClientOptions = {}, shared = false): PooledHttpClient {
  let trusted: SecureContext | undefined;
  const agents: Agents = {};
  return {
    closeConnections() {
      for (const agent of [agents.http, agents.https]) {
        // Another credential's request may be in flight on the shared pool: end only its idle sockets.
        if (shared) for (const sockets of Object.values(agent?.freeSockets ?? {})) for (const socket of sockets ?? []) socket.destroy();
        else agent?.destroy();
      }
      if (!shared) {
        // A later request (close() is not final for a transport) gets fresh agents.
        delete agents.http;
        delete agents.https;
      }
    },
    async sendRequest(request: HttpRequest): Promise<HttpResponse> {
      const url = new URL(request.url);
      if (!(url.protocol === "http:" && options.allowHttpOrigins?.includes(url.origin) === true)) assertSecureUrl(url, "Request URL");
      if (request.abortSignal?.aborted) throw new TransportError("ABORTED", "The operation was aborted.");
      const mods = await modules();
      // Concurrent first requests share secureContextFor's one pending build.
      if (options.ca !== undefined) trusted ??= await secureContextFor(options.ca);
      const pin = options.pinnedCertificate === undefined ? undefined : normalizeThumbprint(options.pinnedCertificate.sha1OrSha256Hex);
      const proxy = pin === undefined && options.bypassProxy !== true ? resolveProxy(url, options.proxyOptions) : undefined;
      return send(mods, url, request, proxy, trusted, agents, pin);
    },
  };
}

function send(
  mods: { http: HttpModule; https: HttpsModule },
  url: URL,
  request: HttpRequest,
  proxy: ProxySettings | undefined,
  secureContext: SecureContext | undefined,
  agents: Agents,
  pin?: string,
): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const isHttps = url.protocol === "https:";
    let settled = false;
    let req: import("node:http").ClientRequest | undefined;
    const cleanups: Array<() => void> = [];
    const finish = (error: Error | undefined, response?: HttpResponse) => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      if (error) {
        req?.destroy();
        reject(error);
      } else resolve(response!);
    };

    const timer = setTimeout(
      () => finish(new TransportError("TIMEOUT", `No complete response from ${url.origin} within ${request.timeoutMs} ms.`)),
      request.timeoutMs,
    );
    cleanups.push(() => clearTimeout(timer));
    if (request.abortSignal) {
      const signal = request.abortSignal;
      const onAbort = () => finish(new TransportError("ABORTED", "The operation was aborted."));
      signal.addEventListener("abort", onAbort);
      cleanups.push(() => signal.removeEventListener("abort", onAbort));
    }

    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) headers["content-length"] = String(Buffer.byteLength(request.body));

    const onResponse = (res: import("node:http").IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          finish(new TransportError("TOO_LARGE", `Response from ${url.origin} exceeds ${MAX_RESPONSE_BYTES} bytes.`));
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () => {
        const responseHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(", ") : value;
        }
        finish(undefined, { status: res.statusCode ?? 0, headers: responseHeaders, bodyText: Buffer.concat(chunks).toString("utf8") });
      });
      res.on("error", (error) => finish(networkError(url, error)));
      res.on("aborted", () => finish(networkError(url, new Error("response aborted"))));
    };

    const start = (tunnelSocket?: import("node:net").Socket) => {
      if (settled) {
        tunnelSocket?.destroy();
        return;
      }
      const common = { method: request.method, headers, timeout: request.timeoutMs };
      if (proxy !== undefined && !isHttps) {
        // Plain http through a proxy: absolute-form request line to the proxy itself.
        req = mods.http.request(
          { ...common, host: proxy.host, port: proxy.port, path: url.href, headers: { ...headers, ...proxyAuthorization(proxy) } },
          onResponse,
        );
      } else if (pin !== undefined && isHttps) {
        req = mods.https.request(
          { ...common, host: url.hostname, port: url.port || 443, path: url.pathname + url.search, createConnection: pinnedConnection(url, pin) as never },
          onResponse,
        );
      } else if (tunnelSocket !== undefined) {
        req = mods.https.request(
          { ...common, host: url.hostname, port: url.port || 443, path: url.pathname + url.search, createConnection: () => tunnelSocket as never },
          onResponse,
        );
      } else {
        const agent = agentFor(isHttps, secureContext, agents, mods);
        const target = {
          ...common,
          host: url.hostname.replace(/^\[|\]$/g, ""),
          port: url.port || (isHttps ? 443 : 80),
          path: url.pathname + url.search,
          agent,
        };
        req = isHttps ? mods.https.request(target, onResponse) : mods.http.request(target, onResponse);
      }
      req.on("error", (error) => finish(error instanceof TransportError ? error : networkError(url, error)));
      req.end(request.body);
    };

    if (proxy !== undefined && isHttps) {
      openTunnel(mods, url, proxy, secureContext, request.timeoutMs).then(start, (error: Error) =>
        finish(
          error instanceof TransportError
            ? error
            : new TransportError(
                "NETWORK",
                `Could not connect to proxy ${proxy.host}:${proxy.port} (while tunnelling to ${url.origin}): ${(error as NodeJS.ErrnoException).code ?? ""} ${error.message}`.replace(
                  /\s+/g,
                  " ",
                ),
                { cause: error },
              ),
        ),
      );
    } else start();
  });
}

function proxyAuthorization(proxy: ProxySettings): Record<string, string> {
  if (proxy.username === undefined) return {};
  const credentials = Buffer.from(`${proxy.username}:${proxy.password ?? ""}`).toString("base64");
  return { "proxy-authorization": `Basic ${credentials}` };
}

/** CONNECT host:port through the proxy, then TLS to the target over that socket. */
function openTunnel(
  mods: { http: HttpModule; https: HttpsModule },
  url: URL,
  proxy: ProxySettings,
  secureContext: SecureContext | undefined,
  timeoutMs: number,
): Promise<import("node:net").Socket> {
  return new Promise((resolve, reject) => {
    const target = `${url.hostname}:${url.port || 443}`;
    const connectReq = mods.http.request({
      host: proxy.host,
      port: proxy.port,
      method: "CONNECT",
      path: target,
      headers: { host: target, ...proxyAuthorization(proxy) },
      timeout: timeoutMs,
      agent: false,
    });
    connectReq.on("connect", (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        const auth = res.statusCode === 401 || res.statusCode === 403 || res.statusCode === 407;
        reject(
          new TransportError(
            auth ? "PROXY_REFUSED" : "NETWORK",
            `Proxy ${proxy.host}:${proxy.port} refused CONNECT ${target} with status ${res.statusCode}.` +
              (auth ? " Check the proxy credentials (proxyOptions.username/password, or user:password@ in HTTPS_PROXY)." : ""),
          ),
        );
        return;
      }
      import("node:tls").then((tls) => {
        const servername = url.hostname.replace(/^\[|\]$/g, "");
        const options: import("node:tls").ConnectionOptions = { socket, servername: /^[\d.]+$|:/.test(servername) ? "" : servername };
        if (secureContext !== undefined) options.secureContext = secureContext;
        const secure = tls.connect(options, () => resolve(secure));
        secure.on("error", reject);
      }, reject);
    });
    connectReq.on("timeout", () => connectReq.destroy(new Error(`proxy ${proxy.host}:${proxy.port} did not answer CONNECT in time`)));
    connectReq.on("error", reject);
    connectReq.end();
  });
}

/** Hex digits only, upper case: `ab:cd:...` and `ABCD...` compare equal. */
export function normalizeThumbprint(value: string): string {
  return value.replace(/[\s:]/g, "").toUpperCase();
}

/**
 * A TLS connection handed to the HTTP request only after the server's certificate matched the pin.
 * Why not `rejectUnauthorized: false` + `checkServerIdentity`: Node skips `checkServerIdentity` when
 * chain validation already failed (always, for a self-signed certificate), so that would accept any
 * certificate. Here the request is written to the socket only after the check, so a mismatched
 * server never sees the request (or its secret header).
 */
function pinnedConnection(url: URL, pin: string) {
  return (_options: unknown, callback: (error: Error | null, socket?: import("node:net").Socket) => void): undefined => {
    import("node:tls").then(
      (tls) => {
        const host = url.hostname.replace(/^\[|\]$/g, "");
        const socket = tls.connect({ host, port: Number(url.port || 443), servername: /^[\d.]+$|:/.test(host) ? "" : host, rejectUnauthorized: false });
        socket.once("error", (error) => callback(error));
        socket.once("secureConnect", () => {
          const cert = socket.getPeerCertificate();
          const actual = normalizeThumbprint((pin.length === 64 ? cert.fingerprint256 : cert.fingerprint) ?? "");
          if (actual !== "" && actual === pin) {
            callback(null, socket);
            return;
          }
          socket.destroy();
          callback(
            new TransportError(
              "INSECURE",
              `The certificate of ${url.origin} did not match the pinned thumbprint: expected ${pin}, the server presented ${actual || "no certificate"} (${pin.length === 64 ? "SHA-256" : "SHA-1"}). The request was not sent.`,
            ),
          );
        });
      },
      (error: Error) => callback(error),
    );
    return undefined;
  };
}

function networkError(url: URL, cause: Error): TransportError {
  const code = (cause as NodeJS.ErrnoException).code;
  return new TransportError("NETWORK", `Could not reach ${url.origin}: ${code ? `${code} ` : ""}${cause.message}`, { cause });
}
