// Benchmark scenario "web" (issue 14): what the web builds cost and how fast they serve a cached
// token. (1) Bundle size, minified and gzipped, of an app that imports only ClientSecretCredential,
// bundled by esbuild for the browser and for workerd, beside @azure/identity's browser build in the
// same run. (2) A cached getToken inside real workerd (miniflare), the worker's credential filled once
// from the emulator. bench/run.mjs lists `webDefinition({ quick, log })`; `node bench/web/scenario.mjs
// [--quick]` runs it alone (it starts its own emulator) and prints the rows.
import { readFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export function webSettings(quick) {
  return quick ? { loopCalls: 20_000, reps: 3 } : { loopCalls: 200_000, reps: 7 };
}

/** Minified and gzipped size of `source` bundled from the repository root with `conditions`. */
async function bundleSize(source, platform, conditions) {
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform,
    conditions,
    target: "es2022",
    write: false,
    legalComments: "none",
    logLevel: "silent",
    define: { "process.env.NODE_ENV": '"production"' },
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
}

export async function measureBundles() {
  const app = (pkg) => `import { ClientSecretCredential } from "${pkg}"; globalThis.credential = ClientSecretCredential;`;
  return {
    azidBrowser: await bundleSize(app("@azid/identity"), "browser", ["browser"]),
    azidWorkerd: await bundleSize(app("@azid/identity"), "neutral", ["workerd", "worker", "browser"]),
    azureBrowser: await bundleSize(app("@azure/identity"), "browser", ["browser"]),
    azureWorkerd: await bundleSize(app("@azure/identity"), "neutral", ["workerd", "worker", "browser"]).catch((error) => ({
      error: error.message.split("\n")[0],
    })),
  };
}

const WORKER = `
import { ClientSecretCredential } from "./azid.mjs";
let credential;
export default {
  async fetch(request, env) {
    credential ??= new ClientSecretCredential(env.TENANT, env.CLIENT_ID, env.SECRET, { authorityHost: env.AUTHORITY, disableInstanceDiscovery: true });
    const n = Number(new URL(request.url).searchParams.get("n"));
    let token = await credential.getToken(env.SCOPE);
    for (let i = 0; i < n; i++) token = await credential.getToken(env.SCOPE);
    return new Response(token.token.length > 0 ? "ok" : "empty");
  },
};`;

/** Cached getToken in workerd: the wall time of a request looping n calls, minus one looping none, over n. */
export async function measureWorkerd({ identity, caCertPath }, settings) {
  const { Miniflare, Response: MiniflareResponse } = await import("miniflare");
  const ca = readFileSync(caCertPath, "utf8");
  let tokenRequests = 0;
  const forward = async (request) => {
    const url = new URL(request.url);
    if (url.hostname !== "127.0.0.1") return new MiniflareResponse("loopback only", { status: 599 });
    if (url.pathname.endsWith("/token")) tokenRequests++;
    const body = request.method === "GET" ? undefined : Buffer.from(await request.arrayBuffer());
    const headers = Object.fromEntries(request.headers);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, { method: request.method, headers, ca }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve(new MiniflareResponse(Buffer.concat(chunks), { status: res.statusCode, headers: res.headers })));
      });
      req.on("error", reject);
      req.end(body);
    });
  };
  const mf = new Miniflare({
    modules: [
      { type: "ESModule", path: "worker.mjs", contents: WORKER },
      { type: "ESModule", path: "azid.mjs", contents: readFileSync(join(ROOT, "packages/identity/dist/web/index.js"), "utf8") },
    ],
    compatibilityDate: "2025-01-01",
    bindings: {
      AUTHORITY: identity.authorityHost,
      TENANT: identity.tenantId,
      CLIENT_ID: identity.clientId,
      SECRET: identity.clientSecret,
      SCOPE: "https://storage.azure.com/.default",
    },
    outboundService: forward,
    cf: false,
  });
  try {
    const time = async (n) => {
      const t0 = process.hrtime.bigint();
      const response = await mf.dispatchFetch(`http://worker.test/?n=${n}`);
      if ((await response.text()) !== "ok") throw new Error("the worker got no token");
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    await time(0);
    await time(settings.loopCalls); // warm the JIT
    const empty = [];
    const loops = [];
    for (let i = 0; i < settings.reps; i++) {
      empty.push(await time(0));
      loops.push(await time(settings.loopCalls));
    }
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const perCallUs = ((median(loops) - median(empty)) * 1000) / settings.loopCalls;
    return { perCallUs, emptyRequestMs: median(empty), loopRequestMs: median(loops), tokenRequests };
  } finally {
    await mf.dispose();
  }
}

export function webDefinition({ quick, log }) {
  const s = webSettings(quick);
  return {
    id: "web",
    title: "11. Web builds: bundle size and workerd",
    needsEmulator: true,
    async run(ctx) {
      const bundles = await measureBundles();
      const workerd = await measureWorkerd(ctx, s);
      log?.(
        `web: browser bundle ${bundles.azidBrowser.gzipped} B gz vs ${bundles.azureBrowser.gzipped} B; workerd cached getToken ${workerd.perCallUs.toFixed(2)} µs`,
      );
      return { details: { settings: s, bundles, workerd }, rows: webRows(bundles, workerd) };
    },
    howMeasured:
      "Bundle: `import { ClientSecretCredential } from <package>` bundled by esbuild (minify, ESM, es2022, NODE_ENV=production) from the repository's node_modules, " +
      "with the browser condition (platform browser) and with wrangler's conditions (workerd, worker, browser); gzip level 9. @azure/identity's workerd build imports Node built-ins (child_process, node:crypto, node:fs/promises) and bundles only with wrangler's nodejs_compat flag, so it has no size here. " +
      `workerd: a Worker (the workerd build, dist/web/index.js) in miniflare's workerd; one request fills its ClientSecretCredential from the emulator (outbound through miniflare's outboundService, loopback only), ` +
      `then requests loop ${s.loopCalls.toLocaleString("en-US")} awaited getToken calls; the per-call time is (median request with the loop − median request without) / calls, ${s.reps} of each, ` +
      "because workerd's own clocks stand still while a request computes. @azure/identity is not run in workerd here.",
  };
}

function webRows(b, w) {
  const kb = (bytes) => Number((bytes / 1024).toFixed(1));
  return [
    { label: "browser: app importing only ClientSecretCredential, KB minified + gzipped", azid: kb(b.azidBrowser.gzipped), azure: kb(b.azureBrowser.gzipped) },
    { label: "  minified, KB", azid: kb(b.azidBrowser.minified), azure: kb(b.azureBrowser.minified) },
    {
      label: "workerd (wrangler's conditions): the same app, KB minified + gzipped",
      azid: kb(b.azidWorkerd.gzipped),
      azure: b.azureWorkerd.error ? "needs nodejs_compat" : kb(b.azureWorkerd.gzipped),
    },
    { label: "workerd: cached getToken, µs per call", azid: Number(w.perCallUs.toFixed(3)), azure: "not run", ratio: false },
    { label: "  token requests to the emulator during the whole workerd run", azid: w.tokenRequests, azure: "", ratio: false },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes("--quick");
  const bundles = await measureBundles();
  console.log(JSON.stringify(bundles));
  const { startEmulator, DEFAULT_TENANT_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } = await import("@azid/emulator");
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const emu = await startEmulator({ dataDir: mkdtempSync(join(tmpdir(), "azid-bench-web-")), host: "127.0.0.1" });
  try {
    const identity = { tenantId: DEFAULT_TENANT_ID, clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET, authorityHost: emu.url };
    const workerd = await measureWorkerd({ identity, caCertPath: emu.caCertPath }, webSettings(quick));
    for (const row of webRows(bundles, workerd)) console.log(`${row.label.padEnd(80)} ${row.azid}   ${row.azure}`);
  } finally {
    await emu.close();
  }
}
