// A development server for the single-page app in app.mjs: bundles it with esbuild for the browser
// (azid's browser build: fetch and Web Crypto, no Node) and serves it on http://localhost:PORT. In
// production any static host serves the same two files.
// Configuration (environment):
//   AZURE_CLIENT_ID       an app registration with http://localhost:PORT as a "Single-page
//                         application" redirect URI (public client, no secret)
//   AZURE_TENANT_ID       your tenant (default "organizations")
//   AZURE_SCOPE           default https://storage.azure.com/.default
//   AZURE_AUTHORITY_HOST  only for a sovereign cloud, Azure Stack or the emulator
//   PORT                  default 3000
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const bundle = await build({
  entryPoints: [fileURLToPath(new URL("./app.mjs", import.meta.url))],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  write: false,
  logLevel: "warning",
});
const script = bundle.outputFiles[0].text;

const config = {
  clientId: process.env.AZURE_CLIENT_ID,
  tenantId: process.env.AZURE_TENANT_ID ?? "organizations",
  scope: process.env.AZURE_SCOPE ?? "https://storage.azure.com/.default",
  authorityHost: process.env.AZURE_AUTHORITY_HOST,
};
// `<` escaped so no value can close the script element.
const page = `<!doctype html>
<html>
  <head>
    <meta charset="utf-8" />
    <title>azid single-page app sample</title>
    <script type="application/json" id="config">${JSON.stringify(config).replace(/</g, "\\u003c")}</script>
    <script type="module" src="/app.js"></script>
  </head>
  <body>
    <button id="sign-in">Sign in</button>
    <p id="result"></p>
  </body>
</html>
`;

const server = createServer((request, response) => {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  if (path === "/app.js") {
    response.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(script);
  } else if (path === "/") {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
  } else {
    response.writeHead(404).end();
  }
});
server.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => {
  console.log(`listening on http://localhost:${server.address().port} (${script.length} bytes of script)`);
});
process.once("SIGTERM", () => server.close());
