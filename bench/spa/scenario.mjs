// Benchmark scenario "spa" (issue 14, browser half): a single-page app signing its user in.
// (1) Bundle size, minified and gzipped, of an app that imports only InteractiveBrowserCredential,
// bundled by esbuild with the browser condition, beside @azure/identity's browser build (msal-browser)
// in the same run. (2) Time from page load to the first token with a cached session: each library's
// credential in real chromium (the test suite's launch: Debian's chromium, loopback only) signs in
// once by popup against the emulator with its session kept in sessionStorage, then the page is
// reloaded and `performance.now()` (ms since navigation start) is read when getToken resolves.
// bench/run.mjs lists `spaDefinition({ quick, log })`; `node bench/spa/scenario.mjs [--quick]` runs it alone
// (`--bundle-only`: just the bundle sizes, after `node scripts/build.mjs`).
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PACKAGES = { azid: "@azid/identity", azure: "@azure/identity" };
const SCOPE = "https://storage.azure.com/.default";

export function spaSettings(quick) {
  return { reloads: quick ? 3 : 15 };
}

/** The test SPA's script for one library: sign in on a click; with `bench-measure` set, time the first getToken of the page. */
function appSource(pkg) {
  return `import { InteractiveBrowserCredential } from "${pkg}";
const config = JSON.parse(document.getElementById("config").textContent);
const credential = new InteractiveBrowserCredential({ ...config.options, cacheLocation: "sessionStorage" });
window.bench = { signIn: () => credential.getToken(config.scope).then((t) => t.token.length) };
if (sessionStorage.getItem("bench-measure") !== null) {
  credential.getToken(config.scope).then(
    (t) => (window.bench.firstToken = { ms: performance.now(), length: t.token.length }),
    (e) => (window.bench.firstToken = { error: String(e && e.message) }),
  );
}`;
}

/** esbuild with the browser condition from the repository's node_modules: what an SPA's bundler does. */
async function bundle(pkg, minify) {
  const result = await build({
    stdin: { contents: appSource(pkg), resolveDir: ROOT, loader: "js" },
    bundle: true,
    minify,
    format: "esm",
    platform: "browser",
    conditions: ["browser"],
    target: "es2022",
    write: false,
    legalComments: "none",
    logLevel: "silent",
    define: { "process.env.NODE_ENV": '"production"' },
  });
  return result.outputFiles[0].contents;
}

export async function measureSpaBundles() {
  const sizes = {};
  for (const [lib, pkg] of Object.entries(PACKAGES)) {
    const code = await bundle(pkg, true);
    sizes[lib] = { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
  }
  return sizes;
}

/** The redirect page msal-browser 5 needs for popups (not part of the measured app bundle). */
async function bridgeScript() {
  const result = await build({
    stdin: {
      contents: 'import { broadcastResponseToMainFrame } from "@azure/msal-browser/redirect-bridge"; broadcastResponseToMainFrame();',
      resolveDir: ROOT,
      loader: "js",
    },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    conditions: ["browser"],
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0].contents;
}

/** Serves /azid and /azure, each page with its library's app; both paths are SPA redirect URIs of one app registration. */
async function serveApps(emu) {
  const scripts = { azid: await bundle(PACKAGES.azid, true), azure: await bundle(PACKAGES.azure, true), "azure-bridge": await bridgeScript() };
  const clientId = randomUUID();
  const tenantId = emu.config.tenants[0].id;
  let origin = "";
  const server = createServer((request, response) => {
    const [, lib, file] = new URL(request.url, "http://localhost").pathname.split("/");
    if (!(lib in scripts)) return void response.writeHead(404).end();
    if (file === "app.js") {
      response.writeHead(200, { "content-type": "text/javascript", "cache-control": "no-store" });
      return void response.end(scripts[lib]);
    }
    // msal-browser 5 hands a popup's response to the opener only from a page that runs its redirect bridge.
    const redirectUri = `${origin}/${lib === "azure" ? "azure-bridge" : lib}`;
    const options = { clientId, tenantId, authorityHost: emu.url, disableInstanceDiscovery: true, loginStyle: "popup", redirectUri };
    response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    response.end(`<!doctype html><meta charset="utf-8"><script type="application/json" id="config">${JSON.stringify({ options, scope: SCOPE })}</script>
<script type="module" src="/${lib}/app.js"></script><button id="sign-in" onclick="window.bench.signIn().then((n) => (window.signedIn = n), (e) => (window.signedIn = String(e)))">Sign in</button>`);
  });
  await new Promise((ready) => server.listen(0, "127.0.0.1", ready));
  origin = `http://localhost:${server.address().port}`;
  emu.config.tenants[0].apps.push({ clientId, displayName: "azid bench SPA", spaRedirectUris: [`${origin}/azid`, `${origin}/azure-bridge`] });
  return { origin, close: () => new Promise((closed) => server.close(closed)) };
}

/** Sign in once by popup, then `reloads` page loads timed to their first token (cached session). */
export async function measurePageLoadToToken(ctx, settings) {
  const { DEFAULT_USERNAME, DEFAULT_PASSWORD } = await import("@azid/emulator");
  const { tsImport } = await import("tsx/esm/api");
  const browser = await tsImport("../../packages/identity/test/support/browser.ts", import.meta.url);
  const apps = await serveApps(ctx.emu);
  const session = await browser.launchChromium([await browser.serverKeyPin(ctx.emu.url, ctx.emu.caCertPem)]);
  const results = {};
  try {
    for (const lib of Object.keys(PACKAGES)) {
      const page = await session.context.newPage();
      await page.goto(`${apps.origin}/${lib}`);
      await page.waitForFunction(() => window.bench !== undefined);
      const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("#sign-in")]);
      await popup.click(`button.account[value="${DEFAULT_USERNAME}"]`);
      await popup.fill("#password", DEFAULT_PASSWORD);
      await popup.click("#sign-in");
      await page
        .waitForFunction(() => window.signedIn !== undefined, undefined, { timeout: 30_000 })
        .catch(async (error) => {
          throw new Error(`${lib}: no token after the popup sign-in (popup at ${popup.isClosed() ? "closed" : popup.url()}): ${error.message}`);
        });
      const signedIn = await page.evaluate(() => window.signedIn);
      if (typeof signedIn !== "number") throw new Error(`${lib}: the popup sign-in failed: ${signedIn}`);
      await page.evaluate(() => sessionStorage.setItem("bench-measure", "1"));
      const samples = [];
      let tokenRequests = 0;
      for (let i = 0; i <= settings.reloads; i++) {
        const before = ctx.emu.requests.filter((r) => r.route === "token" && r.method === "POST").length;
        await page.reload();
        await page.waitForFunction(() => window.bench?.firstToken !== undefined, undefined, { timeout: 30_000 });
        const first = await page.evaluate(() => window.bench.firstToken);
        if (first.error !== undefined || !(first.length > 0)) throw new Error(`${lib}: no token after a reload: ${first.error}`);
        if (i > 0) samples.push(first.ms); // the first reload warms the HTTP cache and the JIT
        if (i > 0) tokenRequests += ctx.emu.requests.filter((r) => r.route === "token" && r.method === "POST").length - before;
      }
      samples.sort((a, b) => a - b);
      results[lib] = { medianMs: samples[Math.floor(samples.length / 2)], samples, tokenRequestsPerLoad: tokenRequests / settings.reloads };
      await page.close();
    }
  } finally {
    await session.close();
    await apps.close();
  }
  return results;
}

export function spaDefinition({ quick, log }) {
  const settings = spaSettings(quick);
  return {
    id: "spa",
    title: "12. Browser SPA: InteractiveBrowserCredential bundle and page load to first token",
    needsEmulator: true,
    async run(ctx) {
      const bundles = await measureSpaBundles();
      const pageLoad = await measurePageLoadToToken(ctx, settings);
      log?.(
        `spa: bundle ${bundles.azid.gzipped} B gz vs ${bundles.azure.gzipped} B; page load to token ${pageLoad.azid.medianMs.toFixed(1)} vs ${pageLoad.azure.medianMs.toFixed(1)} ms`,
      );
      return { details: { settings, bundles, pageLoad }, rows: spaRows(bundles, pageLoad) };
    },
    howMeasured:
      "Bundle: `import { InteractiveBrowserCredential } from <package>` plus the few lines of a sign-in page, bundled by esbuild (minify, ESM, es2022, platform browser, " +
      "the browser condition, NODE_ENV=production) from the repository's node_modules; gzip level 9. @azure/identity's browser build carries @azure/msal-browser. " +
      "Page load to first token: Debian's chromium (headless, loopback only, launched as the browser tests launch it) loads each library's page from a loopback server; " +
      "the user signs in once by popup on the emulator (an app registration with the pages as SPA redirect URIs; azid with cacheLocation 'sessionStorage', " +
      "@azure/identity with its default, sessionStorage), then the page is reloaded and `performance.now()` (ms since navigation start) is read when the page's first " +
      `getToken resolves; median of ${settings.reloads} reloads after one warm-up. azid keeps only the refresh token in sessionStorage (never access tokens), so each ` +
      "load redeems it (one token request, cross-origin with a preflight); msal-browser keeps access tokens there too and answers from storage.",
  };
}

export function spaRows(bundles, pageLoad) {
  const kb = (bytes) => Number((bytes / 1024).toFixed(1));
  return [
    {
      label: "browser: app importing only InteractiveBrowserCredential, KB minified + gzipped",
      azid: kb(bundles.azid.gzipped),
      azure: kb(bundles.azure.gzipped),
      target: { op: "<=", value: Number((kb(bundles.azure.gzipped) / 5).toFixed(1)), text: "≤ 1/5 of @azure/identity's" },
      headline: true,
    },
    { label: "  minified, KB", azid: kb(bundles.azid.minified), azure: kb(bundles.azure.minified) },
    {
      label: "page load → first token, cached session (sessionStorage), median ms",
      azid: Number(pageLoad.azid.medianMs.toFixed(1)),
      azure: Number(pageLoad.azure.medianMs.toFixed(1)),
    },
    {
      label: "  token requests per page load (POST; CORS preflights not counted)",
      azid: pageLoad.azid.tokenRequestsPerLoad,
      azure: pageLoad.azure.tokenRequestsPerLoad,
      ratio: false,
    },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes("--quick");
  const bundles = await measureSpaBundles();
  console.log(JSON.stringify(bundles));
  if (process.argv.includes("--bundle-only")) process.exit(0);
  const { startEmulator } = await import("@azid/emulator");
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const emu = await startEmulator({ dataDir: mkdtempSync(join(tmpdir(), "azid-bench-spa-")), host: "127.0.0.1" });
  try {
    const pageLoad = await measurePageLoadToToken({ emu }, spaSettings(quick));
    console.log(JSON.stringify(pageLoad));
    for (const row of spaRows(bundles, pageLoad)) console.log(`${row.label.padEnd(80)} ${row.azid}   ${row.azure}`);
  } finally {
    await emu.close();
  }
}
