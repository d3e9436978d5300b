// The HTTP contract every protocol sends through: one method, easy to fake or wrap (tests and callers
// replace the transport via `httpClient`), the errors of a request that got no response, and the
// HTTPS-only rule. Node's own client implementing it is nodeHttpClient.ts.
import type { AbortSignalLike } from "../types.js";

/** One HTTP request azid sends through an {@link HttpClient}. */
export interface HttpRequest {
  /** The HTTP method. */
  method: "GET" | "POST";
  /** The absolute URL. */
  url: string;
  /** Request headers. */
  headers: Record<string, string>;
  /** The form-encoded or JSON body, for POST. It may hold secrets: never log it. */
  body?: string;
  /** Deadline for this one attempt, in ms. */
  timeoutMs: number;
  /** Fires when the caller gives up. */
  abortSignal?: AbortSignalLike;
}

/** What an {@link HttpClient} returns. */
export interface HttpResponse {
  /** The HTTP status. */
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The body, as text. */
  bodyText: string;
}

/** azid's transport interface: one method, easy to fake or wrap. */
export interface HttpClient {
  /** Sends one request; rejects only when no HTTP response arrived. */
  sendRequest(request: HttpRequest): Promise<HttpResponse>;
}

/**
 * azid's own Node transport (nodeHttpClient.ts) can end its pooled keep-alive connections when a
 * credential using it closes. A caller's `httpClient` is never closed by azid: the caller owns it.
 */
export interface PooledHttpClient extends HttpClient {
  /**
   * Ends the idle keep-alive connections; a credential's private transport (proxyOptions, tlsOptions)
   * also ends its in-flight ones and its agents. The shared default transport keeps other credentials'
   * requests in flight.
   */
  closeConnections(): void;
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
  throw new TransportError("INSECURE", `${what} must use https (plain http is only allowed for loopback addresses): ${url.protocol}//${url.host}`);
}
