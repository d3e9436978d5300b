// `npm run pack` and using azid from another project: the tarballs scripts/pack.mjs writes install
// offline into an empty project (they depend on nothing but each other), and the installed packages
// work there: @azid/emulator starts, @azid/identity (ESM and CommonJS) gets a token from it, and the
// installed `azid` binary runs. Needs the built dist (npm test builds first).
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";

const ROOT = resolve(import.meta.dirname, "../../..");
const work = mkdtempSync(join(tmpdir(), "azid-pack-"));
const tarballs = join(work, "tarballs");
const project = join(work, "consumer");

/** The test runner's environment without its TypeScript loader and source condition (the network guard stays). */
function consumerEnv(): NodeJS.ProcessEnv {
  const nodeOptions = (process.env.NODE_OPTIONS ?? "")
    .replace(/--import[= ]tsx\b/, "")
    .replace(/--conditions=\S+/, "")
    .trim();
  return { ...process.env, NODE_OPTIONS: nodeOptions, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
}

let packOutput = "";

before(() => {
  packOutput = execFileSync(process.execPath, [join(ROOT, "scripts/pack.mjs"), "--out", tarballs], { cwd: ROOT, encoding: "utf8", env: consumerEnv() });
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "azid-consumer", private: true, type: "module" }));
  const core = ["azid-identity-0.1.0.tgz", "azid-emulator-0.1.0.tgz", "azid-0.1.0.tgz"].map((name) => join(tarballs, name));
  // --offline: nothing may come from a registry; the tarballs must be self-sufficient.
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", ...core], { cwd: project, encoding: "utf8", env: consumerEnv(), stdio: "pipe" });
});

after(() => rmSync(work, { recursive: true, force: true }));

describe("npm run pack", () => {
  it("writes a tarball for each publishable package and says how to install them", () => {
    const files = readdirSync(tarballs).sort();
    for (const name of ["azid-0.1.0.tgz", "azid-emulator-0.1.0.tgz", "azid-identity-0.1.0.tgz"])
      assert.ok(files.includes(name), `${name} in ${files.join(", ")}`);
    assert.match(packOutput, /Install them into another project:\n {2}npm install /);
  });

  it("installed into an empty project: the emulator starts and @azid/identity gets a token from it, as ESM and CommonJS", () => {
    writeFileSync(
      join(project, "app.mjs"),
      `import { createRequire } from "node:module";
import { ClientSecretCredential } from "@azid/identity";
import { startEmulator, DEFAULT_TENANT_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from "@azid/emulator";
const emu = await startEmulator({ dataDir: ${JSON.stringify(join(work, "emulator-data"))} });
try {
  const options = { authorityHost: emu.url, disableInstanceDiscovery: true, tlsOptions: { ca: emu.caCertPem } };
  const token = await new ClientSecretCredential(DEFAULT_TENANT_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, options).getToken("https://storage.azure.com/.default");
  const cjs = createRequire(import.meta.url)("@azid/identity");
  const viaRequire = await new cjs.ClientSecretCredential(DEFAULT_TENANT_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, options).getToken("https://vault.azure.net/.default");
  console.log(JSON.stringify({ esm: emu.decodeToken(token.token).payload.aud, cjs: emu.decodeToken(viaRequire.token).payload.aud }));
} finally {
  await emu.close();
}
`,
    );
    const result = spawnSync(process.execPath, ["app.mjs"], { cwd: project, encoding: "utf8", env: consumerEnv(), timeout: 60_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { esm: "https://storage.azure.com", cjs: "https://vault.azure.net" });
  });

  it("the installed azid binary runs", () => {
    const result = spawnSync(process.execPath, [join(project, "node_modules/azid/bin/azid.js"), "token", "--help"], {
      cwd: project,
      encoding: "utf8",
      env: consumerEnv(),
      timeout: 30_000,
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Usage: azid token --scope SCOPE/);
  });
});
