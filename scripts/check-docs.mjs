// `node scripts/check-docs.mjs`: fails when the documentation has a hole.
//   1. TypeDoc over packages/identity/src/index.ts with `notDocumented` and `invalidLink` validation,
//      warnings treated as errors: every public export (and each of its members) needs a doc comment,
//      and every {@link} must resolve. Nothing is written (--emit none).
//   2. The guides: every relative link in README.md, docs/**/*.md (docs/api excepted) and
//      samples/**/*.md must name an existing file, and every #fragment an anchor that exists there
//      (an explicit <a id="..."> or a heading's GitHub slug).
//   3. The error messages: every `troubleshoot("anchor")` call and every `troubleshooting.md#anchor`
//      in packages/*/src must name an anchor of docs/troubleshooting.md (errors link there).
// Runs in `npm test` (after check-layers); offline, a few seconds (TypeDoc without emitting).
// Options: --summary prints only the counts (per export) instead of every TypeDoc warning;
//          --links-only skips step 1 (TypeDoc), for a quick check of the guides.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

// --root=<dir>: check another tree (the test of this script points it at a small fixture).
const rootArg = process.argv.find((arg) => arg.startsWith("--root="));
const root = rootArg ? resolve(rootArg.slice("--root=".length)) : resolve(dirname(fileURLToPath(import.meta.url)), "..");
const summaryOnly = process.argv.includes("--summary");
const linksOnly = process.argv.includes("--links-only");
let failed = false;

// 1. API reference
if (!linksOnly) checkApiReference();

function checkApiReference() {
  const typedoc = join(dirname(createRequire(import.meta.url).resolve("typedoc/package.json")), "bin", "typedoc");
  const run = spawnSync(
    process.execPath,
    [
      typedoc,
      "--options",
      join(root, "typedoc.json"),
      "--emit",
      "none",
      "--validation.notDocumented",
      "--validation.invalidLink",
      "--treatValidationWarningsAsErrors",
    ],
    {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    },
  );
  const output = `${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, "");
  const undocumented = [...output.matchAll(/^\[warning\] (\S+) \((\w+)\), defined in .* does not have any documentation$/gm)].map((m) => ({
    name: m[1],
    kind: m[2],
  }));
  const otherProblems = output
    .split("\n")
    .filter((line) => /^\[(warning|error)\]/.test(line) && !/does not have any documentation|Found \d+ errors/.test(line));
  const byExport = new Map();
  for (const { name } of undocumented) {
    const top = name.split(".")[0];
    byExport.set(top, (byExport.get(top) ?? 0) + 1);
  }
  const topLevel = undocumented.filter(({ name }) => !name.includes("."));
  if (!summaryOnly) for (const { name, kind } of undocumented) console.log(`undocumented: ${name} (${kind})`);
  for (const line of otherProblems) console.log(line);
  if (run.status !== 0 && undocumented.length === 0 && otherProblems.length === 0) console.log(output.trim().split("\n").slice(-20).join("\n"));
  console.log(
    `API reference: ${topLevel.length} exports without a doc comment, ${undocumented.length} undocumented items in all ` +
      `(members included) across ${byExport.size} exports; ${otherProblems.length} other TypeDoc problems (broken {@link}s, unexported types).`,
  );
  if (summaryOnly && byExport.size > 0) {
    console.log(
      [...byExport]
        .sort((a, b) => b[1] - a[1])
        .map(([name, count]) => `  ${name}: ${count}`)
        .join("\n"),
    );
  }
  if (run.status !== 0 || undocumented.length > 0 || otherProblems.length > 0) failed = true;
}

// 2. Links between the guides
function markdownFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (full !== join(root, "docs", "api") && name !== "node_modules") out.push(...markdownFiles(full));
    } else if (name.endsWith(".md")) out.push(full);
  }
  return out;
}

/** GitHub's heading slug: lower case, punctuation dropped, spaces to '-'. */
function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]+>/g, "")
    .replace(/[`*_~[\]()]/g, "")
    .replace(/[^\p{L}\p{N}\s-]/gu, "")
    .replace(/\s/g, "-");
}

const anchorCache = new Map();
function anchorsOf(file) {
  if (!anchorCache.has(file)) {
    const text = readFileSync(file, "utf8").replace(/^```[\s\S]*?^```/gm, "");
    const anchors = new Set([...text.matchAll(/<a (?:id|name)="([^"]+)"/g)].map((m) => m[1]));
    const seen = new Map();
    for (const m of text.matchAll(/^#{1,6} (.+)$/gm)) {
      const base = slug(m[1]);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    anchorCache.set(file, anchors);
  }
  return anchorCache.get(file);
}

const guides = [join(root, "README.md"), ...markdownFiles(join(root, "docs")), ...markdownFiles(join(root, "samples"))].filter(existsSync);
let links = 0;
const broken = [];
for (const file of guides) {
  const text = readFileSync(file, "utf8")
    .replace(/^```[\s\S]*?^```/gm, "")
    .replace(/`[^`\n]*`/g, "");
  for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)|href="([^"]+)"/g)) {
    const target = m[1] ?? m[2];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: ...
    links++;
    const [path, fragment] = target.split("#");
    const targetFile = path === "" ? file : resolve(dirname(file), decodeURIComponent(path));
    if (!existsSync(targetFile)) {
      broken.push(`${relative(root, file)}: ${target} (no such file)`);
      continue;
    }
    if (fragment !== undefined && fragment !== "" && targetFile.endsWith(".md") && !anchorsOf(targetFile).has(fragment)) {
      broken.push(`${relative(root, file)}: ${target} (no anchor '${fragment}' in ${relative(root, targetFile)})`);
    }
  }
}
for (const line of broken) console.log(`broken link: ${line}`);
console.log(`Guides: ${links} relative links checked in ${guides.length} Markdown files, ${broken.length} broken.`);
if (broken.length > 0) failed = true;

// 3. Links from error messages into the troubleshooting guide
function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== "node_modules" && name !== "dist") out.push(...sourceFiles(full));
    } else if (/\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith(".d.ts")) out.push(full);
  }
  return out;
}
const guide = join(root, "docs", "troubleshooting.md");
const sources = (existsSync(join(root, "packages")) ? readdirSync(join(root, "packages")) : [])
  .map((pkg) => join(root, "packages", pkg, "src"))
  .filter(existsSync)
  .flatMap(sourceFiles);
let errorLinks = 0;
const brokenErrorLinks = [];
for (const file of sources) {
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(/\btroubleshoot\(\s*["'`]([^"'`]+)["'`]\s*\)|troubleshooting\.md#([A-Za-z0-9_-]+)/g)) {
    errorLinks++;
    const anchor = m[1] ?? m[2];
    if (!anchorsOf(guide).has(anchor)) brokenErrorLinks.push(`${relative(root, file)}: #${anchor}`);
  }
}
for (const line of brokenErrorLinks) console.log(`error message links a missing anchor of docs/troubleshooting.md: ${line}`);
console.log(`Error messages: ${errorLinks} links into docs/troubleshooting.md in ${sources.length} source files, ${brokenErrorLinks.length} broken.`);
if (brokenErrorLinks.length > 0) failed = true;

// 4. The README's benchmark chart against BENCHMARKS.md: a warning, not a failure (BENCHMARKS.md is
// edited by hand between bench runs too; `npm run bench` redraws the chart itself).
{
  const { benchChart } = await import("./bench-chart.mjs");
  const chart = join(root, "docs", "bench.svg");
  if (
    existsSync(chart) &&
    existsSync(join(root, "BENCHMARKS.md")) &&
    readFileSync(chart, "utf8") !== benchChart(readFileSync(join(root, "BENCHMARKS.md"), "utf8"))
  ) {
    console.log("warning: docs/bench.svg does not match BENCHMARKS.md's Summary table; run `node scripts/bench-chart.mjs`.");
  }
}

process.exit(failed ? 1 : 0);
