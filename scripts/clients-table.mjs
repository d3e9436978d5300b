// Rewrites the table of third-party clients in packages/emulator/README.md (between
// `<!-- clients:begin -->` and `<!-- clients:end -->`) from the results the client tests wrote to
// .test-output/clients/*.json during the last test run (packages/emulator/test/clients/support/results.ts).
//
//   node scripts/test.mjs packages/emulator/test/clients/*.test.ts packages/identity/test/integration/{storageQueue,dataTables}.test.ts
//   node scripts/clients-table.mjs
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const RESULTS_DIR = resolve(".test-output/clients");
const README = resolve("packages/emulator/README.md");
const BEGIN = "<!-- clients:begin -->";
const END = "<!-- clients:end -->";
// The order clients appear in; files not listed follow, by name.
const ORDER = ["python-azure-identity", "msal-node", "azure-identity", "azure-cli", "azure-cli-limits", "storage-queue", "data-tables"];
const MARKS = { pass: "✅ pass", fail: "❌ fail", skip: "⏭️ skipped", blocked: "🚫 blocked (proven)" };

function loadResults() {
  if (!existsSync(RESULTS_DIR)) return [];
  const files = readdirSync(RESULTS_DIR).filter((name) => name.endsWith(".json"));
  const rank = (name) => {
    const index = ORDER.indexOf(name.replace(/\.json$/, ""));
    return index === -1 ? ORDER.length : index;
  };
  files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return files.map((name) => JSON.parse(readFileSync(join(RESULTS_DIR, name), "utf8")));
}

const cell = (text) =>
  String(text ?? "")
    .replace(/\|/g, "\\|")
    .replace(/\s*\n\s*/g, " ");

export function renderTable(results, { date, node }) {
  const rows = results.flatMap((file) => file.rows);
  const count = (result) => rows.filter((row) => row.result === result).length;
  const lines = [
    `_Written by \`node scripts/clients-table.mjs\` from the test run of ${date} (Node ${node}, ${process.platform} ${process.arch}): ` +
      `${count("pass")} passed, ${count("fail")} failed, ${count("blocked")} blocked and proven so, ${count("skip")} skipped._`,
    "",
    "| Client | Scenario | Result | Note |",
    "|---|---|---|---|",
  ];
  let previous;
  for (const row of rows) {
    lines.push(`| ${row.client === previous ? "" : cell(row.client)} | ${cell(row.scenario)} | ${MARKS[row.result] ?? cell(row.result)} | ${cell(row.note)} |`);
    previous = row.client;
  }
  return lines.join("\n");
}

export function replaceSection(readme, table) {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin === -1 || end === -1 || end < begin) throw new Error(`${README} has no ${BEGIN} ... ${END} section`);
  return `${readme.slice(0, begin + BEGIN.length)}\n${table}\n${readme.slice(end)}`;
}

const results = loadResults();
if (results.length === 0) {
  console.error(`clients-table: no results in ${RESULTS_DIR}; run the client tests first (see the top of this script)`);
  process.exit(1);
}
const table = renderTable(results, { date: new Date().toISOString().slice(0, 10), node: process.version });
writeFileSync(README, replaceSection(readFileSync(README, "utf8"), table));
const rows = results.flatMap((file) => file.rows);
console.log(`clients-table: ${rows.length} rows from ${results.length} files written to ${README}`);
if (rows.some((row) => row.result === "fail")) process.exitCode = 1;
