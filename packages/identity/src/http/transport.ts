// The HTTP transport: Node's own http/https, a hard deadline on every request (connect + headers +
// body), AbortSignal support, a cap on response size, HTTPS required except for loopback, and
// HTTPS_PROXY / NO_PROXY / proxyOptions through a CONNECT tunnel. Tests replace it via `httpClient`.
import type { AbortSignalLike, ProxySettings } from "../types.js";

export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Deadline for this one attempt, in ms. */
  timeoutMs: number;
  abortSignal?: AbortSignalLike;
}

export interface HttpResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  bodyText: string;
}

/** azid's transport interface: one method, easy to fake or wrap. */
export interface HttpClient {
  sendRequest(request: HttpRequest): Promise<HttpResponse>;
}

/** Why a request produced no HTTP response. Never carries the request body. */
export class TransportError extends Error {
  readonly code: "TIMEOUT" | "ABORTED" | "NETWORK" | "TOO_LARGE" | "INSECURE" | "PROXY_REFUSED";
  constructor(code: TransportError["code"], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = code === "ABORTED" ? "AbortError" : "TransportError";
  }
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** HTTPS everywhere; plain HTTP only to loopback (emulators, local managed identity endpoints). */
export function assertSecureUrl(url: URL, what: string): void {
  if (url.protocol === "https:") return;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return;
  throw new TransportError(
    "INSECURE",
    `${what} must use https (plain http is only allowed for loopback addresses): ${url.protocol}//${url.host}`,
  );
}

export interface NodeHttpClientOptions {
  proxyOptions?: ProxySettings;
  /** Extra trusted CA certificates (PEM), added to Node's default roots (never replacing them). */
  ca?: string | string[];
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

/**
 * Node's own http/https client (nodeHttpClient.ts), compiled on the first request rather than when
 * the library is loaded: constructing credentials never needs it.
 */
export function createNodeHttpClient(options: NodeHttpClientOptions = {}): HttpClient {
  let client: Promise<HttpClient> | undefined;
  return {
    async sendRequest(request) {
      client ??= import("../lazy.js").then((m) => m.createNodeHttpClient(options));
      return (await client).sendRequest(request);
    },
  };
}

let defaultClient: HttpClient | undefined;
/** The shared transport used when a credential gets no `httpClient`/`proxyOptions`/`tlsOptions`. */
export function defaultHttpClient(): HttpClient {
  return (defaultClient ??= createNodeHttpClient());
}
