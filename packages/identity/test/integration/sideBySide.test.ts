// Side by side: the same scenarios through @azure/identity 4.13.1 and through azid, each in its own
// child process against the emulator over HTTPS, and the outcomes compared. Where azid differs on
// purpose (a refused secret is an AuthenticationError, not "sign in interactively"), the test says so.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { useEmulator } from "../support/emulator.js";
import { parseChildJson, runNodeScript } from "./nodeChild.js";

const CHILD = fileURLToPath(new URL("./sideBySideClient.mjs", import.meta.url));
const env = useEmulator();

async function both(scenario: string, app: { clientId: string; secret: string }): Promise<{ azure: any; azid: any }> {
  // Managed identity is pointed at a closed loopback port: unavailable in both, and nothing leaves loopback.
  const childEnv = { ...env.childEnv(app), AZURE_LOG_LEVEL: "", AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:1" };
  const [azure, azid] = await Promise.all(["azure", "azid"].map(async (lib) => parseChildJson<any>(await runNodeScript(CHILD, [lib, scenario], childEnv))));
  return { azure, azid };
}

describe("side by side with @azure/identity 4.13.1", () => {
  it("client secret: the same token claims and type", async () => {
    const { azure, azid } = await both("secret", env.addApp());
    assert.equal(azure.thrown, undefined, JSON.stringify(azure));
    assert.deepEqual(azid, azure);
  });

  it("wrong secret: azid says AuthenticationError 401 invalid_client where @azure/identity wraps MSAL's ServerError as AuthenticationRequiredError", async () => {
    const { azure, azid } = await both("wrong-secret", env.addApp());
    // @azure/identity's handleMsalError turns every unrecognised MSAL error into AuthenticationRequiredError,
    // which a chain treats as "try the next credential"; azid reports the refused secret and stops (better, on purpose).
    assert.equal(azure.error?.name, "AuthenticationRequiredError", JSON.stringify(azure));
    assert.deepEqual(azid, { error: { name: "AuthenticationError", statusCode: 401, oauthError: "invalid_client" } });
  });

  it("a chain with every member unavailable: AggregateAuthenticationError with one CredentialUnavailableError per member", async () => {
    const app = env.addApp();
    const { azure, azid } = await both("chain-unavailable", { ...app, secret: "" });
    assert.equal(azure.error?.name, "AggregateAuthenticationError", JSON.stringify(azure));
    assert.deepEqual(azid, azure);
  });

  it("@azure/logger's setLogLevel('info') shows the same getToken() => SUCCESS line under azure:identity", async () => {
    const { azure, azid } = await both("logging", env.addApp());
    assert.deepEqual(azure, { successLine: true });
    assert.deepEqual(azid, azure);
  });

  it("OpenTelemetry: the same spans (name, kind, status, az.namespace, recorded exception) for a success and a failure", async () => {
    const { azure, azid } = await both("tracing", env.addApp());
    assert.equal(azure.spans?.length, 2, JSON.stringify(azure));
    assert.deepEqual(azid, azure);
  });

  it("brokerOptions.enabled: both refuse at construction (azid with UnsupportedOptionError naming the alternatives)", async () => {
    const { azure, azid } = await both("broker", env.addApp());
    assert.deepEqual(azure, { constructed: false, isError: true });
    assert.deepEqual(azid, azure);
  });
});
