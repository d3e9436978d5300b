// Fidelity: Microsoft's own @azure/identity 4.13.1 (MSAL for Node inside) gets tokens from the azid
// emulator. If MSAL accepts the emulator's discovery document, token and error responses, and the
// emulator accepts MSAL's requests and assertions, the emulator speaks Entra ID, not just azid.
// Runs in a child process: @azure/identity trusts the emulator's CA only via NODE_EXTRA_CA_CERTS.
import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import type { RecordedRequest } from "@azid/emulator";
import { decodeJwt, useEmulator } from "../support/emulator.js";
import { parseChildJson, runNodeScript } from "./nodeChild.js";

const STORAGE = "https://storage.azure.com/.default";
const CHILD = fileURLToPath(new URL("./azureIdentityClient.mjs", import.meta.url));
const CERTIFICATE_PATH = fileURLToPath(new URL("../fixtures/certificates/cert.pem", import.meta.url));
const LEAF_PEM = readFileSync(CERTIFICATE_PATH, "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const env = useEmulator();

interface ChildToken {
  token: string;
  expiresOnTimestamp: number;
  tokenType: string;
  cached: boolean;
  error?: { name: string; message: string };
}

/** Runs @azure/identity in a child process and returns what it printed plus what the emulator saw. */
async function runAzureIdentity(scenario: "secret" | "certificate", app: { clientId: string; secret: string }) {
  const before = env.emu.requests.length;
  const result = await runNodeScript(CHILD, [scenario], {
    ...env.childEnv(app),
    AZID_TEST_CERTIFICATE_PATH: CERTIFICATE_PATH,
    AZID_TEST_SCOPE: STORAGE,
  });
  return { output: parseChildJson<ChildToken>(result), requests: env.emu.requests.slice(before) };
}

function assertSucceeded(output: ChildToken): void {
  assert.equal(output.error, undefined, `@azure/identity failed: ${output.error?.name}: ${output.error?.message}`);
}

/** What MSAL sends on every token request, whatever the client authentication. */
function assertMsalTokenRequest(requests: RecordedRequest[], clientId: string): RecordedRequest {
  // MSAL reads the emulator's OIDC document, then posts to the token endpoint it names.
  assert.deepEqual(
    requests.map((r) => [r.method, r.route]),
    [
      ["GET", "openid-configuration"],
      ["POST", "token"],
    ],
  );
  assert.equal(requests[0]!.path, `/${env.tenantId}/v2.0/.well-known/openid-configuration`);
  const sent = requests[1]!;
  assert.equal(sent.path, `/${env.tenantId}/oauth2/v2.0/token`);
  assert.match(sent.headers["user-agent"] ?? "", /azsdk-js-identity\/4\.13\.1/);
  assert.match(sent.headers["content-type"] ?? "", /^application\/x-www-form-urlencoded/);
  assert.match(sent.query["client-request-id"] ?? "", UUID);
  assert.equal(sent.form!["client-request-id"], sent.query["client-request-id"]);
  assert.equal(sent.form!["x-client-SKU"], "msal.js.node");
  assert.equal(sent.form!.grant_type, "client_credentials");
  assert.equal(sent.form!.client_id, clientId);
  assert.equal(sent.form!.scope, STORAGE);
  assert.equal(sent.status, 200);
  return sent;
}

function assertAppToken(output: ChildToken, clientId: string, roles: string[]): void {
  const { payload } = env.emu.decodeToken(output.token); // signed by the emulator's key
  assert.deepEqual(decodeJwt(output.token).payload, payload);
  assert.equal(payload.aud, "https://storage.azure.com");
  assert.equal(payload.appid, clientId);
  assert.equal(payload.tid, env.tenantId);
  assert.equal(payload.iss, `https://sts.windows.net/${env.tenantId}/`);
  assert.deepEqual(payload.roles, roles);
  assert.equal(output.tokenType, "Bearer");
  // MSAL derives expiry from expires_in; it must agree with the token's own exp.
  assert.ok(
    Math.abs(output.expiresOnTimestamp - (payload.exp as number) * 1000) < 5000,
    `expiresOnTimestamp ${output.expiresOnTimestamp} vs exp ${payload.exp}`,
  );
  assert.equal(output.cached, true, "MSAL served the second getToken from its cache");
}

describe("@azure/identity 4.13.1 against the azid emulator", () => {
  it("ClientSecretCredential: discovery and the client credentials grant work as with Entra ID", async () => {
    const app = env.addApp({ roles: ["Blob.Read"] });
    const { output, requests } = await runAzureIdentity("secret", app);
    assertSucceeded(output);
    const sent = assertMsalTokenRequest(requests, app.clientId);
    assert.equal(sent.form!.client_secret, app.secret);
    assert.equal(sent.form!.client_assertion, undefined);
    assertAppToken(output, app.clientId, ["Blob.Read"]);
  });

  it("ClientCertificateCredential: MSAL's PS256 assertion with x5t#S256 verifies against the registered certificate", async () => {
    const app = env.addApp({ secrets: [], certificates: [LEAF_PEM], roles: ["Blob.Write"] });
    const { output, requests } = await runAzureIdentity("certificate", app);
    assertSucceeded(output);
    const sent = assertMsalTokenRequest(requests, app.clientId);
    assert.equal(sent.form!.client_secret, undefined);
    assert.equal(sent.form!.client_assertion_type, "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    const assertion = decodeJwt(sent.form!.client_assertion!);
    const thumbprint = createHash("sha256").update(new X509Certificate(LEAF_PEM).raw).digest("base64url");
    assert.deepEqual(assertion.header, { alg: "PS256", typ: "JWT", "x5t#S256": thumbprint });
    assert.equal(assertion.payload.aud, `${env.emu.url}/${env.tenantId}/oauth2/v2.0/token`);
    assert.equal(assertion.payload.iss, app.clientId);
    assert.equal(assertion.payload.sub, app.clientId);
    assert.match(String(assertion.payload.jti), UUID);
    assertAppToken(output, app.clientId, ["Blob.Write"]);
  });

  it("a wrong secret: MSAL renders the emulator's error response (AADSTS code, description, ids) as with Entra ID", async () => {
    const app = env.addApp({ secrets: ["the~right~secret"] });
    const { output, requests } = await runAzureIdentity("secret", { clientId: app.clientId, secret: "a~wrong~secret" });
    assert.ok(output.error, "@azure/identity got a token with a wrong secret");
    // Upstream maps MSAL's ServerError to AuthenticationRequiredError, with Entra ID too; the
    // message is MSAL's rendering of error, error_codes, timestamp, error_description and the ids.
    assert.equal(output.error.name, "AuthenticationRequiredError");
    const tokenRequests = requests.filter((r) => r.route === "token");
    assert.deepEqual(
      tokenRequests.map((r) => r.status),
      [401],
    );
    const match =
      /^invalid_client: Error\(s\): 7000215 - Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ - Description: AADSTS7000215: .+ - Correlation ID: ([0-9a-f-]{36}) - Trace ID: ([0-9a-f-]{36})$/s.exec(
        output.error.message,
      );
    assert.ok(match, output.error.message);
    // Entra ID echoes the caller's client-request-id as the correlation id.
    assert.equal(match[1], tokenRequests[0]!.query["client-request-id"]);
    assert.ok(!output.error.message.includes("a~wrong~secret"));
  });
});
