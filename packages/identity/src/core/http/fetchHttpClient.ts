// azid's HttpClient on the Web-standard `fetch`, for runtimes without node:http (browsers, workerd;
// it works in Node, Deno and Bun too): the same contract as nodeHttpClient.ts. A hard deadline per
// attempt covering the response headers and body, the caller's AbortSignal, a cap on the body size,
// HTTPS required except for loopback, and redirects returned, never followed. There is no proxy
// support and no proxy environment: the runtime's own networking decides (a browser's proxy
// settings, workerd's outbound service). TLS trust is the runtime's (DENO_CERT, the OS store...).
import { assertSecureUrl, TransportError, type HttpClient, type HttpRequest, type HttpResponse } from "./httpClient.js";

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface FetchHttpClientOptions {
  /** The fetch to call (default: the global one, looked up at each request so a test or polyfill can replace it). */
  fetch?: typeof fetch;
}

export function createFetchHttpClient(options: FetchHttpClientOptions = {}): HttpClient {
  return {
    async sendRequest(request: HttpRequest): Promise<HttpResponse> {
      const url = new URL(request.url);
      assertSecureUrl(url, "Request URL");
      if (request.abortSignal?.aborted) throw new TransportError("ABORTED", "The operation was aborted.");
      const doFetch = options.fetch ?? globalThis.fetch;
      if (typeof doFetch !== "function") {
        throw new TransportError("NETWORK", "This runtime has no global fetch; pass options.httpClient with a transport of your own.");
      }
      const controller = new AbortController();
      let failure: TransportError | undefined;
      const stop = (error: TransportError) => {
        failure ??= error;
        controller.abort();
      };
      const timer = setTimeout(
        () => stop(new TransportError("TIMEOUT", `No complete response from ${url.origin} within ${request.timeoutMs} ms.`)),
        request.timeoutMs,
      );
      const signal = request.abortSignal;
      const onAbort = () => stop(new TransportError("ABORTED", "The operation was aborted."));
      signal?.addEventListener("abort", onAbort);
      // Rejects as soon as the deadline passes or the caller aborts, even if a runtime keeps reading.
      const stopped = new Promise<never>((_, reject) => controller.signal.addEventListener("abort", () => reject(failure)));
      stopped.catch(() => undefined);
      try {
        const init: RequestInit = { method: request.method, headers: request.headers, redirect: "manual", signal: controller.signal };
        if (request.body !== undefined) init.body = request.body;
        const response = await Promise.race([doFetch(url.href, init), stopped]);
        const declared = Number(response.headers.get("content-length") ?? "0");
        if (declared > MAX_RESPONSE_BYTES) {
          void response.body?.cancel().catch(() => undefined);
          throw tooLarge(url);
        }
        const bodyText = await Promise.race([readBounded(response, url), stopped]);
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          headers[name.toLowerCase()] = value;
        });
        return { status: response.status, headers, bodyText };
      } catch (error) {
        if (failure !== undefined) throw failure;
        if (error instanceof TransportError) throw error;
        const cause = error as Error;
        throw new TransportError("NETWORK", `Could not reach ${url.origin}: ${cause?.message ?? String(error)}`, { cause: error });
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      }
    },
  };
}

async function readBounded(response: Response, url: URL): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      void reader.cancel().catch(() => undefined);
      throw tooLarge(url);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function tooLarge(url: URL): TransportError {
  return new TransportError("TOO_LARGE", `Response from ${url.origin} exceeds ${MAX_RESPONSE_BYTES} bytes.`);
}
