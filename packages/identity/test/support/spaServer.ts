// Serves the test SPA (support/spa/app.mjs) from loopback: its page, its script bundled with esbuild
// exactly as scripts/webBuild.mjs bundles the `browser` build (.browser.ts/.web.ts variants, no Node
// built-ins: a leak fails here), and a small API that answers only a bearer token the emulator
// signed for the expected audience. The app's origin is http://localhost:<port>, registered as the
// SPA redirect URI of its own app registration in the emulator.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Emulator } from "@azid/emulator";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../../../..");

export interface SpaServer {
  /** http://localhost:<port>: the page, and its registered SPA redirect URI */
  origin: string;
  clientId: string;
  /** bytes of the bundled app script (unminified) */
  scriptBytes: number;
  /** requests that reached /api/whoami, with the answer given */
  apiCalls: Array<{ status: number; upn?: string }>;
  close(): Promise<void>;
}

interface WebBuildModule {
  webBuildOptions(variants: string[]): Record<string, unknown>;
  nodeLeaks(result: unknown, code: string): string[];
}

/** Bundles the app as the browser build is bundled; throws if it would need Node. */
export async function bundleSpa(options: { minify?: boolean } = {}): Promise<string> {
  const { build } = await import("esbuild");
  const web = (await import(pathToFileURL(join(ROOT, "scripts/webBuild.mjs")).href)) as WebBuildModule;
  const result = await build({
    ...web.webBuildOptions([".browser.ts", ".web.ts"]),
    entryPoints: [join(HERE, "spa/app.mjs")],
    write: false,
    minify: options.minify === true,
  } as Parameters<typeof build>[0]);
  const text = result.outputFiles![0]!.text;
  const leaks = web.nodeLeaks(result, text);
  if (leaks.length > 0) throw new Error(`the SPA bundle would need Node:\n${leaks.join("\n")}`);
  return text;
}

/** Registers a SPA app in the emulator's first tenant and serves the app for it. `audience`: what the API accepts. */
export async function startSpaServer(emu: Emulator, audience: string): Promise<SpaServer> {
  const script = await bundleSpa();
  const clientId = randomUUID();
  const apiCalls: SpaServer["apiCalls"] = [];
  let origin = "";
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path === "/app.js") {
      response.writeHead(200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-store" });
      response.end(script);
      return;
    }
    if (path === "/api/whoami") {
      const answer = whoami(emu, request.headers.authorization, audience);
      apiCalls.push({ status: answer.status, ...(answer.upn === undefined ? {} : { upn: answer.upn }) });
      response.writeHead(answer.status, { "content-type": "application/json" });
      response.end(JSON.stringify(answer));
      return;
    }
    if (path === "/favicon.ico") {
      response.writeHead(404).end();
      return;
    }
    const config = JSON.stringify({ clientId, tenantId: emu.config.tenants[0]!.id, authorityHost: emu.url });
    response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    response.end(`<!doctype html><html><head><meta charset="utf-8"><title>azid SPA</title>
<script type="application/json" id="config">${config}</script><script type="module" src="/app.js"></script></head>
<body><input id="scope" value="${audience}/.default"><button id="sign-in">Sign in</button></body></html>`);
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as { port: number };
  origin = `http://localhost:${port}`;
  emu.config.tenants[0]!.apps.push({ clientId, displayName: "azid test SPA", spaRedirectUris: [origin] });
  return {
    origin,
    clientId,
    scriptBytes: script.length,
    apiCalls,
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}

/** The API's check: a token the emulator signed (signature verified), for this API's audience. */
function whoami(emu: Emulator, authorization: string | undefined, audience: string): { status: number; upn?: string; error?: string } {
  const token = authorization?.startsWith("Bearer ") ? authorization.slice(7) : undefined;
  if (token === undefined) return { status: 401, error: "no bearer token" };
  try {
    const { payload } = emu.decodeToken(token);
    if (payload.aud !== audience) return { status: 403, error: `token for ${String(payload.aud)}` };
    return { status: 200, upn: String(payload.upn) };
  } catch (error) {
    return { status: 401, error: (error as Error).message };
  }
}
