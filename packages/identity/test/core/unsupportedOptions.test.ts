// Options @azure/identity accepts that azid cannot honour fail loudly, with what to use instead.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ClientSecretCredential, InteractiveBrowserCredential, UnsupportedOptionError } from "../../src/index.js";
import { useEmulator } from "../support/emulator.js";

const env = useEmulator();

describe("unsupported options", () => {
  it("brokerOptions.enabled: UnsupportedOptionError at construction naming the platform and the alternatives; enabled: false is fine", () => {
    assert.throws(
      () => new InteractiveBrowserCredential({ brokerOptions: { enabled: true, parentWindowHandle: new Uint8Array() } }),
      (e: unknown) =>
        e instanceof UnsupportedOptionError &&
        e.code === "ERR_UNSUPPORTED_OPTION" &&
        e.option === "brokerOptions.enabled" &&
        /no authentication broker \(WAM \/ Company Portal\) on Linux/.test(e.message) &&
        /DeviceCodeCredential/.test(e.message),
    );
    assert.ok(new InteractiveBrowserCredential({ brokerOptions: { enabled: false } }));
  });

  it("proofOfPossessionOptions: getToken rejects (even when a Bearer token is cached) and sends nothing", async () => {
    const { clientId, secret } = env.addApp();
    const credential = new ClientSecretCredential(env.tenantId, clientId, secret, env.options);
    await credential.getToken("https://storage.azure.com/.default");
    const before = env.tokenRequests().length;
    const error = await credential
      .getToken("https://storage.azure.com/.default", {
        proofOfPossessionOptions: { nonce: "n", resourceRequestMethod: "GET", resourceRequestUrl: "https://r.example" },
      })
      .catch((e: unknown) => e);
    assert.ok(error instanceof UnsupportedOptionError && error.option === "proofOfPossessionOptions", String(error));
    assert.match(error.message, /Bearer/);
    assert.equal(env.tokenRequests().length, before);
  });

  it("additionalPolicies: a policy throws at construction pointing at httpClient; an empty list is accepted", () => {
    assert.throws(
      () => new ClientSecretCredential("tenant", "client", "secret", { additionalPolicies: [{ policy: {}, position: "perCall" }] }),
      (e: unknown) => e instanceof UnsupportedOptionError && e.option === "additionalPolicies" && /httpClient/.test(e.message),
    );
    assert.ok(new ClientSecretCredential("tenant", "client", "secret", { additionalPolicies: [] }));
  });

  it("telemetryOptions.clientRequestIdHeaderName: UnsupportedOptionError at construction; applicationId alone is fine", () => {
    assert.throws(
      () => new ClientSecretCredential("tenant", "client", "secret", { telemetryOptions: { clientRequestIdHeaderName: "x-request-id" } }),
      (e: unknown) => e instanceof UnsupportedOptionError && e.option === "telemetryOptions.clientRequestIdHeaderName" && /client-request-id/.test(e.message),
    );
    assert.ok(new ClientSecretCredential("tenant", "client", "secret", { telemetryOptions: { applicationId: "my-app" } }));
  });
});
