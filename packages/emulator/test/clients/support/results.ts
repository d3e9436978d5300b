// Records what each third-party client did against the emulator, one JSON file per test file in
// .test-output/clients/, for scripts/clients-table.mjs to turn into the table in
// packages/emulator/README.md. A row is written when its test ends, passed or failed.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { it } from "node:test";

const OUTPUT_DIR = fileURLToPath(new URL("../../../../../.test-output/clients/", import.meta.url));

export interface ClientResultRow {
  client: string;
  scenario: string;
  /** "blocked": the test proved the client can't be pointed at the emulator, and why (see note) */
  result: "pass" | "fail" | "skip" | "blocked";
  /** short, never a token or a secret: the reason for a skip, the first line of a failure */
  note?: string;
}

export interface ClientRecorder {
  /** the client's name with its version, as the table shows it; set once the version is known */
  client: string;
  /** a node:test `it` whose outcome becomes a row of the table */
  case(scenario: string, body: () => Promise<void | CaseOutcome>, skip?: () => string | undefined): void;
}

/** What a passing test may add to its row. */
export interface CaseOutcome {
  result?: "blocked";
  note?: string;
}

export function clientResults(file: string, client: string): ClientRecorder {
  const rows: ClientResultRow[] = [];
  const save = () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    writeFileSync(join(OUTPUT_DIR, `${file}.json`), `${JSON.stringify({ file, rows }, null, 2)}\n`);
  };
  const recorder: ClientRecorder = {
    client,
    case(scenario, body, skip) {
      it(scenario, async (t) => {
        const reason = skip?.();
        if (reason !== undefined) {
          rows.push({ client: recorder.client, scenario, result: "skip", note: reason });
          save();
          t.skip(reason);
          return;
        }
        try {
          const outcome = (await body()) ?? {};
          rows.push({ client: recorder.client, scenario, result: outcome.result ?? "pass", ...(outcome.note === undefined ? {} : { note: outcome.note }) });
        } catch (error) {
          rows.push({
            client: recorder.client,
            scenario,
            result: "fail",
            note: String((error as Error).message ?? error)
              .split("\n")[0]!
              .slice(0, 160),
          });
          throw error;
        } finally {
          save();
        }
      });
    },
  };
  return recorder;
}
