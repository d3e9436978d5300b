// Microsoft's @azure/msal-node against the emulator: the confidential client with a secret and a
// certificate, and ManagedIdentityApplication on every host it supports (its own source list:
// App Service, Azure Arc, Cloud Shell, Azure ML, Service Fabric, IMDS). Runs in child processes,
// where NODE_EXTRA_CA_CERTS makes the emulator's CA trusted, as it would be for a user.
import { after, before, describe } from "node:test";
import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_SYSTEM_IDENTITY_CLIENT_ID,
  DEFAULT_TENANT_ID,
  DEFAULT_USER_IDENTITY_CLIENT_ID,
  type ManagedIdentityHost,
  type RecordedRequest,
} from "@azid/emulator";
import { parseChildJson, runNodeScript } from "../../../identity/test/integration/nodeChild.js";
import { startTestEmulator, tempDir } from "../support/client.js";
import { clientResults } from "./support/results.js";

const CHILD = fileURLToPath(new URL("./support/msalNodeClient.mjs", import.meta.url));
const STORAGE = "https://storage.azure.com/.default";
// msal-node reads Azure Arc's challenge key only from the agent's own folder (and refuses others).
const ARC_AGENT_TOKENS = "/var/opt/azcmagent/tokens";
const msalVersion = (JSON.parse(readFileSync(fileURLToPath(import.meta.resolve("@azure/msal-node/package.json")), "utf8")) as { version: string }).version;

interface MsalOutcome {
  token?: string;
  expiresOn?: number;
  cached?: boolean;
  source?: string;
  error?: { name: string; errorCode?: string; message: string };
}

const results = clientResults("msal-node", `@azure/msal-node ${msalVersion}`);

describe("@azure/msal-node against the emulator", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  let arcEmu: Awaited<ReturnType<typeof startTestEmulator>> | undefined;
  let arcUnavailable: string | undefined;
  let createdArcFolder: string | undefined;
  const files = tempDir("msal-node");
  const certificatePath = join(files, "client.pem");
  const serviceFabricTrust = join(files, "trust.pem");
  let certificateSha256 = "";

  before(async () => {
    emu = await startTestEmulator({ rejectReplayedAssertions: false, recordSecrets: true });
    const certificate = await emu.createClientCertificate("msal-node-client");
    writeFileSync(certificatePath, certificate.keyPem + certificate.certPem, { mode: 0o600 });
    certificateSha256 = createHash("sha256").update(new X509Certificate(certificate.certPem).raw).digest("hex");
    emu.config.tenants[0]!.apps.find((app) => app.clientId === DEFAULT_CLIENT_ID)!.certificates!.push(certificate.certPem);
    // msal-node does not pin IDENTITY_SERVER_THUMBPRINT: it needs the cluster's certificate trusted.
    writeFileSync(serviceFabricTrust, emu.caCertPem + emu.managedIdentity.serviceFabricCertPem);
    if (process.getuid?.() !== 0) arcUnavailable = `msal-node reads Azure Arc keys only from ${ARC_AGENT_TOKENS}, which needs root to create`;
    else {
      // The first folder this made (e.g. /var/opt/azcmagent), removed again afterwards; undefined if it existed.
      createdArcFolder = mkdirSync(ARC_AGENT_TOKENS, { recursive: true, mode: 0o700 });
      arcEmu = await startTestEmulator({ recordSecrets: true, managedIdentity: { arcTokenDirectory: ARC_AGENT_TOKENS } });
    }
  });
  after(async () => {
    await Promise.all([emu?.stop(), arcEmu?.stop()]);
    if (createdArcFolder !== undefined) rmSync(createdArcFolder, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  });

  async function run(target: typeof emu, scenario: string, env: Record<string, string>, expectError = false) {
    const before = target.requests.length;
    const output = parseChildJson<MsalOutcome>(await runNodeScript(CHILD, [scenario], { ...process.env, ...target.env(), AZID_TEST_SCOPE: STORAGE, ...env }));
    if (!expectError) assert.equal(output.error, undefined, `${output.error?.name} ${output.error?.errorCode}: ${output.error?.message}`);
    return { output, requests: target.requests.slice(before) };
  }

  function assertToken(target: typeof emu, output: MsalOutcome, appid: string): Record<string, unknown> {
    const { payload } = target.decodeToken(output.token!);
    assert.equal(payload.aud, "https://storage.azure.com");
    assert.equal(payload.appid, appid);
    assert.equal(payload.tid, DEFAULT_TENANT_ID);
    assert.ok(Math.abs(output.expiresOn! - (payload.exp as number) * 1000) < 5000, `expiresOn ${output.expiresOn} vs exp ${payload.exp}`);
    assert.equal(output.cached, true, "the second call came from msal-node's cache");
    return payload;
  }

  function msalTokenRequest(requests: RecordedRequest[]): RecordedRequest {
    // knownAuthorities: no instance discovery; msal-node reads the tenant's OIDC document, then posts.
    assert.deepEqual(
      requests.map((r) => [r.route, r.status]),
      [
        ["openid-configuration", 200],
        ["token", 200],
      ],
    );
    const sent = requests[1]!;
    assert.equal(sent.form!["x-client-SKU"], "msal.js.node");
    assert.equal(sent.form!["x-client-VER"], msalVersion);
    assert.equal(sent.form!.grant_type, "client_credentials");
    return sent;
  }

  results.case("ConfidentialClientApplication, client secret", async () => {
    const { output, requests } = await run(emu, "secret", {});
    assertToken(emu, output, DEFAULT_CLIENT_ID);
    assert.ok(msalTokenRequest(requests).form!.client_secret);
  });

  results.case("ConfidentialClientApplication, wrong secret: msal-node's ServerError carries the AADSTS error", async () => {
    const wrong = "not~the~secret_42";
    const { output, requests } = await run(emu, "secret", { AZURE_CLIENT_SECRET: wrong }, true);
    assert.equal(output.error?.name, "ServerError");
    assert.equal(output.error?.errorCode, "invalid_client");
    assert.match(output.error?.message ?? "", /AADSTS7000215: Invalid client secret provided/);
    assert.ok(!output.error?.message.includes(wrong));
    assert.deepEqual(
      requests.filter((r) => r.route === "token").map((r) => r.status),
      [401],
    );
  });

  results.case("ConfidentialClientApplication, certificate (PS256, x5t#S256)", async () => {
    const { output, requests } = await run(emu, "certificate", {
      AZID_TEST_CERTIFICATE_PATH: certificatePath,
      AZID_TEST_CERTIFICATE_SHA256: certificateSha256,
    });
    assertToken(emu, output, DEFAULT_CLIENT_ID);
    const sent = msalTokenRequest(requests);
    const header = JSON.parse(Buffer.from(sent.form!.client_assertion!.split(".")[0]!, "base64url").toString("utf8")) as Record<string, string>;
    assert.equal(header.alg, "PS256");
    assert.equal(header["x5t#S256"], Buffer.from(certificateSha256, "hex").toString("base64url"));
  });

  const hosts: Array<{ name: string; host: ManagedIdentityHost; source: string; clientId?: string; expected: string; env?: () => Record<string, string> }> = [
    // msal-node names IMDS "DefaultToImds": it is what's left when no other host is announced.
    { name: "IMDS, system-assigned", host: "imds", source: "DefaultToImds", expected: DEFAULT_SYSTEM_IDENTITY_CLIENT_ID },
    {
      name: "IMDS, user-assigned by client id",
      host: "imds",
      source: "DefaultToImds",
      clientId: DEFAULT_USER_IDENTITY_CLIENT_ID,
      expected: DEFAULT_USER_IDENTITY_CLIENT_ID,
    },
    { name: "App Service, system-assigned", host: "appService", source: "AppService", expected: DEFAULT_SYSTEM_IDENTITY_CLIENT_ID },
    {
      name: "App Service, user-assigned by client id",
      host: "appService",
      source: "AppService",
      clientId: DEFAULT_USER_IDENTITY_CLIENT_ID,
      expected: DEFAULT_USER_IDENTITY_CLIENT_ID,
    },
    {
      name: "Service Fabric (cluster certificate trusted)",
      host: "serviceFabric",
      source: "ServiceFabric",
      expected: DEFAULT_SYSTEM_IDENTITY_CLIENT_ID,
      env: () => ({ NODE_EXTRA_CA_CERTS: serviceFabricTrust }),
    },
    { name: "Azure ML", host: "azureMl", source: "MachineLearning", expected: DEFAULT_SYSTEM_IDENTITY_CLIENT_ID },
    { name: "Cloud Shell", host: "cloudShell", source: "CloudShell", expected: DEFAULT_SYSTEM_IDENTITY_CLIENT_ID },
  ];
  for (const { name, host, source, clientId, expected, env } of hosts) {
    results.case(`ManagedIdentityApplication: ${name}`, async () => {
      const { output, requests } = await run(emu, "managedIdentity", {
        ...emu.managedIdentity.env(host),
        ...(clientId === undefined ? {} : { AZID_TEST_MI_CLIENT_ID: clientId }),
        ...env?.(),
      });
      assert.equal(output.source, source);
      assert.equal(assertToken(emu, output, expected).idtyp, "app");
      assert.deepEqual(
        requests.map((r) => [r.route, r.status]),
        [[host, 200]],
        "one request to the host; the second token came from the cache",
      );
    });
  }

  results.case(
    `ManagedIdentityApplication: Azure Arc (key file in ${ARC_AGENT_TOKENS})`,
    async () => {
      assert.ok(arcEmu, arcUnavailable);
      const { output, requests } = await run(arcEmu, "managedIdentity", arcEmu.managedIdentity.env("azureArc"));
      assert.equal(output.source, "AzureArc");
      assertToken(arcEmu, output, DEFAULT_SYSTEM_IDENTITY_CLIENT_ID);
      // The challenge (401 with the key file's path), then the answer with the file's content.
      assert.deepEqual(
        requests.map((r) => [r.route, r.status]),
        [
          ["azureArc", 401],
          ["azureArc", 200],
        ],
      );
      assert.match(requests[1]!.headers.authorization ?? "", /^Basic \S+$/);
    },
    () => (process.env.CI ? undefined : arcUnavailable),
  );
});
