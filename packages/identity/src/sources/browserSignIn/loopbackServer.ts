// The loopback redirect listener of the browser sign-in (RFC 8252 7.3; protocols.md 1.6). It is
// listening before the browser opens (net#50089), accepts exactly one redirect carrying our
// `state`, ignores everything else (favicon, probes), and keeps the browser's request open until
// the code has been redeemed, so the page shown reflects the real outcome (msal-js#5749).
//
// Anything on this machine (a web page through the browser, another user's process) can reach the
// port. A redirect whose `state` is not ours, or that has none, is answered and ignored: it cannot
// settle the sign-in, so a stray or forged GET can neither cancel it nor put its text in our error.
// Only the redirect with our state ends the wait; the text it carries is the server's, so it is
// scrubbed (core/serverText.ts) and labelled as such. Connections, headers and time per request are
// bounded, so a flood costs little and nothing accumulates.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { AuthenticationError, CredentialUnavailableError } from "../../core/errors.js";
import { scrubServerText } from "../../core/serverText.js";
import { errorPage, successPage, type BrowserPageTexts } from "./pages.js";

export interface AuthorizationRedirect {
  code: string;
  /** Answers the browser's request with the success page, or the error page with `details`. */
  finish(outcome: { ok: true } | { ok: false; details: string }): void;
}

export interface LoopbackServer {
  /** `http://localhost:<port>[path]`, the redirect_uri to send. */
  readonly redirectUri: string;
  /** Settles with the first redirect that carries our state (or its error). */
  readonly redirect: Promise<AuthorizationRedirect>;
  /** Stops listening and ends any open connection (answering a held request with the error page). */
  close(details?: string): void;
  /** Redirects that carried another state (or none) and were ignored. */
  readonly ignoredRequests: number;
}

export interface LoopbackOptions {
  /** 0 for an ephemeral port. */
  port: number;
  /** The redirect path, "/" unless the caller's redirectUri names one. */
  path: string;
  state: string;
  pages: BrowserPageTexts | undefined;
}

/** Concurrent connections: a browser opens a few; more is someone else. */
const MAX_CONNECTIONS = 16;
/** A browser sends its redirect in milliseconds; a connection that dribbles is dropped. */
const REQUEST_TIMEOUT_MS = 10_000;

const HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

export async function startLoopbackServer(options: LoopbackOptions): Promise<LoopbackServer> {
  const http = await import("node:http");
  let settle!: { resolve: (redirect: AuthorizationRedirect) => void; reject: (error: Error) => void };
  const redirect = new Promise<AuthorizationRedirect>((resolve, reject) => (settle = { resolve, reject }));
  redirect.catch(() => undefined); // observed by the flow; never an unhandled rejection
  let settled = false;
  let held: ServerResponse | undefined;
  /** Requests with a state that was not ours, reported if the sign-in then times out. */
  let ignored = 0;

  const answer = (response: ServerResponse, status: number, html: string) => {
    if (response.headersSent) return;
    response.writeHead(status, HEADERS).end(html);
  };

  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const params = url.searchParams;
    const isRedirect = request.method === "GET" && url.pathname === options.path && (params.has("code") || params.has("error"));
    if (!isRedirect) {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }).end("Not found");
      return;
    }
    if (settled) {
      answer(response, 409, errorPage(options.pages, "This sign-in has already completed; return to the application."));
      return;
    }
    const state = params.get("state");
    const error = params.get("error");
    if (state !== options.state) {
      // Not ours (an old tab, another attempt, a forged request): answered, ignored, the wait goes on.
      ignored++;
      answer(response, 400, errorPage(options.pages, "This response does not belong to the sign-in in progress (state mismatch) and was ignored."));
      return;
    }
    settled = true;
    if (error !== null) {
      const description = scrubServerText(params.get("error_description") ?? "");
      answer(response, 200, errorPage(options.pages, `${error}: ${description}`.trim()));
      const suberror = params.get("suberror");
      const hint =
        error === "access_denied"
          ? "\nHint: the sign-in was cancelled or consent was refused. Sign in again and accept the requested permissions, or ask an administrator to grant consent."
          : "";
      settle.reject(
        new AuthenticationError(400, {
          error,
          errorDescription: `${description ? `The authorization server's error_description (its text, not azid's): ${description}` : "The authorization server redirected with an error."}${hint}`,
          ...(suberror !== null ? { suberror } : {}),
        }),
      );
      return;
    }
    held = response;
    settle.resolve({
      code: params.get("code")!,
      finish(outcome) {
        held = undefined;
        if (outcome.ok) answer(response, 200, successPage(options.pages));
        else answer(response, 200, errorPage(options.pages, outcome.details));
      },
    });
  };

  const server: Server = http.createServer({ maxHeaderSize: 16 * 1024, requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS }, onRequest);
  server.maxConnections = MAX_CONNECTIONS;
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new CredentialUnavailableError(
          error.code === "EADDRINUSE"
            ? `InteractiveBrowserCredential: port ${options.port} of the redirectUri is in use. Stop what listens there, or omit redirectUri (or its port) to use a free port.`
            : `InteractiveBrowserCredential: could not start the loopback server for the sign-in redirect (${error.code ?? error.message}).`,
          { cause: error },
        ),
      );
    });
    server.listen({ host: "127.0.0.1", port: options.port }, () => resolve());
  });
  server.unref();
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;

  return {
    redirectUri: `http://localhost:${port}${options.path === "/" ? "" : options.path}`,
    redirect,
    get ignoredRequests() {
      return ignored;
    },
    close(details = "The application stopped waiting for this sign-in.") {
      if (held !== undefined) answer(held, 200, errorPage(options.pages, details));
      held = undefined;
      if (!settled) {
        settled = true;
        settle.reject(new Error("loopback server closed"));
      }
      server.close();
      server.closeAllConnections();
    },
  };
}
