import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultEmulatorConfig, DEFAULT_CLIENT_ID, DEFAULT_TENANT_ID, EmulatorConfigError, loadEmulatorConfig } from "@azid/emulator";
import { createSelfSignedCertificate } from "../src/tls/certificates.js";
import { tempDir } from "./support/client.js";

describe("configuration", () => {
  const withFile = (content: string, check: (path: string) => void) => {
    const dir = tempDir("config");
    const path = join(dir, "emulator.json");
    writeFileSync(path, content);
    try {
      check(path);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("gives each caller a fresh default configuration", () => {
    const a = defaultEmulatorConfig();
    a.tenants[0]!.apps.length = 0;
    const b = defaultEmulatorConfig();
    assert.equal(b.tenants[0]!.id, DEFAULT_TENANT_ID);
    assert.equal(b.tenants[0]!.apps[0]!.clientId, DEFAULT_CLIENT_ID);
    assert.ok(b.tenants[0]!.apps.some((app) => app.publicClient === true));
    assert.equal(b.tenants[0]!.users.length, 1);
  });

  it("round-trips the default configuration through JSON", () => {
    withFile(JSON.stringify(defaultEmulatorConfig()), (path) => assert.deepEqual(loadEmulatorConfig(path), defaultEmulatorConfig()));
  });

  it("loads certificates and optional fields", async () => {
    const { certPem } = await createSelfSignedCertificate("config");
    const config = { tenants: [{ id: DEFAULT_TENANT_ID, apps: [{ clientId: "app", certificates: [certPem], publicClient: false }] }] };
    withFile(JSON.stringify(config), (path) => {
      const loaded = loadEmulatorConfig(path);
      assert.deepEqual(loaded.tenants[0]!.apps[0]!.certificates, [certPem]);
      assert.deepEqual(loaded.tenants[0]!.users, []);
    });
  });

  const invalid: [string, unknown, RegExp][] = [
    ["no tenants", {}, /tenants must be an array/],
    ["empty tenants", { tenants: [] }, /tenants must list at least one tenant/],
    ["tenant id not a GUID", { tenants: [{ id: "contoso", apps: [], users: [] }] }, /tenants\[0\]\.id must be a GUID/],
    [
      "app without clientId",
      { tenants: [{ id: DEFAULT_TENANT_ID, apps: [{ secrets: ["s"] }], users: [] }] },
      /tenants\[0\]\.apps\[0\]\.clientId must be a non-empty string/,
    ],
    [
      "secret not a string",
      { tenants: [{ id: DEFAULT_TENANT_ID, apps: [{ clientId: "a", secrets: [42] }], users: [] }] },
      /tenants\[0\]\.apps\[0\]\.secrets\[0\] must be a non-empty string/,
    ],
    [
      "bad certificate",
      { tenants: [{ id: DEFAULT_TENANT_ID, apps: [{ clientId: "a", certificates: ["nope"] }], users: [] }] },
      /apps\[0\]\.certificates\[0\] is not a PEM certificate/,
    ],
    [
      "federated without audiences",
      { tenants: [{ id: DEFAULT_TENANT_ID, apps: [{ clientId: "a", federatedCredentials: [{ issuer: "i", subject: "s", audiences: [] }] }], users: [] }] },
      /federatedCredentials\[0\]\.audiences must list/,
    ],
    [
      "user without password",
      { tenants: [{ id: DEFAULT_TENANT_ID, apps: [], users: [{ username: "u" }] }] },
      /users\[0\]\.password must be a non-empty string/,
    ],
    [
      "mfaRequired not boolean",
      { tenants: [{ id: DEFAULT_TENANT_ID, apps: [], users: [{ username: "u", password: "p", mfaRequired: "yes" }] }] },
      /users\[0\]\.mfaRequired must be true or false/,
    ],
    [
      "duplicate client ids",
      { tenants: [{ id: DEFAULT_TENANT_ID, apps: [{ clientId: "a" }, { clientId: "A" }], users: [] }] },
      /apps\[1\]\.clientId duplicates/,
    ],
  ];
  for (const [name, value, message] of invalid) {
    it(`names the bad field: ${name}`, () => {
      withFile(JSON.stringify(value), (path) => {
        assert.throws(
          () => loadEmulatorConfig(path),
          (error: unknown) => error instanceof EmulatorConfigError && message.test(error.message) && error.message.includes(path),
        );
      });
    });
  }

  it("reports JSON syntax errors and missing files", () => {
    withFile("{", (path) => assert.throws(() => loadEmulatorConfig(path), /not valid JSON/));
    assert.throws(() => loadEmulatorConfig("/nonexistent/emulator.json"), /Cannot read emulator configuration .*ENOENT/);
  });
});
