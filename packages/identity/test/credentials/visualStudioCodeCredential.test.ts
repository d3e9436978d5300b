// VisualStudioCodeCredential: reads the Azure Resources extension's authentication record and is
// always unavailable with the precise reason (its tokens live in the Windows-only broker).
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CredentialUnavailableError, VisualStudioCodeCredential } from "../../src/index.js";
import { useTemporaryHome } from "../support/home.js";

const home = useTemporaryHome();
const record = {
  authority: "login.microsoftonline.com",
  homeAccountId: "9c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5.7e2b1c3a-4d5f-4a6b-8c9d-0e1f2a3b4c5d",
  clientId: "aebc6443-996d-45c2-90f0-388ff96faa56",
  tenantId: "7e2b1c3a-4d5f-4a6b-8c9d-0e1f2a3b4c5d",
  username: "alice@azid.onmicrosoft.com",
  version: "1.0",
};

function writeRecord(content: string, directory = ".azure"): void {
  const folder = join(home(), directory, "ms-azuretools.vscode-azureresourcegroups");
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "authRecord.json"), content);
}

async function reason(credential = new VisualStudioCodeCredential()): Promise<string> {
  const error = await credential.getToken("https://management.azure.com/.default").then(
    () => assert.fail("VisualStudioCodeCredential never returns a token here"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof CredentialUnavailableError);
  return error.message;
}

describe("VisualStudioCodeCredential", () => {
  it("without a VS Code sign-in: unavailable, naming the record it looked for and the alternative", async () => {
    assert.match(
      await reason(),
      /VS Code is not signed in to Azure \(no authentication record at ~\/\.azure\/ms-azuretools\.vscode-azureresourcegroups\/authRecord\.json.*az login/,
    );
  });

  it("signed in (record under .azure or .Azure): unavailable, naming the account and why the broker cannot be used", async () => {
    writeRecord(JSON.stringify(record), ".Azure");
    const message = await reason();
    assert.match(message, /VS Code is signed in as alice@azid\.onmicrosoft\.com \(tenant 7e2b1c3a-/);
    assert.match(message, process.platform === "win32" ? /does not bundle/ : /exists only on Windows/);
    assert.match(message, /az login/);
  });

  it("a record that is not VS Code's, not JSON, or too large is reported as such", async () => {
    writeRecord(JSON.stringify({ ...record, clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", username: "" }));
    assert.match(await reason(), /is not valid: clientId is not VS Code's .*; username is missing/);
    writeRecord(JSON.stringify({ ...record, version: "2.0", tenantId: "bad tenant/../" }));
    assert.match(await reason(), /version "2\.0" is not "1\.0"; tenantId is not a tenant id/);
    writeRecord("{not json");
    assert.match(await reason(), /is not JSON/);
    writeRecord(JSON.stringify({ ...record, padding: "x".repeat(11_000) }));
    assert.match(await reason(), /unexpectedly large \(\d+ bytes/);
  });

  it("ADFS is refused; a bad tenant id fails at construction", async () => {
    assert.match(await reason(new VisualStudioCodeCredential({ tenantId: "adfs" })), /does not support ADFS/);
    assert.throws(() => new VisualStudioCodeCredential({ tenantId: "a;b" }), RangeError);
  });
});
