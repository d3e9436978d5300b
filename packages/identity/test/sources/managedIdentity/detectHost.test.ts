// Host detection (order and validation of the environment) and the expiry formats hosts send.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { detectHost, type DetectedHost } from "../../../src/sources/managedIdentity/detectHost.js";
import { parseExpiresOn } from "../../../src/core/expiry.js";
import { parseAppServiceDate } from "../../../src/sources/managedIdentity/appServiceDate.js";
import { parseHostErrorBody } from "../../../src/sources/managedIdentity/tokenResponse.js";

const SYSTEM = { kind: "system" } as const;
const noAgent = () => false;
const SF = { IDENTITY_ENDPOINT: "https://127.0.0.1:2377/metadata/identity/oauth2/token", IDENTITY_HEADER: "h", IDENTITY_SERVER_THUMBPRINT: "a".repeat(40) };
const APP_SERVICE = { IDENTITY_ENDPOINT: "http://127.0.0.1:41741/msi/token", IDENTITY_HEADER: "h" };
const ML = { MSI_ENDPOINT: "http://127.0.0.1:46808/MSI/auth", MSI_SECRET: "s" };
const CLOUD_SHELL = { MSI_ENDPOINT: "http://localhost:50342/oauth2/token" };
const ARC = { IDENTITY_ENDPOINT: "http://localhost:40342/metadata/identity/oauth2/token", IMDS_ENDPOINT: "http://localhost:40342" };
const EXCHANGE = { AZURE_FEDERATED_TOKEN_FILE: "/var/run/secrets/azure/tokens/azure-identity-token", AZURE_TENANT_ID: "tenant", AZURE_CLIENT_ID: "client" };

function kindOf(detected: DetectedHost): string {
  return detected.kind === "tokenExchange" ? "tokenExchange" : detected.host.kind;
}

describe("detectHost", () => {
  it("follows the documented order: token exchange, Service Fabric, App Service, Azure ML, Cloud Shell, Azure Arc, IMDS", () => {
    const layers: Array<[string, Record<string, string>]> = [
      ["imds", {}],
      ["azureArc", ARC],
      ["cloudShell", { ...ARC, ...CLOUD_SHELL }],
      ["azureMl", { ...ARC, ...CLOUD_SHELL, ...ML }],
      ["appService", { ...ARC, ...ML, ...APP_SERVICE }],
      ["serviceFabric", { ...ARC, ...ML, ...SF }],
      ["tokenExchange", { ...ARC, ...ML, ...SF, ...EXCHANGE }],
    ];
    for (const [expected, env] of layers) assert.equal(kindOf(detectHost(env, SYSTEM, noAgent)), expected, JSON.stringify(env));
  });

  it("token exchange needs the file, the tenant and a client id (option or AZURE_CLIENT_ID)", () => {
    const { AZURE_CLIENT_ID: _, ...withoutClient } = EXCHANGE;
    assert.equal(kindOf(detectHost(withoutClient, SYSTEM, noAgent)), "imds");
    const detected = detectHost(withoutClient, { kind: "clientId", value: "from-option" }, noAgent);
    assert.deepEqual(detected, { kind: "tokenExchange", tenantId: "tenant", clientId: "from-option", tokenFilePath: EXCHANGE.AZURE_FEDERATED_TOKEN_FILE });
  });

  it("IMDS: the default endpoint, AZURE_POD_IDENTITY_AUTHORITY_HOST with or without a trailing slash", () => {
    const endpointOf = (d: DetectedHost) => (d.kind === "host" ? d.host.endpoint : "");
    assert.equal(endpointOf(detectHost({}, SYSTEM, noAgent)), "http://169.254.169.254/metadata/identity/oauth2/token");
    assert.equal(
      endpointOf(detectHost({ AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:2579/" }, SYSTEM, noAgent)),
      "http://127.0.0.1:2579/metadata/identity/oauth2/token",
    );
  });

  it("Azure Arc: detected from the installed agent; localhost becomes 127.0.0.1", () => {
    const agent = detectHost({}, SYSTEM, () => true);
    assert.equal(agent.kind === "host" && agent.host.endpoint, "http://127.0.0.1:40342/metadata/identity/oauth2/token");
    const fromEnv = detectHost(ARC, SYSTEM, noAgent);
    assert.equal(fromEnv.kind === "host" && fromEnv.host.endpoint, "http://127.0.0.1:40342/metadata/identity/oauth2/token");
  });

  it("endpoint variables are validated, naming the variable; secrets are never echoed", () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ ...APP_SERVICE, IDENTITY_ENDPOINT: "localhost:41741/msi/token" }, /^IDENTITY_ENDPOINT must be an absolute http\(s\) URL for the App Service/],
      [{ ...APP_SERVICE, IDENTITY_ENDPOINT: "ftp://127.0.0.1/msi" }, /^IDENTITY_ENDPOINT must be/],
      [{ ...ML, MSI_ENDPOINT: "not a url" }, /^MSI_ENDPOINT must be an absolute http\(s\) URL for the Azure Machine Learning/],
      [{ AZURE_POD_IDENTITY_AUTHORITY_HOST: "169.254.169.254" }, /^AZURE_POD_IDENTITY_AUTHORITY_HOST must be/],
      [{ ...APP_SERVICE, IDENTITY_ENDPOINT: "http://user:pw@127.0.0.1/msi" }, /must not carry user info/],
      [{ ...ARC, IMDS_ENDPOINT: "::" }, /^IMDS_ENDPOINT must be/],
    ];
    for (const [env, message] of cases) {
      assert.throws(
        () => detectHost({ ...env, IDENTITY_HEADER: env.IDENTITY_HEADER === undefined ? "" : "SECRET-HEADER" }, SYSTEM, noAgent),
        (e: Error) => e instanceof RangeError && message.test(e.message) && !e.message.includes("SECRET-HEADER") && !e.message.includes(":pw@"),
      );
    }
  });
});

describe("expires_on forms", () => {
  const at = Date.UTC(2026, 10, 21, 10, 0, 0);
  const forms: Array<[unknown, number | null]> = [
    [at / 1000, at],
    [String(at / 1000), at],
    ["2026-11-21T10:00:00.000Z", at],
    ["2026-11-21T10:00:00Z", at],
    ["2026-11-21T11:00:00+01:00", at],
    ["11/21/2026 10:00:00 +00:00", at],
    ["11/21/2026 10:00:00 AM +00:00", at],
    ["11/21/2026 12:00:00 PM +02:00", at],
    ["11/21/2026 5:00:00 AM -05:00", at],
    ["11/21/2026 12:30:00 AM +00:00", Date.UTC(2026, 10, 21, 0, 30, 0)],
    ["2026-11-21T10:00:00", null], // no zone: ambiguous
    ["tomorrow", null],
    ["13/21/2026 10:00:00 +00:00", null],
    ["11/21/2026 13:00:00 PM +00:00", null],
    [true, null],
    [-5, null],
    [Number.NaN, null],
  ];
  for (const [value, expected] of forms) {
    it(`${JSON.stringify(value)} -> ${expected === null ? "rejected" : new Date(expected).toISOString()}`, () => {
      assert.equal(parseExpiresOn(value, parseAppServiceDate), expected);
    });
  }
  it("the App Service form is read only where managed identity passes its parser (not on the token endpoint's path)", () => {
    assert.equal(parseExpiresOn("11/21/2026 10:00:00 +00:00"), null);
    assert.equal(parseExpiresOn("2026-11-21T10:00:00Z"), at);
  });
});

describe("host error bodies", () => {
  it("reads every host's shape and redacts secrets", () => {
    assert.deepEqual(parseHostErrorBody(JSON.stringify({ error: "invalid_request", error_description: "Identity not found" }), []), {
      code: "invalid_request",
      message: "Identity not found",
      correlationId: undefined,
    });
    assert.deepEqual(parseHostErrorBody(JSON.stringify({ error: { code: "SecretHeaderNotFound", message: "Secret is not found", correlationId: "c1" } }), []), {
      code: "SecretHeaderNotFound",
      message: "Secret is not found",
      correlationId: "c1",
    });
    assert.deepEqual(parseHostErrorBody(JSON.stringify({ statusCode: 400, message: "Unable to load the proper Managed Identity.", correlationId: "c2" }), []), {
      code: undefined,
      message: "Unable to load the proper Managed Identity.",
      correlationId: "c2",
    });
    const echoed = parseHostErrorBody("bad header value s3cr3t-header and eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.sig", ["s3cr3t-header"]);
    assert.ok(!echoed.message.includes("s3cr3t-header") && !echoed.message.includes("eyJhbGciOiJub25lIn0"), echoed.message);
  });
});
