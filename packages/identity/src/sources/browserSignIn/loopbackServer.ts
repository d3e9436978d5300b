// The loopback redirect listener of the browser sign-in (RFC 8252 7.3; protocols.md 1.6). It is
// listening before the browser opens (net#50089), accepts exactly one redirect carrying our
// `state`, ignores everything else (favicon, probes), and keeps the browser's request open until
// the code has been redeemed, so the page shown reflects the real outcome (msal-js#5749).
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { AuthenticationError, CredentialUnavailableError } from "../../core/errors.js";
import { errorPage, successPage, type BrowserCustomizationOptions } from "./pages.js";

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
}

export interface LoopbackOptions {
  /** 0 for an ephemeral port. */
  port: number;
  /** The redirect path, "/" unless the caller's redirectUri names one. */
  path: string;
  state: string;
  pages: BrowserCustomizationOptions | undefined;
}

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
    // An error redirect without a state can only cancel the sign-in; a code always needs our state.
    if (state !== options.state && !(error !== null && state === null)) {
      settled = true;
      answer(response, 400, errorPage(options.pages, "The sign-in response does not belong to this sign-in attempt (state mismatch) and was refused."));
      settle.reject(
        new AuthenticationError(0, {
          error: "state_mismatch",
          errorDescription:
            "The redirect's 'state' does not match the one this sign-in sent: it came from another attempt (an old browser tab) or was forged, so it was refused. Sign in again.",
        }),
      );
      return;
    }
    settled = true;
    if (error !== null) {
      const description = params.get("error_description") ?? "";
      answer(response, 200, errorPage(options.pages, `${error}: ${description}`.trim()));
      const suberror = params.get("suberror");
      const hint =
        error === "access_denied"
          ? "\nHint: the sign-in was cancelled or consent was refused. Sign in again and accept the requested permissions, or ask an administrator to grant consent."
          : "";
      settle.reject(
        new AuthenticationError(400, {
          error,
          errorDescription: `${description || "The authorization server redirected with an error."}${hint}`,
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

  const server: Server = http.createServer(onRequest);
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
