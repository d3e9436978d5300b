// Scenario 5: what `npm install <library>` brings into node_modules.
//  - @azid/identity: `npm pack --dry-run --json` of packages/identity (exactly the published files),
//    plus the closure of its `dependencies`, if it ever gains any.
//  - @azure/identity: the production dependency closure, resolved from
//    node_modules/@azure/identity/package.json the way Node resolves it (nearest node_modules first),
//    counting each name@version once and summing its file sizes (its own nested node_modules
//    excluded: those packages are counted as packages of their own).
import { execFile } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { childEnv, hasGuard, ROOT, runNode } from "./proc.mjs";

function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Apparent size (sum of file sizes) and allocated size of a directory, skipping node_modules. */
function directorySize(dir) {
  let bytes = 0;
  let allocated = lstatSync(dir).blocks * 512; // the directory itself, as du counts it
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = directorySize(full);
      bytes += inner.bytes;
      allocated += inner.allocated;
      files += inner.files;
    } else if (entry.isFile()) {
      const stat = lstatSync(full);
      bytes += stat.size;
      allocated += stat.blocks * 512;
      files += 1;
    }
  }
  return { bytes, allocated, files };
}

function resolvePackageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/** Every installed package reachable through dependencies (+ installed optional/peer ones). */
export function dependencyClosure(rootDir, { includeRoot }) {
  const seen = new Map();
  const missing = [];
  const visit = (dir) => {
    if (seen.has(dir)) return;
    const manifest = readJson(join(dir, "package.json"));
    seen.set(dir, manifest);
    const required = Object.keys(manifest.dependencies ?? {});
    const optional = Object.keys(manifest.optionalDependencies ?? {});
    const peers = Object.keys(manifest.peerDependencies ?? {}).filter((name) => manifest.peerDependenciesMeta?.[name]?.optional !== true);
    for (const name of new Set([...required, ...optional, ...peers])) {
      const resolved = resolvePackageDir(name, dir);
      if (resolved !== undefined) visit(resolved);
      else if (required.includes(name)) missing.push(`${manifest.name} -> ${name}`);
    }
  };
  visit(realpathSync(rootDir));
  if (!includeRoot) seen.delete(realpathSync(rootDir));
  let bytes = 0;
  let allocated = 0;
  let files = 0;
  const packages = [];
  // The same name@version can sit in several nested node_modules of this workspace (hoisting
  // conflicts with other dev dependencies); a clean install of the library dedupes it to one copy.
  const unique = new Set();
  for (const [dir, manifest] of seen) {
    const id = `${manifest.name}@${manifest.version}`;
    if (unique.has(id)) continue;
    unique.add(id);
    const size = directorySize(dir);
    bytes += size.bytes;
    allocated += size.allocated;
    files += size.files;
    packages.push({ name: manifest.name, version: manifest.version, bytes: size.bytes });
  }
  packages.sort((a, b) => b.bytes - a.bytes);
  return { packages, bytes, allocated, files, missing, copies: seen.size };
}

function npmPackDryRun(dir) {
  const npmCli = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : undefined;
  const command = npmCli ? process.execPath : process.platform === "win32" ? "npm.cmd" : "npm";
  const args = [...(npmCli ? [npmCli] : []), "pack", "--dry-run", "--json", "--ignore-scripts", "--offline", "--no-update-notifier", "--no-fund", "--no-audit"];
  const guard = fileURLToPath(new URL("../../scripts/network-guard.mjs", import.meta.url));
  const env = childEnv({ npm_config_update_notifier: "false", npm_config_offline: "true" });
  if (hasGuard()) env.NODE_OPTIONS = `--import ${pathToFileURL(guard).href}`;
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: dir, env, timeout: 60_000, maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`npm pack --dry-run in ${dir} failed: ${error.message}\n${stderr}`));
      try {
        const start = stdout.indexOf("[");
        resolve(JSON.parse(stdout.slice(start))[0]);
      } catch (parseError) {
        reject(new Error(`npm pack --dry-run printed no JSON: ${parseError.message}\n${stdout.slice(0, 500)}`));
      }
    });
  });
}

export async function measureFootprint() {
  // azid: the published tarball's contents, plus whatever its dependencies would bring.
  const azidDir = join(ROOT, "packages/identity");
  const manifest = readJson(join(azidDir, "package.json"));
  const pack = await npmPackDryRun(azidDir);
  const packBytes = pack.files.reduce((sum, file) => sum + file.size, 0);
  const packAllocated = pack.files.reduce((sum, file) => sum + lstatSync(join(azidDir, file.path)).blocks * 512, 0);
  if (!pack.files.some((file) => /^dist\/(esm|cjs)\/index\.js$/.test(file.path))) {
    throw new Error(`npm pack of @azid/identity contains no dist/*/index.js; was it built? (${pack.files.length} files)`);
  }
  const azidDeps = dependencyClosure(azidDir, { includeRoot: false });
  const azid = {
    packages: 1 + azidDeps.packages.length,
    bytes: packBytes + azidDeps.bytes,
    allocatedBytes: packAllocated + azidDeps.allocated,
    files: pack.files.length + azidDeps.files,
    tarballBytes: pack.size,
    dependencies: Object.keys(manifest.dependencies ?? {}),
    dependencyPackages: azidDeps.packages,
  };

  // @azure/identity: its installed production closure.
  const azureDir = resolvePackageDir("@azure/identity", ROOT);
  if (azureDir === undefined) throw new Error("node_modules/@azure/identity is not installed (npm ci)");
  const closure = dependencyClosure(azureDir, { includeRoot: true });
  const azure = {
    packages: closure.packages.length,
    bytes: closure.bytes,
    allocatedBytes: closure.allocated,
    installedCopies: closure.copies,
    files: closure.files,
    version: readJson(join(azureDir, "package.json")).version,
    largest: closure.packages.slice(0, 8).map((p) => `${p.name}@${p.version} ${(p.bytes / 2 ** 20).toFixed(1)} MB`),
    unresolved: closure.missing,
  };
  return { azid, azure };
}

// What a process compiles: the bytes of JavaScript files a CommonJS process has loaded (require.cache,
// node's own modules excluded) after `require()` of the library and, for azid, after a
// ClientSecretCredential's first token from a loopback token endpoint in the same process (plain http is
// allowed to loopback). The lazy chunk (developer tools, sign-in, doctor) must not be among them.
const FIRST_TOKEN_PROBE = `
const { statSync } = require("node:fs");
const http = require("node:http");
const specifier = process.argv[1];
const before = new Set(Object.keys(require.cache));
const loaded = () => Object.keys(require.cache).filter((f) => !before.has(f));
const bytes = (files) => files.reduce((sum, f) => sum + statSync(f).size, 0);
const lib = require(specifier);
const atRequire = loaded();
const out = { requireBytes: bytes(atRequire), requireFiles: atRequire.length };
if (process.argv[2] !== "token") {
  console.log("@@BENCH_RESULT@@ " + JSON.stringify(out));
} else {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ token_type: "Bearer", expires_in: 3600, access_token: "header.payload.signature" }));
    });
  });
  server.listen(0, "127.0.0.1", async () => {
    const credential = new lib.ClientSecretCredential("72f988bf-86f1-41af-91ab-2d7cd011db47", "3f6a2b1c-8d4e-4f5a-9b6c-7d8e9f0a1b2c", "bench-secret", {
      authorityHost: "http://127.0.0.1:" + server.address().port,
      disableInstanceDiscovery: true,
    });
    const token = await credential.getToken("https://management.azure.com/.default");
    if (token.token !== "header.payload.signature") throw new Error("unexpected token");
    const files = loaded();
    out.firstTokenBytes = bytes(files);
    out.firstTokenFiles = files.map((f) => f.slice(f.lastIndexOf("/dist/") + 1));
    server.close();
    console.log("@@BENCH_RESULT@@ " + JSON.stringify(out));
  });
}`;

export async function measureJsLoaded() {
  const run = async (specifier, mode) =>
    (await runNode(["-e", FIRST_TOKEN_PROBE, specifier, mode], { env: childEnv(), timeoutMs: 30_000, label: `JS loaded: ${specifier} (${mode})` })).result;
  const azid = await run("@azid/identity", "token");
  const azure = await run("@azure/identity", "require");
  return { azid, azure };
}
