// `npm run pack`: the publishable packages as npm tarballs, for using azid from another project
// before it is on a registry: `npm install /path/to/azid-identity-0.1.0.tgz ...`. Run after the
// build (`npm run pack` builds first). @azid/cache-redis and @azid/cache-persistence are packed when
// they have been built; the core three always are.
//
// Usage: node scripts/pack.mjs [--out DIR]   (default DIR: dist/packages/, ignored by git)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
/** Dependencies first, so the list reads in install order. */
const CORE = ["packages/identity", "packages/emulator", "packages/cli"];
const OPTIONAL = ["packages/cache-redis", "packages/cache-persistence"];

const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
if (args.length > 0 && (outIndex !== 0 || args.length !== 2)) {
  console.error("Usage: node scripts/pack.mjs [--out DIR]");
  process.exit(2);
}
const out = resolve(outIndex === 0 ? args[1] : join(ROOT, "dist", "packages"));
mkdirSync(out, { recursive: true });

const packed = [];
for (const dir of [...CORE, ...OPTIONAL]) {
  const manifest = JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8"));
  const entry = manifest.exports?.["."]?.default ?? manifest.exports?.["."]?.import?.default ?? manifest.bin?.azid?.replace("bin/azid.js", "dist/esm/main.js");
  const built = entry !== undefined && existsSync(join(ROOT, dir, entry));
  if (!built) {
    if (CORE.includes(dir)) {
      console.error(`${manifest.name} is not built (${join(dir, entry ?? "dist")} is missing): run node scripts/build.mjs first`);
      process.exit(1);
    }
    console.log(`skipped ${manifest.name}: not built`);
    continue;
  }
  // npm pack honours each package's "files"; --json names the tarball it wrote.
  const result = JSON.parse(execFileSync("npm", ["pack", join(ROOT, dir), "--pack-destination", out, "--json", "--silent"], { cwd: ROOT, encoding: "utf8" }));
  const file = join(out, result[0].filename);
  packed.push(file);
  console.log(`${manifest.name}@${manifest.version}  ${file}  (${result[0].entryCount} files, ${(result[0].size / 1024).toFixed(0)} KiB)`);
}
console.log(`\nInstall them into another project:\n  npm install ${packed.map((file) => JSON.stringify(file)).join(" ")}`);
