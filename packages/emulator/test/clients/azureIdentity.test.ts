// Microsoft's @azure/identity 4.13.1 against the emulator, beside the fidelity tests that already
// check its ClientSecretCredential and ClientCertificateCredential on the wire
// (packages/identity/test/integration/azureIdentityFidelity.test.ts, azureIdentityCompat.test.ts):
// here EnvironmentCredential (secret and certificate), ManagedIdentityCredential on IMDS and App
// Service, and DeviceCodeCredential approved through the emulator.
import { after, before, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_PUBLIC_CLIENT_ID,
  DEFAULT_SYSTEM_IDENTITY_CLIENT_ID,
  DEFAULT_TENANT_ID,
  DEFAULT_USER_IDENTITY_CLIENT_ID,
  DEFAULT_USERNAME,
  type ManagedIdentityHost,
} from "@azid/emulator";
import { parseChildJson, runNodeScript } from "../../../identity/test/integration/nodeChild.js";
import { startTestEmulator, tempDir } from "../support/client.js";
import { clientResults } from "./support/results.js";

const CHILD = fileURLToPath(new URL("./support/azureIdentityClient.mjs", import.meta.url));
const STORAGE = "https://storage.azure.com/.default";
const version = (JSON.parse(readFileSync(fileURLToPath(import.meta.resolve("@azure/identity/package.json")), "utf8")) as { version: string }).version;

interface Outcome {
  token?: string;
  expiresOnTimestamp?: number;
  cached?: boolean;
  error?: { name: string; message: string };
}

const results = clientResults("azure-identity", `@azure/identity ${version}`);

describe("@azure/identity against the emulator: environment, managed identity, device code", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  const files = tempDir("azure-identity");
  const certificatePath = join(files, "client.pem");

  before(async () => {
    // msal-node reuses a certificate assertion for minutes and treats slow_down as fatal.
    emu = await startTestEmulator({ rejectReplayedAssertions: false, deviceCodeIntervalSeconds: 1, deviceCodeSlowDown: false, recordSecrets: true });
    const certificate = await emu.createClientCertificate("azure-identity-client");
    writeFileSync(certificatePath, certificate.keyPem + certificate.certPem, { mode: 0o600 });
    emu.config.tenants[0]!.apps.find((app) => app.clientId === DEFAULT_CLIENT_ID)!.certificates!.push(certificate.certPem);
  });
  after(async () => {
    await emu?.stop();
    rmSync(files, { recursive: true, force: true });
  });

  async function run(scenario: string, env: Record<string, string>, whileRunning?: (finished: () => boolean) => Promise<void>) {
    const before = emu.requests.length;
    let done = false;
    const child = runNodeScript(CHILD, [scenario], { ...process.env, ...emu.env(), AZID_TEST_SCOPE: STORAGE, ...env }).finally(() => (done = true));
    await whileRunning?.(() => done);
    const output = parseChildJson<Outcome>(await child);
    assert.equal(output.error, undefined, `${output.error?.name}: ${output.error?.message}`);
    assert.equal(output.cached, true, "the second getToken came from the cache");
    return { output, requests: emu.requests.slice(before), payload: emu.decodeToken(output.token!).payload };
  }

  function assertApp(payload: Record<string, unknown>, appid: string): void {
    assert.equal(payload.aud, "https://storage.azure.com");
    assert.equal(payload.appid, appid);
    assert.equal(payload.tid, DEFAULT_TENANT_ID);
  }

  results.case("EnvironmentCredential (secret)", async () => {
    const { payload, requests } = await run("environment", {});
    assertApp(payload, DEFAULT_CLIENT_ID);
    const token = requests.filter((r) => r.route === "token");
    assert.deepEqual(
      token.map((r) => [r.status, r.form?.client_id, typeof r.form?.client_secret]),
      [[200, DEFAULT_CLIENT_ID, "string"]],
    );
  });

  results.case("EnvironmentCredential (certificate)", async () => {
    const { payload, requests } = await run("environment", { AZURE_CLIENT_SECRET: "", AZURE_CLIENT_CERTIFICATE_PATH: certificatePath });
    assertApp(payload, DEFAULT_CLIENT_ID);
    const token = requests.filter((r) => r.route === "token");
    assert.deepEqual(
      token.map((r) => [r.status, r.form?.client_secret, r.form?.client_assertion_type]),
      [[200, undefined, "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"]],
    );
  });

  const hosts: Array<{ name: string; host: ManagedIdentityHost; clientId?: string; expected: string }> = [
    { name: "IMDS, system-assigned", host: "imds", expected: DEFAULT_SYSTEM_IDENTITY_CLIENT_ID },
    { name: "IMDS, user-assigned by client id", host: "imds", clientId: DEFAULT_USER_IDENTITY_CLIENT_ID, expected: DEFAULT_USER_IDENTITY_CLIENT_ID },
    { name: "App Service, system-assigned", host: "appService", expected: DEFAULT_SYSTEM_IDENTITY_CLIENT_ID },
    {
      name: "App Service, user-assigned by client id",
      host: "appService",
      clientId: DEFAULT_USER_IDENTITY_CLIENT_ID,
      expected: DEFAULT_USER_IDENTITY_CLIENT_ID,
    },
  ];
  for (const { name, host, clientId, expected } of hosts) {
    results.case(`ManagedIdentityCredential: ${name}`, async () => {
      // Only the host's variables: no app credentials for EnvironmentCredential-like fallbacks.
      const { payload, requests } = await run("managedIdentity", {
        AZURE_CLIENT_ID: "",
        AZURE_CLIENT_SECRET: "",
        ...emu.managedIdentity.env(host),
        ...(clientId === undefined ? {} : { AZID_TEST_MI_CLIENT_ID: clientId }),
      });
      assertApp(payload, expected);
      const served = requests.filter((r) => r.route === host && r.status === 200);
      assert.equal(served.length, 1, `requests: ${requests.map((r) => `${r.route} ${r.status}`).join(", ")}`);
      assert.ok(!requests.some((r) => r.route === "token"));
    });
  }

  results.case("DeviceCodeCredential (approved through the emulator)", async () => {
    const { payload, requests } = await run("deviceCode", { AZID_TEST_PUBLIC_CLIENT_ID: DEFAULT_PUBLIC_CLIENT_ID }, async (finished) => {
      // What the person does on /devicelogin, once the code is there (or never, if the child failed).
      while (!finished()) {
        const code = emu.deviceCode.pending().find((pending) => pending.clientId === DEFAULT_PUBLIC_CLIENT_ID);
        if (code !== undefined) return emu.deviceCode.approve(code.userCode);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    assert.equal(payload.upn, DEFAULT_USERNAME);
    assert.equal(payload.appid, DEFAULT_PUBLIC_CLIENT_ID);
    assert.equal(requests.filter((r) => r.route === "devicecode").length, 1);
    assert.ok(requests.some((r) => r.route === "token" && r.status === 200 && r.form?.grant_type === "device_code"));
  });
});
