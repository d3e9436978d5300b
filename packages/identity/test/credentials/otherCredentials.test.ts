// ClientAssertionCredential, UsernamePasswordCredential, EnvironmentCredential,
// ChainedTokenCredential and getBearerTokenProvider at the wire.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, it } from "node:test";
import { DEFAULT_PASSWORD, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_USERNAME } from "@azid/emulator";
import {
  AggregateAuthenticationError,
  AuthenticationError,
  ChainedTokenCredential,
  ClientAssertionCredential,
  ClientSecretCredential,
  CredentialUnavailableError,
  EnvironmentCredential,
  UsernamePasswordCredential,
  getBearerTokenProvider,
  type TokenCredential,
} from "../../src/index.js";
import { tokenCache } from "../../src/core/cache/tokenCache.js";
import { captureLogs, decodeJwt, useEmulator } from "../support/emulator.js";

const STORAGE = "https://storage.azure.com/.default";
const FIXTURES = "packages/identity/test/fixtures/certificates";
const env = useEmulator();

const saved = { ...process.env };
function setEnv(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

beforeEach(() => tokenCache.clear());
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe("ClientAssertionCredential", () => {
  it("exchanges a federated assertion for a token; the emulator matches issuer, subject and audience", async () => {
    const subject = `system:serviceaccount:ns:${randomUUID()}`;
    const { clientId } = env.addApp({
      secrets: [],
      federatedCredentials: [{ issuer: env.emu.federation.issuerUrl(), subject, audiences: ["api://AzureADTokenExchange"] }],
    });
    let calls = 0;
    const credential = new ClientAssertionCredential(
      env.tenantId,
      clientId,
      async () => {
        calls++;
        return env.emu.federation.mint({ subject });
      },
      env.options,
    );
    const token = await credential.getToken(STORAGE);
    assert.equal(decodeJwt(token.token).payload.appid, clientId);
    const form = env.tokenRequests().at(-1)!.form!;
    assert.equal(form.client_assertion_type, "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    assert.equal(decodeJwt(form.client_assertion!).payload.sub, subject);
    await credential.getToken(STORAGE);
    assert.equal(calls, 1, "cached: the callback is not called again");
  });

  it("a subject mismatch is AADSTS70021 naming the assertion's issuer and subject", async () => {
    const { clientId } = env.addApp({
      secrets: [],
      federatedCredentials: [{ issuer: env.emu.federation.issuerUrl(), subject: "expected-subject", audiences: ["api://AzureADTokenExchange"] }],
    });
    const credential = new ClientAssertionCredential(env.tenantId, clientId, async () => env.emu.federation.mint({ subject: "other-subject" }), env.options);
    await assert.rejects(
      credential.getToken(STORAGE),
      (e: AuthenticationError) => e.errorResponse.errorCodes?.[0] === 70021 && /other-subject/.test(e.message) && /Hint:/.test(e.message),
    );
  });

  it("a failing or empty callback is an AuthenticationError, not a crash", async () => {
    const failing = new ClientAssertionCredential(
      env.tenantId,
      "c",
      async () => {
        throw new Error("vault unreachable");
      },
      env.options,
    );
    await assert.rejects(
      failing.getToken(STORAGE),
      (e: AuthenticationError) => e.errorResponse.error === "assertion_unavailable" && /vault unreachable/.test(e.message),
    );
    const empty = new ClientAssertionCredential(env.tenantId, "c", async () => "  ", env.options);
    await assert.rejects(empty.getToken(STORAGE), /non-empty string/);
    assert.throws(() => new ClientAssertionCredential(env.tenantId, "c", "not a function" as never), TypeError);
  });
});

describe("UsernamePasswordCredential", () => {
  it("uses the password grant with the OIDC scopes and the anchor mailbox header", async () => {
    const token = await new UsernamePasswordCredential(env.tenantId, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_USERNAME, DEFAULT_PASSWORD, env.options).getToken(
      STORAGE,
    );
    const sent = env.tokenRequests().at(-1)!;
    assert.equal(sent.form!.grant_type, "password");
    assert.equal(sent.form!.username, DEFAULT_USERNAME);
    assert.deepEqual(sent.form!.scope!.split(" ").sort(), [STORAGE, "offline_access", "openid", "profile"].sort());
    assert.equal(sent.form!.client_info, "1");
    assert.equal(sent.headers["x-anchormailbox"], `UPN:${DEFAULT_USERNAME}`);
    const { payload } = decodeJwt(token.token);
    assert.ok(payload.scp !== undefined || payload.upn !== undefined, "a delegated token");
  });

  it("a wrong password is AADSTS50126; MFA-required users get an explanation", async () => {
    const wrong = "not-the-password-42";
    const { error, lines } = await captureLogs(() =>
      new UsernamePasswordCredential(env.tenantId, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_USERNAME, wrong, env.options).getToken(STORAGE),
    );
    assert.ok(error instanceof AuthenticationError);
    assert.equal(error.errorResponse.errorCodes?.[0], 50126);
    for (const text of [error.message, ...lines]) assert.ok(!text.includes(wrong));
    const mfaUser = `mfa-${randomUUID().slice(0, 8)}@azid.onmicrosoft.com`;
    env.emu.config.tenants[0]!.users.push({ username: mfaUser, password: "pw-123456", mfaRequired: true });
    await assert.rejects(
      new UsernamePasswordCredential(env.tenantId, DEFAULT_PUBLIC_CLIENT_ID, mfaUser, "pw-123456", env.options).getToken(STORAGE),
      (e: AuthenticationError) => e.errorResponse.errorCodes?.[0] === 50076 && /DeviceCodeCredential/.test(e.message),
    );
  });
});

describe("EnvironmentCredential", () => {
  const clear = {
    AZURE_TENANT_ID: undefined,
    AZURE_CLIENT_ID: undefined,
    AZURE_CLIENT_SECRET: undefined,
    AZURE_CLIENT_CERTIFICATE_PATH: undefined,
    AZURE_CLIENT_CERTIFICATE_PASSWORD: undefined,
    AZURE_USERNAME: undefined,
    AZURE_PASSWORD: undefined,
    AZURE_CLIENT_SEND_CERTIFICATE_CHAIN: undefined,
    AZURE_ADDITIONALLY_ALLOWED_TENANTS: undefined,
  };

  it("secret mode", async () => {
    const { clientId, secret } = env.addApp();
    setEnv({ ...clear, AZURE_TENANT_ID: env.tenantId, AZURE_CLIENT_ID: clientId, AZURE_CLIENT_SECRET: secret });
    const token = await new EnvironmentCredential(env.options).getToken(STORAGE);
    assert.equal(decodeJwt(token!.token).payload.appid, clientId);
    assert.equal(env.tokenRequests().at(-1)!.form!.client_secret, secret);
  });

  it("certificate mode with password and send-chain", async () => {
    const leaf = (await import("node:fs"))
      .readFileSync(`${FIXTURES}/cert.pem`, "utf8")
      .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0];
    const { clientId } = env.addApp({ secrets: [], certificates: [leaf] });
    setEnv({
      ...clear,
      AZURE_TENANT_ID: env.tenantId,
      AZURE_CLIENT_ID: clientId,
      AZURE_CLIENT_CERTIFICATE_PATH: `${FIXTURES}/cert.pfx`,
      AZURE_CLIENT_CERTIFICATE_PASSWORD: "azid-test-pässword",
      AZURE_CLIENT_SEND_CERTIFICATE_CHAIN: "True",
    });
    await new EnvironmentCredential(env.options).getToken(STORAGE);
    assert.ok(Array.isArray(decodeJwt(env.tokenRequests().at(-1)!.form!.client_assertion!).header.x5c));
  });

  it("username/password mode", async () => {
    setEnv({
      ...clear,
      AZURE_TENANT_ID: env.tenantId,
      AZURE_CLIENT_ID: DEFAULT_PUBLIC_CLIENT_ID,
      AZURE_USERNAME: DEFAULT_USERNAME,
      AZURE_PASSWORD: DEFAULT_PASSWORD,
    });
    await new EnvironmentCredential(env.options).getToken(STORAGE);
    assert.equal(env.tokenRequests().at(-1)!.form!.grant_type, "password");
  });

  it("unconfigured: unavailable, naming what is missing", async () => {
    setEnv({ ...clear, AZURE_CLIENT_ID: "abc" });
    await assert.rejects(
      new EnvironmentCredential(env.options).getToken(STORAGE),
      (e: Error) =>
        e instanceof CredentialUnavailableError && /Missing: AZURE_TENANT_ID; AZURE_CLIENT_SECRET, or AZURE_CLIENT_CERTIFICATE_PATH/.test(e.message),
    );
  });

  it("configured but broken (bad certificate path) is not 'unavailable': a chain must stop", async () => {
    setEnv({ ...clear, AZURE_TENANT_ID: env.tenantId, AZURE_CLIENT_ID: "abc", AZURE_CLIENT_CERTIFICATE_PATH: "/nonexistent/cert.pem" });
    await assert.rejects(new EnvironmentCredential(env.options).getToken(STORAGE), { name: "CertificateLoadError" });
  });

  it("honours AZURE_ADDITIONALLY_ALLOWED_TENANTS (which @azure/identity ignores)", async () => {
    const { clientId, secret } = env.addApp();
    const other = "33333333-3333-3333-3333-333333333333";
    setEnv({
      ...clear,
      AZURE_TENANT_ID: env.tenantId,
      AZURE_CLIENT_ID: clientId,
      AZURE_CLIENT_SECRET: secret,
      AZURE_ADDITIONALLY_ALLOWED_TENANTS: `x;${other}`,
    });
    await new EnvironmentCredential(env.options).getToken(STORAGE, { tenantId: other }).catch(() => undefined);
    assert.equal(env.tokenRequests().at(-1)!.path, `/${other}/oauth2/v2.0/token`);
  });
});

describe("ChainedTokenCredential", () => {
  const unavailable: TokenCredential = {
    getToken: async () => {
      throw new CredentialUnavailableError("not here");
    },
  };

  it("moves past unavailable credentials to the first that works", async () => {
    const { clientId, secret } = env.addApp();
    const chain = new ChainedTokenCredential(unavailable, new ClientSecretCredential(env.tenantId, clientId, secret, env.options));
    const token = await chain.getToken(STORAGE);
    assert.equal(decodeJwt(token.token).payload.appid, clientId);
  });

  it("stops at a configured credential that fails", async () => {
    const { clientId } = env.addApp();
    let reached = false;
    const after: TokenCredential = {
      getToken: async () => {
        reached = true;
        return null;
      },
    };
    await assert.rejects(
      new ChainedTokenCredential(new ClientSecretCredential(env.tenantId, clientId, "wrong", env.options), after).getToken(STORAGE),
      AuthenticationError,
    );
    assert.equal(reached, false);
  });

  it("aggregates every reason when all are unavailable", async () => {
    await assert.rejects(new ChainedTokenCredential(unavailable, { getToken: async () => null }).getToken(STORAGE), (e: AggregateAuthenticationError) => {
      assert.equal(e.name, "AggregateAuthenticationError");
      assert.equal(e.errors.length, 2);
      assert.match(e.message, /ChainedTokenCredential authentication failed/);
      assert.match(e.message, /not here/);
      return true;
    });
    assert.throws(() => new ChainedTokenCredential(), TypeError);
  });
});

describe("getBearerTokenProvider", () => {
  it("returns the bare token, cached", async () => {
    const { clientId, secret } = env.addApp();
    const before = env.tokenRequests().length;
    const provider = getBearerTokenProvider(new ClientSecretCredential(env.tenantId, clientId, secret, env.options), STORAGE);
    const a = await provider();
    const b = await provider();
    assert.equal(a, b);
    assert.equal(a.split(".").length, 3);
    assert.equal(env.tokenRequests().length - before, 1);
    await assert.rejects(getBearerTokenProvider({ getToken: async () => null }, STORAGE)(), /Failed to get access token/);
  });
});

describe("options shared by every credential", () => {
  it("AZURE_AUTHORITY_HOST is used when no authorityHost is given", async () => {
    const { clientId, secret } = env.addApp();
    setEnv({ AZURE_AUTHORITY_HOST: env.emu.url });
    const { authorityHost: _omitted, ...withoutHost } = env.options;
    const token = await new ClientSecretCredential(env.tenantId, clientId, secret, withoutHost).getToken(STORAGE);
    assert.equal(decodeJwt(token.token).payload.appid, clientId);
    setEnv({ AZURE_AUTHORITY_HOST: "http://login.example.com" });
    assert.throws(() => new ClientSecretCredential(env.tenantId, clientId, secret, withoutHost), /AZURE_AUTHORITY_HOST is http:\/\/login\.example\.com/);
  });

  it("an injected httpClient sees every request and can wrap the real transport", async () => {
    const { createNodeHttpClient } = await import("../../src/core/http/nodeHttpClient.js");
    const real = createNodeHttpClient({ ca: env.emu.caCertPem });
    const seen: string[] = [];
    const httpClient = {
      sendRequest: (request: Parameters<typeof real.sendRequest>[0]) => (
        seen.push(`${request.method} ${new URL(request.url).pathname}`),
        real.sendRequest(request)
      ),
    };
    const { clientId, secret } = env.addApp();
    await new ClientSecretCredential(env.tenantId, clientId, secret, { ...env.options, httpClient }).getToken(STORAGE);
    assert.deepEqual(seen, [`POST /${env.tenantId}/oauth2/v2.0/token`]);
  });
});
