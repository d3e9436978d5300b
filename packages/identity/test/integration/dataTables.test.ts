// @azure/data-tables with azid's ClientSecretCredential against a real Azurite table service in
// OAuth mode over HTTPS, beside storageBlob.test.ts. The client runs in a child process, where
// NODE_EXTRA_CA_CERTS makes the emulator's CA (which signed Azurite's certificate) trusted.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe } from "node:test";
import { clientResults } from "../../../emulator/test/clients/support/results.js";
import { useEmulator } from "../support/emulator.js";
import { useAzurite, versionOf } from "./azurite.js";
import { parseChildJson, runNodeScript } from "./nodeChild.js";

const CHILD = fileURLToPath(new URL("./dataTablesClient.mjs", import.meta.url));
const env = useEmulator();
const results = clientResults(
  "data-tables",
  `@azure/data-tables ${versionOf("@azure/data-tables")} on Azurite ${versionOf("azurite")} (azid ClientSecretCredential)`,
);

describe("@azure/data-tables with ClientSecretCredential against Azurite (OAuth, HTTPS)", () => {
  const azurite = useAzurite(env, "table");

  // Table names: letters and digits only.
  const run = (scenario: string, app: { clientId: string; secret: string }) =>
    runNodeScript(CHILD, [scenario], {
      ...env.childEnv(app),
      AZID_TEST_TABLE_ENDPOINT: azurite.endpoint,
      AZID_TEST_TABLE: `azid${randomUUID().replace(/-/g, "").slice(0, 8)}`,
    });
  const tokenRequestsOf = (clientId: string) => env.tokenRequests().filter((r) => r.form?.client_id === clientId);

  results.case("create a table, insert, merge, read and list entities: one token request", async () => {
    const app = env.addApp({ roles: ["Table.Write"] });
    const result = parseChildJson<{ written: string; read: { text: string; count: number }; rows: string[]; tables: string[] }>(await run("roundTrip", app));
    assert.deepEqual(result.read, { text: result.written, count: 43 });
    assert.deepEqual(result.rows, ["1"]);
    assert.equal(result.tables.length, 1);
    assert.deepEqual(
      tokenRequestsOf(app.clientId).map((r) => [r.form?.scope, r.status]),
      [["https://storage.azure.com/.default", 200]],
    );
  });

  results.case("Azurite refuses a genuine emulator token for another audience", async () => {
    const app = env.addApp();
    const result = parseChildJson<{ error?: { name: string; statusCode: number; code: string } }>(await run("otherAudience", app));
    assert.equal(result.error?.name, "RestError");
    assert.equal(result.error?.statusCode, 403);
  });
});
