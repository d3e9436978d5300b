// Rendering results: a plain-text table for the terminal and BENCHMARKS.md.
//
// A scenario is { id, title, howMeasured, rows, error? }; a row is
// { label, azid, azure, target?, ratio? } where azid/azure are numbers (or strings such as "not run")
// and target is { op: "<=", value, text }. The ratio column is azure / azid unless ratio === false
// (no ratio) or a string (shown as is, e.g. "> 15×" when @azure/identity gave up).

export function formatNumber(value) {
  if (typeof value === "string") return value;
  if (value === undefined || value === null || Number.isNaN(value)) return "—";
  if (!Number.isFinite(value)) return "∞";
  const abs = Math.abs(value);
  if (Number.isInteger(value) && abs >= 1) return value.toLocaleString("en-US");
  const digits = abs === 0 ? 0 : abs < 0.1 ? 3 : abs < 10 ? 2 : abs < 100 ? 1 : 0;
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ratioOf(row) {
  if (row.ratio === false) return "";
  if (typeof row.ratio === "string") return row.ratio;
  if (typeof row.azid !== "number" || typeof row.azure !== "number") return "";
  if (row.azid === 0) return row.azure === 0 ? "1×" : "∞";
  const ratio = row.azure / row.azid;
  return `${ratio >= 100 ? Math.round(ratio).toLocaleString("en-US") : ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}×`;
}

export function meetsTarget(row) {
  if (row.target === undefined || typeof row.azid !== "number") return undefined;
  return row.target.op === "<=" ? row.azid <= row.target.value : row.azid >= row.target.value;
}

function targetCell(row, { marks }) {
  if (row.target === undefined) return "";
  const met = meetsTarget(row);
  const mark = met === undefined ? "" : met ? (marks ? " ✅" : " ok") : marks ? " ❌" : " MISSED";
  return `${row.target.text}${mark}`;
}

function cells(row, options) {
  return [row.label, formatNumber(row.azid), formatNumber(row.azure), ratioOf(row), targetCell(row, options)];
}

const HEADER = ["metric", "azid", "@azure/identity", "azure/azid", "target (azid)"];

export function textReport(scenarios) {
  const lines = [];
  const allRows = scenarios.flatMap((s) => s.rows.map((r) => cells(r, { marks: false })));
  const widths = HEADER.map((h, i) => Math.max(h.length, ...allRows.map((c) => c[i].length)));
  const line = (c) =>
    c
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  lines.push(line(HEADER));
  lines.push(widths.map((w) => "-".repeat(w)).join("  "));
  for (const scenario of scenarios) {
    lines.push("");
    lines.push(scenario.title);
    if (scenario.error) lines.push(`  ERROR: ${scenario.error.split("\n").join("\n         ")}`);
    for (const row of scenario.rows) lines.push(line(cells(row, { marks: false })));
  }
  return lines.join("\n");
}

export function markdownReport({ meta, scenarios }) {
  const out = [];
  out.push("# Benchmarks");
  out.push("");
  out.push(
    "`@azid/identity` against `@azure/identity` " +
      `${meta.azureIdentityVersion}, both talking to the local Entra ID emulator (\`@azid/emulator\`) over loopback HTTPS. ` +
      "Regenerate with `npm run bench` (about " +
      `${Math.max(1, Math.round(meta.durationSeconds / 60))} minute${Math.round(meta.durationSeconds / 60) > 1 ? "s" : ""}); raw numbers are in \`bench/results.json\`. ` +
      "Ratios are @azure/identity ÷ azid, so above 1× means azid is cheaper. " +
      "The emulator runs in the benchmark's parent process; every measured scenario runs in a child Node process of its own (one per library), " +
      "started with the emulator's CA in `NODE_EXTRA_CA_CERTS` and a loopback-only network guard, so server work never lands in the measured process.",
  );
  out.push("");
  out.push("## Machine");
  out.push("");
  out.push(`- CPU: ${meta.cpuModel} (${meta.cores} logical cores)`);
  out.push(`- Memory: ${(meta.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB`);
  out.push(`- OS: ${meta.platform}`);
  out.push(`- Node.js: ${meta.node}`);
  out.push(`- Date: ${meta.date}`);
  if (meta.loadAverageAtStart) {
    out.push(
      `- Load average (1/5/15 min) at start: ${meta.loadAverageAtStart.join(" / ")}, at end: ${meta.loadAverageAtEnd?.join(" / ") ?? "?"}${meta.loadAverageAtStart[0] > meta.cores * 0.5 ? " (other work was running: expect noisier means and p99s)" : ""}`,
    );
  }
  if (meta.quick) out.push("- **Quick smoke run (BENCH_QUICK=1): small N, numbers are indicative only.**");
  out.push("");
  out.push("## Summary");
  out.push("");
  out.push("| scenario | azid | @azure/identity | azure/azid | target (azid) |");
  out.push("|---|--:|--:|--:|---|");
  for (const scenario of scenarios) {
    const name = scenario.title.replace(/^\d+\.\s*/, "");
    if (scenario.error) out.push(`| ${name}: failed in this run | | | | |`);
    for (const row of scenario.rows.filter((r) => r.headline || r.target)) {
      out.push(`| ${name}: ${row.label} | ${formatNumber(row.azid)} | ${formatNumber(row.azure)} | ${ratioOf(row)} | ${targetCell(row, { marks: true })} |`);
    }
  }
  for (const scenario of scenarios) {
    out.push("");
    out.push(`## ${scenario.title}`);
    out.push("");
    if (scenario.error) {
      out.push(`**Failed in this run:** \`${scenario.error.split("\n")[0]}\``);
      out.push("");
    }
    if (scenario.rows.length > 0) {
      out.push(`| ${HEADER.join(" | ")} |`);
      out.push("|---|--:|--:|--:|---|");
      for (const row of scenario.rows) out.push(`| ${cells(row, { marks: true }).join(" | ")} |`);
      out.push("");
    }
    out.push(`**How measured.** ${scenario.howMeasured}`);
  }
  out.push("");
  return out.join("\n");
}
