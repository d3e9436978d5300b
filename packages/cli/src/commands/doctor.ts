// `azid doctor`: what DefaultAzureCredential finds on this machine, credential by credential: is it
// configured and from what (variable names, files, tools; never a secret's value), how long it took,
// the token's non-secret claims or the reason and the fix, and which credential would be used. The
// walk itself is the library's (diagnoseDefaultAzureCredential); this file only prints it.
import { diagnoseDefaultAzureCredential, type CredentialDiagnosis, type DefaultAzureCredentialDiagnosis } from "@azid/identity";
import { flag, parseArgs, UsageError } from "../args.js";
import { formatClaims } from "../claims.js";
import { authorityOptions } from "../credentialOptions.js";
import { EXIT } from "../exitCodes.js";
import { checkScopes } from "../scopes.js";

export const doctorHelp = `Usage: azid doctor [--scope SCOPE] [--json]

Walks DefaultAzureCredential's chain on this machine and reports, for each credential, whether it is
configured and from what, the time it took, and the token's claims or the reason it failed and the
fix. Secrets are never printed.
  --scope SCOPE   the scope to ask for (default https://management.azure.com/.default)
  --json          the report as JSON
Exit codes: 0 DefaultAzureCredential would get a token, 3 no credential available, 4 the chain stops
at a credential that fails, 1 other (e.g. an invalid AZURE_TOKEN_CREDENTIALS).`;

export async function runDoctor(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const args = parseArgs(argv, { scope: { value: true }, json: {}, help: {} });
  if (args.flags.has("help")) {
    out.write(doctorHelp + "\n");
    return EXIT.ok;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
  const scope = flag(args, "scope") ?? "https://management.azure.com/.default";
  checkScopes([scope]);
  const report = await diagnoseDefaultAzureCredential({ ...authorityOptions(), scopes: scope });
  out.write(args.flags.has("json") ? JSON.stringify(report, null, 2) + "\n" : formatReport(report));
  if (report.selected !== undefined) return EXIT.ok;
  return report.stoppedAt !== undefined ? EXIT.authenticationFailed : EXIT.unavailable;
}

const RESULT: Record<CredentialDiagnosis["outcome"], string> = { token: "got a token", unavailable: "unavailable", failed: "FAILED", excluded: "not tried" };

export function formatReport(report: DefaultAzureCredentialDiagnosis): string {
  const rows = report.credentials.map((c, i) => [
    String(i + 1),
    c.name,
    c.outcome === "excluded" && !c.configured ? "-" : c.configured ? "yes" : "no",
    c.elapsedMs === undefined ? "-" : `${c.elapsedMs} ms`,
    RESULT[c.outcome] + (c.selected ? "  <- used by DefaultAzureCredential" : ""),
  ]);
  const header = ["#", "Credential", "Configured", "Time", "Result"];
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((r) => r[col]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, col) => (col === 3 ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!)))
      .join("  ")
      .trimEnd();

  const text: string[] = [
    "DefaultAzureCredential on this machine",
    `  scope: ${report.scopes.join(" ")}`,
    `  AZURE_TOKEN_CREDENTIALS: ${report.azureTokenCredentials.value === undefined ? "" : `${report.azureTokenCredentials.value.trim()} (`}${report.azureTokenCredentials.effect}${report.azureTokenCredentials.value === undefined ? "" : ")"}`,
    `  order: ${report.order.azid.join(" → ")} (as @azure/identity)`,
    ...(report.order.python !== undefined ? [`  Python azure-identity would try: ${report.order.python.join(" → ")}`] : []),
    "",
    line(header),
    ...rows.map(line),
    "",
  ];
  report.credentials.forEach((c, i) => {
    text.push(`${i + 1}. ${c.name}: ${RESULT[c.outcome]}${c.elapsedMs !== undefined ? ` (${c.elapsedMs} ms)` : ""}`);
    if (c.excludedBecause !== undefined) text.push(`   why:     ${c.excludedBecause}`);
    // "from" names what configures the credential; for one that is not configured it would only
    // list unrelated variables that happen to be set (AZURE_AUTHORITY_HOST for EnvironmentCredential).
    if (c.configured && c.from.length > 0) text.push(`   from:    ${c.from.join(", ")}`);
    const details = Object.entries(c.details);
    if (details.length > 0) text.push(`   found:   ${details.map(([k, v]) => `${k}=${v}`).join("; ")}`);
    if (c.claims !== undefined) text.push(`   claims:  ${formatClaims(c.claims)}`);
    if (c.reason !== undefined) text.push(`   reason:  ${c.reason}`);
    if (c.fix !== undefined) text.push(`   fix:     ${c.fix}`);
  });
  text.push("");
  if (report.selected !== undefined) text.push(`DefaultAzureCredential would use ${report.selected}.`);
  else if (report.stoppedAt !== undefined)
    text.push(`DefaultAzureCredential would stop at ${report.stoppedAt}, which is configured but fails: fix it (see above) or exclude it.`);
  else text.push("No credential can get a token here: DefaultAzureCredential would fail. Apply one of the fixes above.");
  text.push(`(checked in ${report.totalMs} ms)`);
  return text.join("\n") + "\n";
}
