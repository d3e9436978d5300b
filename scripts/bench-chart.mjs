// `node scripts/bench-chart.mjs`: draws docs/bench.svg, the README's benchmark chart, from the
// Summary table of BENCHMARKS.md (which `npm run bench` writes; it calls this afterwards). One bar per
// headline scenario: how many times cheaper azid is than @azure/identity (their value ÷ azid's), on a
// log scale, with both raw values printed. `--check` exits 1 when docs/bench.svg is out of date.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE = join(ROOT, "BENCHMARKS.md");
const TARGET = join(ROOT, "docs", "bench.svg");

/** The rows drawn: a short label, the Summary row it comes from (its scenario text starts so), and the unit. */
const ROWS = [
  { label: "cached getToken", row: "Cached getToken latency: mean µs/op", unit: "µs" },
  { label: "200 concurrent cold calls", row: "200 concurrent cold calls: token requests", unit: "requests" },
  { label: "import (require)", row: "Import cost: require() ms", unit: "ms" },
  { label: "memory at import", row: "Import cost: require() RSS MB", unit: "MB" },
  { label: "install footprint", row: "Install footprint: packages installed", unit: "packages" },
  { label: "memory per credential", row: "Memory per credential: heapUsed KB", unit: "KB" },
  { label: "DefaultAzureCredential, laptop", row: "Local development with DefaultAzureCredential: IMDS refused: first token ms", unit: "ms" },
  { label: "fleet of 16, cold start", row: "Fleet cache on Redis (16 processes × 50 scopes): cold start: token requests", unit: "requests" },
];

/** The Summary table of BENCHMARKS.md as { scenario → [azid, @azure/identity, azure/azid] } (cells as written). */
export function summaryRows(markdown) {
  const start = markdown.indexOf("\n## Summary");
  if (start === -1) throw new Error("BENCHMARKS.md has no '## Summary' section");
  const end = markdown.indexOf("\n## ", start + 1);
  const rows = new Map();
  for (const line of markdown.slice(start, end === -1 ? undefined : end).split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 5 || cells[1] === "scenario" || /^-+:?$/.test(cells[1] ?? "")) continue;
    rows.set(cells[1], [cells[2], cells[3], cells[4]]);
  }
  return rows;
}

function number(cell) {
  const text = (cell ?? "").replace(/,/g, "");
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
}

function escapeXml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function formatValue(value) {
  return value >= 1000 ? Math.round(value).toLocaleString("en-US") : String(value);
}

function formatRatio(ratio) {
  return ratio >= 100 ? `${Math.round(ratio).toLocaleString("en-US")}×` : `${ratio.toFixed(ratio >= 10 ? 0 : 1)}×`;
}

/** The SVG for the Summary table in `markdown`. Rows whose values are not plain numbers are left out. */
export function benchChart(markdown) {
  const table = summaryRows(markdown);
  const bars = [];
  for (const { label, row, unit } of ROWS) {
    const key = [...table.keys()].find((scenario) => scenario.startsWith(row));
    if (key === undefined) continue;
    const [azidCell, azureCell, ratioCell] = table.get(key);
    const azid = number(azidCell);
    const azure = number(azureCell);
    if (azid === undefined || azure === undefined || azid <= 0) continue;
    // The table's own ratio (computed from unrounded results) when it has one, else from the cells.
    const ratio = number(/^([\d,.]+)×$/.exec(ratioCell ?? "")?.[1]) ?? azure / azid;
    bars.push({ label, unit, azid, azure, ratio });
  }
  if (bars.length === 0) throw new Error("no Summary row of BENCHMARKS.md matched the chart's rows");

  const width = 760;
  const left = 230; // labels
  const right = 230; // ratio and raw values
  const plot = width - left - right;
  const rowHeight = 30;
  const top = 46;
  const height = top + bars.length * rowHeight + 34;
  const decades = Math.max(1, Math.ceil(Math.log10(Math.max(...bars.map((b) => b.ratio)))));
  const x = (ratio) => left + (Math.log10(Math.max(ratio, 1)) / decades) * plot;

  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="13">`,
    `<title>azid vs @azure/identity: how many times cheaper azid is (log scale)</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="20" font-weight="600" fill="#1f2328">How many times cheaper azid is than @azure/identity (log scale)</text>`,
    `<text x="${left}" y="37" fill="#59636e" font-size="11">@azure/identity ÷ azid, from BENCHMARKS.md; right: azid vs @azure/identity</text>`,
  );
  for (let d = 0; d <= decades; d++) {
    const gx = x(10 ** d).toFixed(1);
    out.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${top + bars.length * rowHeight}" stroke="#d1d9e0" stroke-width="1"/>`);
    out.push(
      `<text x="${gx}" y="${top + bars.length * rowHeight + 16}" text-anchor="middle" fill="#59636e" font-size="11">${(10 ** d).toLocaleString("en-US")}×</text>`,
    );
  }
  bars.forEach((bar, i) => {
    const y = top + i * rowHeight;
    const barWidth = Math.max(2, x(bar.ratio) - left).toFixed(1);
    out.push(
      `<text x="${left - 10}" y="${y + 19}" text-anchor="end" fill="#1f2328">${escapeXml(bar.label)}</text>`,
      `<rect x="${left}" y="${y + 6}" width="${barWidth}" height="18" rx="3" fill="#0969da"/>`,
      `<text x="${(left + Number(barWidth) + 6).toFixed(1)}" y="${y + 19}" font-weight="600" fill="#1f2328">${formatRatio(bar.ratio)}</text>`,
      `<text x="${width - 8}" y="${y + 19}" text-anchor="end" fill="#59636e" font-size="11">${escapeXml(`${formatValue(bar.azid)} vs ${formatValue(bar.azure)} ${bar.unit}`)}</text>`,
    );
  });
  out.push(`</svg>`, ``);
  return out.join("\n");
}

/** Rewrites docs/bench.svg from BENCHMARKS.md; returns the path. */
export function writeBenchChart() {
  writeFileSync(TARGET, benchChart(readFileSync(SOURCE, "utf8")));
  return TARGET;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--check")) {
    const current = readFileSync(TARGET, "utf8");
    if (current !== benchChart(readFileSync(SOURCE, "utf8"))) {
      console.error("docs/bench.svg is out of date with BENCHMARKS.md: run `node scripts/bench-chart.mjs`.");
      process.exit(1);
    }
  } else {
    console.log(`bench-chart: wrote ${writeBenchChart()}`);
  }
}
