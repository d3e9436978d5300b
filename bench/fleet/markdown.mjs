// Puts a fleet-only run's numbers into BENCHMARKS.md without re-running the other scenarios:
//   node bench/run.mjs --only=fleet --no-markdown --json=bench/fleet/results.json
//   node bench/fleet/markdown.mjs bench/fleet/results.json
// Replaces (or appends) the fleet section and the fleet rows of the summary table; everything else in
// the file is left as the last full run wrote it. A full `npm run bench` regenerates the whole file.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../lib/proc.mjs";
import { markdownReport } from "../lib/report.mjs";

const input = process.argv[2] ?? join(ROOT, "bench/fleet/results.json");
const results = JSON.parse(readFileSync(input, "utf8"));
const fleet = results.scenarios.find((s) => s.id === "fleet");
if (fleet === undefined) throw new Error(`${input} has no fleet scenario`);

const generated = markdownReport({ meta: results.meta, scenarios: [fleet] }).split("\n");
const name = fleet.title.replace(/^\d+\.\s*/, "");
const summaryRows = generated.filter((line) => line.startsWith(`| ${name}:`) || line.startsWith(`| ${name.split(" (")[0]}`));
const sectionStart = generated.findIndex((line) => line === `## ${fleet.title}`);
const m = results.meta;
const section = [
  ...generated.slice(sectionStart, generated.length - 1),
  "",
  `*Run on its own (\`--only=fleet\`): ${m.cpuModel}, ${m.cores} cores, node ${m.node}, ${m.date}, load average ${m.loadAverageAtStart?.join(" / ")} at start${m.loadAverageAtStart?.[0] > m.cores ? " (the machine was shared with other work: latencies and p99s are inflated)" : ""}.*`,
];

const path = join(ROOT, "BENCHMARKS.md");
let lines = readFileSync(path, "utf8").replace(/\n+$/, "").split("\n");
// Summary: drop old fleet rows, insert the new ones after the last row of the summary table.
lines = lines.filter((line) => !line.startsWith(`| ${name.split(" (")[0]}`));
const summaryHeader = lines.findIndex((line) => line === "## Summary");
let end = summaryHeader + 1;
while (end < lines.length && !lines[end].startsWith("|")) end++;
while (end < lines.length && lines[end].startsWith("|")) end++;
lines.splice(end, 0, ...summaryRows);
// Section: replace from its heading to the next "## " heading (or the end).
const start = lines.findIndex((line) => /^## \d+\. Fleet cache on Redis/.test(line));
if (start === -1) lines.push("", ...section);
else {
  let next = start + 1;
  while (next < lines.length && !lines[next].startsWith("## ")) next++;
  lines.splice(start, next - start, ...section, ...(next < lines.length ? [""] : []));
}
writeFileSync(path, lines.join("\n") + "\n");
process.stderr.write(`updated ${path} from ${input}\n`);
