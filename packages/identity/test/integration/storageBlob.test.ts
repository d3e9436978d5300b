// @azure/storage-blob with azid's ClientSecretCredential against a real Azurite in OAuth mode over
// HTTPS (its certificate issued by the emulator's CA). The storage client runs in a child process:
// its HTTPS pipeline trusts the emulator's CA only through NODE_EXTRA_CA_CERTS, read at start-up.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { useEmulator } from "../support/emulator.js";
import { useAzurite } from "./azurite.js";
import { parseChildJson, runNodeScript } from "./nodeChild.js";

const STORAGE = "https://storage.azure.com/.default";
const CHILD = fileURLToPath(new URL("./storageBlobClient.mjs", import.meta.url));
const env = useEmulator();

interface ChildError {
  name: string;
  message: string;
  statusCode?: number;
  code?: string;
  errorResponse?: { error: string; errorCodes?: number[] };
  details?: Record<string, unknown>;
}

describe("@azure/storage-blob with ClientSecretCredential against Azurite (OAuth, HTTPS)", () => {
  const azurite = useAzurite(env, "blob");

  function runStorageClient(scenario: string, app: { clientId: string; secret: string }, extra: Record<string, string> = {}) {
    return runNodeScript(CHILD, [scenario], {
      ...env.childEnv(app),
      AZID_TEST_BLOB_ENDPOINT: azurite.endpoint,
      AZID_TEST_CONTAINER: `azid-${randomUUID().slice(0, 8)}`,
      ...extra,
    });
  }

  const requestsOf = (clientId: string) => env.tokenRequests().filter((r) => r.form?.client_id === clientId);

  it("creates a container, uploads, downloads and lists a blob with one token request for all clients", async () => {
    const app = env.addApp({ roles: ["Blob.Write"] });
    const result = parseChildJson<{
      uploaded: string;
      content: string;
      contentType: string;
      names: Array<{ name: string; size: number }>;
      getTokenCalls: number;
      isClientSecretCredential: boolean;
    }>(await runStorageClient("roundTrip", app));
    assert.equal(result.content, result.uploaded);
    assert.equal(result.contentType, "text/plain; charset=utf-8");
    assert.deepEqual(result.names, [{ name: "hello.txt", size: Buffer.byteLength(result.uploaded) }]);

    // Four pipelines (each with its own bearer-token policy) asked two ClientSecretCredential
    // instances for a token; the emulator saw exactly one request: azid's process-wide cache.
    assert.equal(result.isClientSecretCredential, true);
    assert.ok(result.getTokenCalls >= 4, `getToken was called ${result.getTokenCalls} time(s)`);
    const sent = requestsOf(app.clientId);
    assert.equal(sent.length, 1, `token requests: ${sent.map((r) => r.form?.scope).join(", ")}`);
    assert.equal(sent[0]!.form!.scope, STORAGE);
    assert.equal(sent[0]!.form!.grant_type, "client_credentials");
    assert.equal(sent[0]!.status, 200);
  });

  it("a wrong secret fails the storage call with azid's AuthenticationError, not a storage 403", async () => {
    const app = env.addApp();
    const wrong = "wrong~Storage.Secret_42";
    const result = parseChildJson<{ error?: ChildError; logLines: string[] }>(await runStorageClient("wrongSecret", app, { AZID_TEST_WRONG_SECRET: wrong }));
    assert.ok(result.error, "the storage call succeeded with a wrong secret");
    assert.equal(result.error.name, "AuthenticationError");
    assert.equal(result.error.statusCode, 401);
    assert.equal(result.error.errorResponse?.error, "invalid_client");
    assert.deepEqual(result.error.errorResponse?.errorCodes, [7000215]);
    assert.match(result.error.message, /AADSTS7000215/);
    for (const text of [result.error.message, ...result.logLines]) assert.ok(!text.includes(wrong), "secret leaked");
    const sent = requestsOf(app.clientId);
    assert.deepEqual(
      sent.map((r) => [r.status, r.form?.client_secret === wrong, r.form?.scope]),
      [[401, true, STORAGE]],
      "one request, not retried",
    );
  });

  it("Azurite refuses a genuine emulator token issued for another audience (so the round trip proves the storage audience)", async () => {
    const app = env.addApp();
    const result = parseChildJson<{ error?: ChildError }>(await runStorageClient("otherAudience", app));
    assert.ok(result.error, "Azurite accepted a Key Vault token");
    assert.equal(result.error.name, "RestError");
    assert.equal(result.error.statusCode, 403);
    assert.equal(result.error.code, "AuthenticationFailed");
    assert.equal(result.error.details?.authenticationErrorDetail, "Invalid token audience.");
    assert.deepEqual(
      requestsOf(app.clientId).map((r) => [r.form?.scope, r.status]),
      [["https://vault.azure.net/.default", 200]],
    );
  });
});
