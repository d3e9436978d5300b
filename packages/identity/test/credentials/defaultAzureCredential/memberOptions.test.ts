// Python's per-member DefaultAzureCredential options, plumbed to the member they name. Workload
// identity runs against the emulator (a token file from its own issuer); the others are checked on
// the member the chain builds.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, describe, it } from "node:test";
import { DefaultAzureCredential } from "../../../src/index.js";
import { managedIdentitySelector } from "../../../src/credentials/defaultAzureCredential/members.js";
import { useEmulator } from "../../support/emulator.js";

const env = useEmulator();
const dir = mkdtempSync(join(tmpdir(), "azid-dac-members-"));
const saved = { ...process.env };
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe("DefaultAzureCredential per-member options (Python's)", () => {
  it("workloadIdentityTenantId and workloadIdentityClientId reach WorkloadIdentityCredential; tenantId does not override them", async () => {
    const subject = `system:serviceaccount:apps:${randomUUID().slice(0, 8)}`;
    const { clientId } = env.addApp({
      secrets: [],
      federatedCredentials: [{ issuer: env.emu.federation.issuerUrl(), subject, audiences: ["api://AzureADTokenExchange"] }],
    });
    const file = join(dir, `${randomUUID()}.token`);
    writeFileSync(file, env.emu.federation.mint({ subject }) + "\n");
    process.env.AZURE_FEDERATED_TOKEN_FILE = file;
    const credential = new DefaultAzureCredential({
      ...env.options,
      tenantId: "11111111-1111-1111-1111-111111111111",
      workloadIdentityTenantId: env.tenantId,
      workloadIdentityClientId: clientId,
      excludeEnvironmentCredential: true,
      excludeBrokerCredential: true,
    });
    const { credential: source } = await credential.getTokenWithSource("https://storage.azure.com/.default");
    assert.equal(source.constructor.name, "WorkloadIdentityCredential");
    const sent = env.tokenRequests().at(-1)!;
    assert.equal(sent.path, `/${env.tenantId}/oauth2/v2.0/token`);
    assert.equal(sent.form!.client_id, clientId);
    await credential.close();
  });

  it("managedIdentityObjectId selects a user-assigned identity by object id (a resource id still wins)", () => {
    assert.deepEqual(managedIdentitySelector({ managedIdentityObjectId: "oid-1" }), { objectId: "oid-1" });
    assert.deepEqual(managedIdentitySelector({ managedIdentityObjectId: "oid-1", managedIdentityResourceId: "/r" }), { resourceId: "/r" });
  });
});
