// managedIdentities in the configuration: the defaults, JSON validation, and the host's tenant.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  defaultEmulatorConfig,
  DEFAULT_SYSTEM_IDENTITY_CLIENT_ID,
  DEFAULT_TENANT_ID,
  DEFAULT_USER_IDENTITY_CLIENT_ID,
  DEFAULT_USER_IDENTITY_OBJECT_ID,
  DEFAULT_USER_IDENTITY_RESOURCE_ID,
  EmulatorConfigError,
  startEmulator,
  type EmulatorConfig,
} from "@azid/emulator";
import { validateEmulatorConfig } from "../src/configValidation.js";
import { startTestEmulator } from "./support/client.js";
import { miRequest, payloadOf, withQuery } from "./support/managedIdentity.js";

const OTHER_TENANT = "11111111-2222-4333-8444-555555555555";
const USER_RESOURCE_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/x";

describe("managed identities in the configuration", () => {
  it("defaults to one system-assigned and two user-assigned identities in the default tenant", () => {
    const identities = defaultEmulatorConfig().tenants[0]!.managedIdentities!;
    assert.deepEqual(
      identities.map((identity) => identity.kind),
      ["system", "user", "user"],
    );
    assert.equal(identities[0]!.clientId, DEFAULT_SYSTEM_IDENTITY_CLIENT_ID);
    assert.deepEqual(
      { clientId: identities[1]!.clientId, objectId: identities[1]!.objectId, resourceId: identities[1]!.resourceId },
      { clientId: DEFAULT_USER_IDENTITY_CLIENT_ID, objectId: DEFAULT_USER_IDENTITY_OBJECT_ID, resourceId: DEFAULT_USER_IDENTITY_RESOURCE_ID },
    );
    assert.deepEqual(validateEmulatorConfig(JSON.parse(JSON.stringify(defaultEmulatorConfig()))), defaultEmulatorConfig());
  });

  const invalid = (identities: unknown[], field: RegExp) => {
    const config = { tenants: [{ id: DEFAULT_TENANT_ID, apps: [], managedIdentities: identities }] };
    assert.throws(
      () => validateEmulatorConfig(config),
      (error: unknown) => error instanceof EmulatorConfigError && field.test(error.message),
    );
  };
  const guid = (n: number) => `0000000${n}-0000-4000-8000-000000000000`;

  it("names the bad field", () => {
    invalid([{ kind: "vm", clientId: guid(1), objectId: guid(2) }], /managedIdentities\[0\]\.kind must be "system" or "user"/);
    invalid([{ kind: "system", clientId: "nope", objectId: guid(2) }], /managedIdentities\[0\]\.clientId must be a GUID/);
    invalid([{ kind: "user", clientId: guid(1), objectId: guid(2) }], /managedIdentities\[0\]\.resourceId is required for a user-assigned identity/);
    invalid(
      [{ kind: "user", clientId: guid(1), objectId: guid(2), resourceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm" }],
      /resourceId must look like/,
    );
    invalid(
      [
        { kind: "system", clientId: guid(1), objectId: guid(2) },
        { kind: "system", clientId: guid(3), objectId: guid(4) },
      ],
      /only one system-assigned/,
    );
    invalid(
      [
        { kind: "system", clientId: guid(1), objectId: guid(2) },
        { kind: "user", clientId: guid(1), objectId: guid(4), resourceId: USER_RESOURCE_ID },
      ],
      /reuses the id/,
    );
    invalid([{ kind: "system", clientId: guid(1), objectId: guid(2), roles: "Reader" }], /roles must be an array/);
  });

  it("serves the tenant named by managedIdentity.tenantId", async () => {
    const config: EmulatorConfig = defaultEmulatorConfig();
    config.tenants.push({ id: OTHER_TENANT, apps: [], users: [], managedIdentities: [{ kind: "system", clientId: guid(5), objectId: guid(6) }] });
    // Options are checked before anything touches the disk, so no dataDir is created.
    await assert.rejects(startEmulator({ dataDir: "/nonexistent/azid", config, managedIdentity: { tenantId: guid(9) } }), /not a configured tenant/);
    const emu = await startTestEmulator({ config, managedIdentity: { tenantId: OTHER_TENANT } });
    try {
      const res = await miRequest(
        withQuery(`${emu.managedIdentity.httpUrl}/metadata/identity/oauth2/token`, { "api-version": "2018-02-01", resource: "https://vault.azure.net" }),
        {
          headers: { Metadata: "true" },
        },
      );
      assert.equal(res.status, 200, res.body);
      assert.equal(payloadOf(res.json.access_token).tid, OTHER_TENANT);
      assert.equal(payloadOf(res.json.access_token).appid, guid(5));
      assert.equal(emu.managedIdentity.env("azureMl").DEFAULT_IDENTITY_CLIENT_ID, guid(5));
    } finally {
      await emu.stop();
    }
  });

  it("rejects a bad managedIdentityTokenLifetimeSeconds", async () => {
    await assert.rejects(
      startEmulator({ dataDir: "/nonexistent/azid", managedIdentityTokenLifetimeSeconds: 0 }),
      /managedIdentityTokenLifetimeSeconds must be a positive integer/,
    );
  });
});
