// @azure/storage-queue with azid's ClientSecretCredential against a real Azurite queue service in
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

const CHILD = fileURLToPath(new URL("./storageQueueClient.mjs", import.meta.url));
const env = useEmulator();
const results = clientResults(
  "storage-queue",
  `@azure/storage-queue ${versionOf("@azure/storage-queue")} on Azurite ${versionOf("azurite")} (azid ClientSecretCredential)`,
);

describe("@azure/storage-queue with ClientSecretCredential against Azurite (OAuth, HTTPS)", () => {
  const azurite = useAzurite(env, "queue");

  const run = (scenario: string, app: { clientId: string; secret: string }) =>
    runNodeScript(CHILD, [scenario], { ...env.childEnv(app), AZID_TEST_QUEUE_ENDPOINT: azurite.endpoint, AZID_TEST_QUEUE: `azid-${randomUUID().slice(0, 8)}` });
  const tokenRequestsOf = (clientId: string) => env.tokenRequests().filter((r) => r.form?.client_id === clientId);

  results.case("create a queue, send, receive, delete and list: one token request", async () => {
    const app = env.addApp({ roles: ["Queue.Write"] });
    const result = parseChildJson<{ sent: string; received: string; leftAfterDelete: number; names: string[] }>(await run("roundTrip", app));
    assert.equal(result.received, result.sent);
    assert.equal(result.leftAfterDelete, 0);
    assert.equal(result.names.length, 1);
    assert.deepEqual(
      tokenRequestsOf(app.clientId).map((r) => [r.form?.scope, r.status]),
      [["https://storage.azure.com/.default", 200]],
    );
  });

  results.case("Azurite refuses a genuine emulator token for another audience", async () => {
    const app = env.addApp();
    const result = parseChildJson<{ error?: { name: string; statusCode: number; code: string } }>(await run("otherAudience", app));
    assert.deepEqual(result.error, { name: "RestError", statusCode: 403, code: "AuthenticationFailed" });
  });
});
