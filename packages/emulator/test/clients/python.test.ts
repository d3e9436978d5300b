// Debian's Python azure-identity (1.13, from python3-azure) with msal (python3-msal), run by
// Debian's /usr/bin/python3 against the emulator: a client nobody here wrote, in a language with
// no network guard, so it runs in a network namespace with only loopback (loopbackBridge.ts).
// The packages come with the azure-cli package (scripts/system-deps.mjs), which depends on both.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_PASSWORD,
  DEFAULT_PUBLIC_CLIENT_ID,
  DEFAULT_SYSTEM_IDENTITY_CLIENT_ID,
  DEFAULT_TENANT_ID,
  DEFAULT_USER_IDENTITY_CLIENT_ID,
  DEFAULT_USERNAME,
  type ManagedIdentityHost,
  type RecordedRequest,
} from "@azid/emulator";
import { startTestEmulator, tempDir } from "../support/client.js";
import { lastJsonLine, loopbackNamespaceUnavailable, runInLoopbackNamespace } from "./support/loopbackBridge.js";
import { clientResults } from "./support/results.js";

const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./python/azure_identity_client.py", import.meta.url));
const STORAGE = "https://storage.azure.com/.default";

interface PythonOutcome {
  token?: string;
  expires_on?: number;
  cached?: boolean;
  credential?: string;
  error?: { type: string; message: string };
}

const results = clientResults("python-azure-identity", "Python azure-identity + msal (Debian)");

describe("Debian's Python azure-identity and msal against the emulator, in a loopback-only network namespace", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  let unavailable: string | undefined;
  let versions: { azure_identity: string; msal: string; python: string } | undefined;
  const files = tempDir("python");
  const certificatePath = join(files, "client.pem");

  const portOf = (url: string) => Number(new URL(url).port);

  const runPython = (scenario: string, env: Record<string, string>, onLine?: (line: string) => void) =>
    runInLoopbackNamespace(PYTHON, [SCRIPT, scenario], {
      ports: emu === undefined ? [] : [portOf(emu.url), portOf(emu.managedIdentity.httpUrl), portOf(emu.managedIdentity.serviceFabricUrl)],
      // msal-python's home realm discovery (username/password) asks https://<host>/common/userrealm/
      // without the authority's port: inside the namespace, 443 leads to the emulator too.
      aliases: emu === undefined ? {} : { 443: portOf(emu.url) },
      // Nothing from the test's own environment: a Python client sees only what a user would set.
      env: { PATH: "/usr/bin:/bin", HOME: files, LANG: "C.UTF-8", REQUESTS_CA_BUNDLE: emu?.caCertPath ?? "", AZID_TEST_SCOPE: STORAGE, ...env },
      ...(onLine === undefined ? {} : { onStdoutLine: onLine }),
    });

  before(async () => {
    unavailable = await loopbackNamespaceUnavailable();
    if (unavailable === undefined) {
      const probe = await runInLoopbackNamespace(PYTHON, [SCRIPT, "versions"], { ports: [], env: { PATH: "/usr/bin:/bin", HOME: files } });
      if (probe.code === 0) versions = lastJsonLine(probe);
      else
        unavailable = `Debian's azure-identity is not importable by ${PYTHON} (install the azure-cli package: node scripts/system-deps.mjs): ${probe.stderr.trim().split("\n").at(-1)}`;
    }
    if (versions !== undefined) results.client = `Python azure-identity ${versions.azure_identity} + msal ${versions.msal} (Debian, Python ${versions.python})`;
    emu = await startTestEmulator({ deviceCodeIntervalSeconds: 1, recordSecrets: true });
    const certificate = await emu.createClientCertificate("python-client");
    writeFileSync(certificatePath, certificate.keyPem + certificate.certPem, { mode: 0o600 });
    emu.config.tenants[0]!.apps.find((app) => app.clientId === DEFAULT_CLIENT_ID)!.certificates!.push(certificate.certPem);
  });
  after(async () => {
    await emu?.stop();
    rmSync(files, { recursive: true, force: true });
  });

  // Missing Python or unshare: skipped with the reason on a developer's machine, a failure in CI.
  const skip = () => (process.env.CI ? undefined : unavailable);
  const ensureAvailable = () => assert.equal(unavailable, undefined, unavailable);

  /** Runs a scenario; returns the outcome and the requests it made. */
  async function scenario(name: string, env: Record<string, string>, onLine?: (line: string) => void, expectError = false) {
    ensureAvailable();
    const before = emu.requests.length;
    const outcome = lastJsonLine<PythonOutcome>(await runPython(name, env, onLine));
    if (!expectError) assert.equal(outcome.error, undefined, `${outcome.error?.type}: ${outcome.error?.message}`);
    return { outcome, requests: emu.requests.slice(before) };
  }

  function assertTokenFor(outcome: PythonOutcome, appid: string): Record<string, unknown> {
    const { payload } = emu.decodeToken(outcome.token!);
    assert.equal(payload.aud, "https://storage.azure.com");
    assert.equal(payload.appid, appid);
    assert.equal(payload.tid, DEFAULT_TENANT_ID);
    assert.ok(Math.abs(outcome.expires_on! - (payload.exp as number)) <= 5, `expires_on ${outcome.expires_on} vs exp ${payload.exp}`);
    assert.equal(outcome.cached, true, "the second get_token came from the client's own cache");
    return payload;
  }

  /** The one token request the client made; through msal-python unless `viaMsal` is false. */
  function msalTokenRequest(requests: RecordedRequest[], viaMsal = true): RecordedRequest {
    const tokens = requests.filter((r) => r.route === "token");
    assert.equal(tokens.length, 1, `token requests: ${tokens.map((r) => r.status).join(", ")}`);
    const sent = tokens[0]!;
    assert.equal(sent.status, 200);
    if (viaMsal) {
      assert.equal(sent.headers["x-client-sku"], "MSAL.Python");
      assert.equal(sent.headers["x-client-ver"], versions?.msal);
    }
    assert.match(sent.headers["user-agent"] ?? "", /azsdk-python-identity\/1\.13/);
    return sent;
  }

  it("the namespace reaches nothing but the bridged loopback ports", async (t) => {
    if (skip() !== undefined) return t.skip(skip());
    ensureAvailable();
    const probe = `
import socket
for host, port in (("10.255.255.1", 443), ("127.0.0.1", ${portOf(emu.url) === 1 ? 2 : 1})):
    try:
        socket.create_connection((host, port), timeout=5).close()
        print(host, "connected")
    except OSError as error:
        print(host, type(error).__name__)
`;
    const result = await runInLoopbackNamespace(PYTHON, ["-c", probe], { ports: [portOf(emu.url)], env: { PATH: "/usr/bin:/bin" } });
    assert.equal(result.stdout, "10.255.255.1 OSError\n127.0.0.1 ConnectionRefusedError\n", result.stderr);
  });

  const secretEnv = { AZURE_TENANT_ID: DEFAULT_TENANT_ID, AZURE_CLIENT_ID: DEFAULT_CLIENT_ID, AZURE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET };
  const authority = () => ({ AZURE_AUTHORITY_HOST: emu.url });

  results.case(
    "ClientSecretCredential",
    async () => {
      const { outcome, requests } = await scenario("secret", { ...authority(), ...secretEnv });
      assertTokenFor(outcome, DEFAULT_CLIENT_ID);
      const sent = msalTokenRequest(requests);
      assert.equal(sent.form!.grant_type, "client_credentials");
      assert.equal(sent.form!.client_secret, DEFAULT_CLIENT_SECRET);
      assert.ok(!requests.some((r) => r.route === "instance-discovery"), "instance_discovery=False skips discovery");
    },
    skip,
  );

  results.case(
    "ClientSecretCredential, wrong secret: the emulator's AADSTS error reaches the caller",
    async () => {
      const wrong = "not~the~secret_42";
      const { outcome, requests } = await scenario("secret", { ...authority(), ...secretEnv, AZURE_CLIENT_SECRET: wrong }, undefined, true);
      assert.equal(outcome.error?.type, "ClientAuthenticationError");
      assert.match(outcome.error?.message ?? "", /AADSTS7000215: Invalid client secret provided/);
      assert.ok(!outcome.error?.message.includes(wrong), "the secret is not in the message");
      assert.deepEqual(
        requests.filter((r) => r.route === "token").map((r) => r.status),
        [401],
      );
    },
    skip,
  );

  results.case(
    "an unknown resource: AADSTS500011, as from Entra",
    async () => {
      const { outcome, requests } = await scenario(
        "secret",
        { ...authority(), ...secretEnv, AZID_TEST_SCOPE: "api://azid-no-such-api/.default" },
        undefined,
        true,
      );
      assert.equal(outcome.error?.type, "ClientAuthenticationError");
      assert.match(outcome.error?.message ?? "", /AADSTS500011: The resource principal named api:\/\/azid-no-such-api was not found/);
      assert.deepEqual(
        requests.filter((r) => r.route === "token").map((r) => r.status),
        [400],
      );
    },
    skip,
  );

  results.case(
    "UsernamePasswordCredential (home realm discovery on port 443)",
    async () => {
      const { outcome, requests } = await scenario("username_password", {
        ...authority(),
        AZURE_TENANT_ID: DEFAULT_TENANT_ID,
        AZID_TEST_PUBLIC_CLIENT_ID: DEFAULT_PUBLIC_CLIENT_ID,
        AZID_TEST_USERNAME: DEFAULT_USERNAME,
        AZID_TEST_PASSWORD: DEFAULT_PASSWORD,
      });
      const { payload } = emu.decodeToken(outcome.token!);
      assert.equal(payload.upn, DEFAULT_USERNAME);
      assert.equal(payload.appid, DEFAULT_PUBLIC_CLIENT_ID);
      assert.equal(outcome.cached, true);
      assert.deepEqual(
        requests.filter((r) => r.route === "userrealm").map((r) => [r.path, r.status]),
        [[`/common/userrealm/${DEFAULT_USERNAME}`, 200]],
      );
      const sent = msalTokenRequest(requests);
      assert.equal(sent.form!.grant_type, "password");
    },
    skip,
  );

  results.case(
    "CertificateCredential (PEM; msal signs RS256 with a padded x5t)",
    async () => {
      const { outcome, requests } = await scenario("certificate", {
        ...authority(),
        AZURE_TENANT_ID: DEFAULT_TENANT_ID,
        AZURE_CLIENT_ID: DEFAULT_CLIENT_ID,
        AZID_TEST_CERTIFICATE_PATH: certificatePath,
      });
      assertTokenFor(outcome, DEFAULT_CLIENT_ID);
      const sent = msalTokenRequest(requests);
      assert.equal(sent.form!.client_secret, undefined);
      const header = JSON.parse(Buffer.from(sent.form!.client_assertion!.split(".")[0]!, "base64url").toString("utf8")) as Record<string, string>;
      assert.equal(header.alg, "RS256");
      assert.match(header.x5t ?? "", /^[A-Za-z0-9_-]{27}=$/, "msal-python 1.21 sends the SHA-1 thumbprint base64url with its '=' padding");
    },
    skip,
  );

  results.case(
    "EnvironmentCredential (secret)",
    async () => {
      const { outcome, requests } = await scenario("environment", { ...authority(), ...secretEnv });
      assert.equal(outcome.credential, "EnvironmentCredential");
      assertTokenFor(outcome, DEFAULT_CLIENT_ID);
      assert.equal(msalTokenRequest(requests).form!.client_secret, DEFAULT_CLIENT_SECRET);
    },
    skip,
  );

  results.case(
    "EnvironmentCredential (certificate)",
    async () => {
      const { outcome, requests } = await scenario("environment", {
        ...authority(),
        AZURE_TENANT_ID: DEFAULT_TENANT_ID,
        AZURE_CLIENT_ID: DEFAULT_CLIENT_ID,
        AZURE_CLIENT_CERTIFICATE_PATH: certificatePath,
      });
      assertTokenFor(outcome, DEFAULT_CLIENT_ID);
      assert.ok(msalTokenRequest(requests).form!.client_assertion);
    },
    skip,
  );

  results.case(
    "DeviceCodeCredential (approved through the emulator)",
    async () => {
      const shown: string[] = [];
      const { outcome, requests } = await scenario(
        "device_code",
        { ...authority(), AZURE_TENANT_ID: DEFAULT_TENANT_ID, AZID_TEST_PUBLIC_CLIENT_ID: DEFAULT_PUBLIC_CLIENT_ID },
        (line) => {
          const announced = JSON.parse(line) as { user_code?: string; verification_uri?: string };
          if (announced.user_code === undefined) return;
          shown.push(announced.verification_uri!);
          emu.deviceCode.approve(announced.user_code); // what the person does on /devicelogin
        },
      );
      assert.deepEqual(shown, [`${emu.url}/devicelogin`]);
      const { payload } = emu.decodeToken(outcome.token!);
      assert.equal(payload.upn, DEFAULT_USERNAME);
      assert.equal(payload.appid, DEFAULT_PUBLIC_CLIENT_ID);
      assert.equal(outcome.cached, true);
      assert.equal(requests.filter((r) => r.route === "devicecode").length, 1);
      assert.equal(requests.filter((r) => r.route === "token" && r.status === 200).length, 1);
    },
    skip,
  );

  // Every host azure-identity 1.13's ManagedIdentityCredential detects, in its own order.
  const hosts: Array<{ name: string; host: ManagedIdentityHost; route: string; clientId?: string; expected: string }> = [
    { name: "IMDS, system-assigned", host: "imds", route: "imds", expected: DEFAULT_SYSTEM_IDENTITY_CLIENT_ID },
    {
      name: "IMDS, user-assigned by client_id",
      host: "imds",
      route: "imds",
      clientId: DEFAULT_USER_IDENTITY_CLIENT_ID,
      expected: DEFAULT_USER_IDENTITY_CLIENT_ID,
    },
    { name: "App Service, system-assigned", host: "appService", route: "appService", expected: DEFAULT_SYSTEM_IDENTITY_CLIENT_ID },
    {
      name: "App Service, user-assigned by client_id",
      host: "appService",
      route: "appService",
      clientId: DEFAULT_USER_IDENTITY_CLIENT_ID,
      expected: DEFAULT_USER_IDENTITY_CLIENT_ID,
    },
    { name: "Service Fabric", host: "serviceFabric", route: "serviceFabric", expected: DEFAULT_SYSTEM_IDENTITY_CLIENT_ID },
    { name: "Azure Arc (challenge key file)", host: "azureArc", route: "azureArc", expected: DEFAULT_SYSTEM_IDENTITY_CLIENT_ID },
    { name: "Azure ML", host: "azureMl", route: "azureMl", expected: DEFAULT_SYSTEM_IDENTITY_CLIENT_ID },
    { name: "Cloud Shell", host: "cloudShell", route: "cloudShell", expected: DEFAULT_SYSTEM_IDENTITY_CLIENT_ID },
  ];
  for (const { name, host, route, clientId, expected } of hosts) {
    results.case(
      `ManagedIdentityCredential: ${name}`,
      async () => {
        const { outcome, requests } = await scenario("managed_identity", {
          ...emu.managedIdentity.env(host),
          ...(clientId === undefined ? {} : { AZID_TEST_MI_CLIENT_ID: clientId }),
        });
        const payload = assertTokenFor(outcome, expected);
        assert.equal(payload.idtyp, "app");
        const served = requests.filter((r) => r.route === route && r.status === 200);
        assert.equal(served.length, 1, `${route} requests: ${requests.map((r) => `${r.route} ${r.status}`).join(", ")}`);
        assert.match(served[0]!.headers["user-agent"] ?? "", /azsdk-python-identity\/1\.13/);
        assert.ok(!requests.some((r) => r.route === "token"), "no Entra token request: the host issued the token");
      },
      skip,
    );
  }

  results.case(
    "ManagedIdentityCredential: AKS token exchange (workload identity)",
    async () => {
      const workload = await emu.writeWorkloadIdentityToken({ path: join(files, "federated-token") });
      const { outcome, requests } = await scenario("managed_identity", workload);
      assertTokenFor(outcome, DEFAULT_CLIENT_ID);
      // azure-identity 1.13 posts this exchange with its own AadClient, not through msal.
      const sent = msalTokenRequest(requests, false);
      assert.equal(sent.form!.client_assertion, readFileSync(workload.AZURE_FEDERATED_TOKEN_FILE!, "utf8").trim());
      assert.equal(sent.form!.client_assertion_type, "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
      assert.equal(sent.form!.client_id, DEFAULT_CLIENT_ID);
    },
    skip,
  );
});
