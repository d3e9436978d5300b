// ManagedIdentityCredential against the emulator's hosts, at the wire: what was sent (method, path,
// api-version, headers, selector parameters) and which identity the token is for (oid, appid).
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  DEFAULT_SYSTEM_IDENTITY_CLIENT_ID,
  DEFAULT_SYSTEM_IDENTITY_OBJECT_ID,
  DEFAULT_USER_IDENTITY_CLIENT_ID,
  DEFAULT_USER_IDENTITY_OBJECT_ID,
  DEFAULT_USER_IDENTITY_RESOURCE_ID,
  type RecordedRequest,
} from "@azid/emulator";
import { AuthenticationError, CredentialUnavailableError, ManagedIdentityCredential } from "../../../src/index.js";
import { captureLogs, decodeJwt, useEmulator } from "../../support/emulator.js";
import { CLOSED_LOOPBACK, runOn, useManagedIdentityEnvironment } from "./environment.js";
import type { HttpClient } from "../../../src/core/http/httpClient.js";
import { createNodeHttpClient } from "../../../src/core/http/nodeHttpClient.js";

const STORAGE = "https://storage.azure.com/.default";
const env = useEmulator();
useManagedIdentityEnvironment();
const fast = { retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 50 } };

function requestsTo(route: string, since: number): RecordedRequest[] {
  return env.emu.requests.slice(since).filter((r) => r.route === route);
}

function claimsOf(token: string) {
  const { payload } = decodeJwt(token);
  env.emu.decodeToken(token); // signed by the emulator
  return payload;
}

describe("ManagedIdentityCredential hosts", () => {
  beforeEach(() => env.emu.faults.clear());

  describe("IMDS", () => {
    const cases = [
      { name: "system-assigned", options: undefined, query: {}, oid: DEFAULT_SYSTEM_IDENTITY_OBJECT_ID, appid: DEFAULT_SYSTEM_IDENTITY_CLIENT_ID },
      {
        name: "client id (string argument)",
        options: DEFAULT_USER_IDENTITY_CLIENT_ID,
        query: { client_id: DEFAULT_USER_IDENTITY_CLIENT_ID },
        oid: DEFAULT_USER_IDENTITY_OBJECT_ID,
        appid: DEFAULT_USER_IDENTITY_CLIENT_ID,
      },
      {
        name: "clientId option",
        options: { clientId: DEFAULT_USER_IDENTITY_CLIENT_ID },
        query: { client_id: DEFAULT_USER_IDENTITY_CLIENT_ID },
        oid: DEFAULT_USER_IDENTITY_OBJECT_ID,
        appid: DEFAULT_USER_IDENTITY_CLIENT_ID,
      },
      {
        name: "objectId option",
        options: { objectId: DEFAULT_USER_IDENTITY_OBJECT_ID },
        query: { object_id: DEFAULT_USER_IDENTITY_OBJECT_ID },
        oid: DEFAULT_USER_IDENTITY_OBJECT_ID,
        appid: DEFAULT_USER_IDENTITY_CLIENT_ID,
      },
      {
        name: "resourceId option",
        options: { resourceId: DEFAULT_USER_IDENTITY_RESOURCE_ID },
        query: { msi_res_id: DEFAULT_USER_IDENTITY_RESOURCE_ID },
        oid: DEFAULT_USER_IDENTITY_OBJECT_ID,
        appid: DEFAULT_USER_IDENTITY_CLIENT_ID,
      },
    ] as const;
    for (const c of cases) {
      it(`${c.name}: GET /metadata/identity/oauth2/token with Metadata: true`, async () => {
        runOn(env.emu, "imds");
        const before = env.emu.requests.length;
        const credential = typeof c.options === "string" ? new ManagedIdentityCredential(c.options) : new ManagedIdentityCredential(c.options);
        const token = await credential.getToken(STORAGE);
        const [sent, ...more] = requestsTo("imds", before);
        assert.ok(sent);
        assert.equal(more.length, 0);
        assert.equal(sent.method, "GET");
        assert.equal(sent.path, "/metadata/identity/oauth2/token");
        assert.equal(sent.headers.metadata, "true");
        assert.deepEqual(sent.query, { "api-version": "2018-02-01", resource: "https://storage.azure.com", ...c.query });
        assert.equal(sent.status, 200);
        const claims = claimsOf(token.token);
        assert.equal(claims.oid, c.oid);
        assert.equal(claims.appid, c.appid);
        assert.equal(claims.aud, "https://storage.azure.com");
        assert.equal(token.tokenType, "Bearer");
        assert.ok(Math.abs(token.expiresOnTimestamp - (claims.exp as number) * 1000) < 5000);
        // 24 h tokens are refreshed at half-life by the cache
        assert.ok(token.refreshAfterTimestamp! < token.expiresOnTimestamp - 6 * 3600_000);
      });
    }

    it("a scope without /.default is sent as is; a second call is served from the cache", async () => {
      runOn(env.emu, "imds");
      const before = env.emu.requests.length;
      const credential = new ManagedIdentityCredential();
      await credential.getToken("https://vault.azure.net");
      await credential.getToken(["https://vault.azure.net"]);
      const sent = requestsTo("imds", before);
      assert.equal(sent.length, 1);
      assert.equal(sent[0]!.query.resource, "https://vault.azure.net");
    });

    it("an unknown user-assigned identity is 'unavailable' with a hint, naming host, endpoint, selector and resource", async () => {
      const vars = runOn(env.emu, "imds");
      const unknown = "00000000-0000-4000-8000-000000000bad";
      const error = await new ManagedIdentityCredential({ clientId: unknown }).getToken(STORAGE).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof CredentialUnavailableError, String(error));
      assert.match(error.message, /IMDS/);
      assert.ok(error.message.includes(`${vars.AZURE_POD_IDENTITY_AUTHORITY_HOST}/metadata/identity/oauth2/token`));
      assert.ok(error.message.includes(`client id ${unknown}`));
      assert.match(error.message, /resource https:\/\/storage\.azure\.com/);
      assert.match(error.message, /HTTP 400 "invalid_request: Identity not found"/);
      assert.match(error.message, /attached to this resource/);
    });

    it("nothing listening: 'unavailable' at once, without retries", async () => {
      // Every attempt goes through this client: a refused connection must be the only one.
      const inner = createNodeHttpClient({ allowHttpOrigins: [CLOSED_LOOPBACK], bypassProxy: true });
      let attempts = 0;
      const counting: HttpClient = { sendRequest: (request) => (attempts++, inner.sendRequest(request)) };
      const error = await new ManagedIdentityCredential({ httpClient: counting }).getToken(STORAGE).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof CredentialUnavailableError, String(error));
      assert.match(error.message, /ECONNREFUSED/);
      assert.match(error.message, /Is this an Azure VM/);
      assert.equal(attempts, 1, "one attempt: a refused connection is not retried");
      assert.doesNotMatch(error.message, /attempt\(s\)/, "not given up after retries or at a deadline");
    });
  });

  describe("App Service", () => {
    const cases = [
      { name: "system-assigned", options: undefined, query: {}, oid: DEFAULT_SYSTEM_IDENTITY_OBJECT_ID },
      {
        name: "clientId",
        options: { clientId: DEFAULT_USER_IDENTITY_CLIENT_ID },
        query: { client_id: DEFAULT_USER_IDENTITY_CLIENT_ID },
        oid: DEFAULT_USER_IDENTITY_OBJECT_ID,
      },
      {
        name: "objectId",
        options: { objectId: DEFAULT_USER_IDENTITY_OBJECT_ID },
        query: { object_id: DEFAULT_USER_IDENTITY_OBJECT_ID },
        oid: DEFAULT_USER_IDENTITY_OBJECT_ID,
      },
      {
        name: "resourceId",
        options: { resourceId: DEFAULT_USER_IDENTITY_RESOURCE_ID },
        query: { mi_res_id: DEFAULT_USER_IDENTITY_RESOURCE_ID },
        oid: DEFAULT_USER_IDENTITY_OBJECT_ID,
      },
    ] as const;
    for (const c of cases) {
      it(`${c.name}: GET IDENTITY_ENDPOINT?api-version=2019-08-01 with X-IDENTITY-HEADER`, async () => {
        const vars = runOn(env.emu, "appService");
        const before = env.emu.requests.length;
        const token = await new ManagedIdentityCredential(c.options).getToken(STORAGE);
        const [sent] = requestsTo("appService", before);
        assert.ok(sent);
        assert.equal(sent.method, "GET");
        assert.equal(`${env.emu.managedIdentity.httpUrl}${sent.path}`, vars.IDENTITY_ENDPOINT);
        assert.equal(sent.headers["x-identity-header"], vars.IDENTITY_HEADER);
        assert.equal(sent.headers.metadata, undefined);
        assert.deepEqual(sent.query, { "api-version": "2019-08-01", resource: "https://storage.azure.com", ...c.query });
        assert.equal(claimsOf(token.token).oid, c.oid);
      });
    }

    it("a wrong IDENTITY_HEADER: AuthenticationError 401 with a hint, the header value never shown", async () => {
      runOn(env.emu, "appService");
      const wrong = "wrong-identity-header-value-123";
      process.env.IDENTITY_HEADER = wrong;
      const { error, lines } = await captureLogs(() => new ManagedIdentityCredential().getToken(STORAGE));
      assert.ok(error instanceof AuthenticationError, String(error));
      assert.equal(error.statusCode, 401);
      assert.match(error.message, /App Service \(http:\/\/127\.0\.0\.1:\d+\/appService\/msi\/token\)/);
      assert.match(error.message, /IDENTITY_HEADER\) may be stale/);
      for (const text of [error.message, error.stack ?? "", ...lines]) assert.ok(!text.includes(wrong), "identity header leaked");
      assert.ok(
        lines.some((l) => /ManagedIdentityCredential => using App Service \(http:\/\/127\.0\.0\.1:\d+\/appService\/msi\/token\)/.test(l)),
        lines.join("\n"),
      );
    });

    it("'Unable to load the proper Managed Identity' is 'unavailable'", async () => {
      runOn(env.emu, "appService");
      const error = await new ManagedIdentityCredential({ objectId: "00000000-0000-4000-8000-00000000dead" }).getToken(STORAGE).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof CredentialUnavailableError, String(error));
      assert.match(error.message, /Unable to load the proper Managed Identity/);
      assert.match(error.message, /object id 00000000-0000-4000-8000-00000000dead/);
    });

    it("500 after retries: AuthenticationError with the attempt count", async () => {
      runOn(env.emu, "appService");
      env.emu.faults.add({ route: "appService", status: 500 });
      const before = env.emu.requests.length;
      const error = await new ManagedIdentityCredential({ ...fast, retryOptions: { ...fast.retryOptions, maxRetries: 2 } }).getToken(STORAGE).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof AuthenticationError, String(error));
      assert.equal(error.statusCode, 500);
      assert.match(error.message, /after 3 attempts/);
      assert.equal(requestsTo("appService", before).length, 3);
    });

    it("403 is not retried", async () => {
      runOn(env.emu, "appService");
      env.emu.faults.add({ route: "appService", status: 403 });
      const before = env.emu.requests.length;
      const error = await new ManagedIdentityCredential(fast).getToken(STORAGE).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof AuthenticationError && error.statusCode === 403, String(error));
      assert.equal(requestsTo("appService", before).length, 1);
    });

    for (const malformed of ["truncated-json", "html", "empty"] as const) {
      it(`a malformed 200 body (${malformed}): AuthenticationError invalid_response, body never echoed`, async () => {
        runOn(env.emu, "appService");
        env.emu.faults.add({ route: "appService", malformed });
        const error = await new ManagedIdentityCredential(fast).getToken(STORAGE).then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(error instanceof AuthenticationError, String(error));
        assert.equal(error.errorResponse.error, "invalid_response");
        assert.match(error.message, /App Service .* is malformed/);
        assert.ok(!error.message.includes("eyJ0eXAi") && !error.message.includes("<html"));
      });
    }

    // A day ahead, whole seconds, written in each form hosts use.
    const at = new Date(Math.floor(Date.now() / 1000 + 86_400) * 1000);
    const pad = (n: number) => String(n).padStart(2, "0");
    const usForm = (d: Date, offset: string, twelveHour: boolean) => {
      const h = d.getUTCHours();
      const clock = twelveHour
        ? `${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`
        : `${pad(h)}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
      return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${clock} ${offset}`;
    };
    const expiresOnForms: Array<[string, unknown, number]> = [
      ["epoch seconds (string)", String(at.getTime() / 1000), at.getTime()],
      ["epoch seconds (number)", at.getTime() / 1000, at.getTime()],
      ["ISO 8601", at.toISOString(), at.getTime()],
      ["the 2017 form", usForm(at, "+00:00", false), at.getTime()],
      ["the 2017 form with AM/PM and an offset", usForm(new Date(at.getTime() + 3600_000), "+01:00", true), at.getTime()],
    ];
    for (const [name, value, expected] of expiresOnForms) {
      it(`expires_on as ${name}`, async () => {
        runOn(env.emu, "appService");
        env.emu.faults.add({
          route: "appService",
          status: 200,
          body: JSON.stringify({ access_token: "opaque-token", expires_on: value, resource: "https://storage.azure.com", token_type: "Bearer" }),
        });
        const token = await new ManagedIdentityCredential().getToken(STORAGE);
        assert.equal(token.expiresOnTimestamp, expected);
      });
    }

    it("expires_in alone, and refresh_in, are honoured", async () => {
      runOn(env.emu, "appService");
      env.emu.faults.add({ route: "appService", status: 200, body: JSON.stringify({ access_token: "opaque-token", expires_in: "3600", refresh_in: 600 }) });
      const before = Date.now();
      const token = await new ManagedIdentityCredential().getToken(STORAGE);
      assert.ok(Math.abs(token.expiresOnTimestamp - (before + 3600_000)) < 2000);
      assert.ok(Math.abs(token.refreshAfterTimestamp! - (before + 600_000)) < 2000);
    });

    for (const [name, body, field] of [
      ["expires_on garbage", { access_token: "t", expires_on: "tomorrow" }, "expires_on"],
      ["expires_on a boolean", { access_token: "t", expires_on: true }, "expires_on"],
      ["access_token a number", { access_token: 42, expires_on: String(Math.floor(Date.now() / 1000) + 3600) }, "access_token"],
      ["an expiry in milliseconds", { access_token: "t", expires_on: String(Date.now() + 3600_000) }, "implausibly far"],
      ["no expiry at all", { access_token: "t" }, "expires_in"],
      ["token_type pop", { access_token: "t", expires_on: String(Math.floor(Date.now() / 1000) + 3600), token_type: "pop" }, "token_type"],
    ] as const) {
      it(`rejects a 200 body with ${name}`, async () => {
        runOn(env.emu, "appService");
        env.emu.faults.add({ route: "appService", status: 200, body: JSON.stringify(body) });
        const error = await new ManagedIdentityCredential().getToken(STORAGE).then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(error instanceof AuthenticationError, String(error));
        assert.ok(error.message.includes(field), error.message);
      });
    }
  });

  describe("Azure ML", () => {
    it("system-assigned: GET ?api-version=2017-09-01&clientid=DEFAULT_IDENTITY_CLIENT_ID with secret", async () => {
      const vars = runOn(env.emu, "azureMl");
      const before = env.emu.requests.length;
      const token = await new ManagedIdentityCredential().getToken(STORAGE);
      const [sent] = requestsTo("azureMl", before);
      assert.ok(sent);
      assert.equal(sent.method, "GET");
      assert.equal(sent.headers.secret, vars.MSI_SECRET);
      assert.equal(sent.headers.metadata, "true");
      assert.deepEqual(sent.query, { "api-version": "2017-09-01", resource: "https://storage.azure.com", clientid: DEFAULT_SYSTEM_IDENTITY_CLIENT_ID });
      assert.equal(claimsOf(token.token).oid, DEFAULT_SYSTEM_IDENTITY_OBJECT_ID);
    });

    it("user-assigned by client id is sent as clientid", async () => {
      runOn(env.emu, "azureMl");
      const before = env.emu.requests.length;
      const token = await new ManagedIdentityCredential(DEFAULT_USER_IDENTITY_CLIENT_ID).getToken(STORAGE);
      assert.equal(requestsTo("azureMl", before)[0]!.query.clientid, DEFAULT_USER_IDENTITY_CLIENT_ID);
      assert.equal(claimsOf(token.token).oid, DEFAULT_USER_IDENTITY_OBJECT_ID);
    });

    it("objectId or resourceId: RangeError at construction naming the host and the supported selectors", () => {
      runOn(env.emu, "azureMl");
      assert.throws(
        () => new ManagedIdentityCredential({ objectId: DEFAULT_USER_IDENTITY_OBJECT_ID }),
        (e: Error) => e instanceof RangeError && /Azure Machine Learning .* by objectId\. Supported selectors: clientId/.test(e.message),
      );
      assert.throws(() => new ManagedIdentityCredential({ resourceId: DEFAULT_USER_IDENTITY_RESOURCE_ID }), RangeError);
    });
  });

  describe("Cloud Shell", () => {
    it("POST MSI_ENDPOINT with Metadata: true and the form body resource=...", async () => {
      const vars = runOn(env.emu, "cloudShell");
      const before = env.emu.requests.length;
      const token = await new ManagedIdentityCredential().getToken(STORAGE);
      const [sent] = requestsTo("cloudShell", before);
      assert.ok(sent);
      assert.equal(sent.method, "POST");
      assert.equal(`${env.emu.managedIdentity.httpUrl}${sent.path}`, vars.MSI_ENDPOINT);
      assert.equal(sent.headers.metadata, "true");
      assert.match(sent.headers["content-type"] ?? "", /^application\/x-www-form-urlencoded/);
      assert.deepEqual(sent.query, {});
      assert.deepEqual(sent.form, { resource: "https://storage.azure.com" });
      assert.equal(claimsOf(token.token).oid, DEFAULT_SYSTEM_IDENTITY_OBJECT_ID);
    });

    it("any selector: RangeError at construction (Cloud Shell would return the user's token)", () => {
      runOn(env.emu, "cloudShell");
      for (const options of [
        { clientId: DEFAULT_USER_IDENTITY_CLIENT_ID },
        { objectId: DEFAULT_USER_IDENTITY_OBJECT_ID },
        { resourceId: DEFAULT_USER_IDENTITY_RESOURCE_ID },
      ]) {
        assert.throws(
          () => new ManagedIdentityCredential(options),
          (e: Error) =>
            e instanceof RangeError && /Cloud Shell was detected .* Supported selectors: none \(system-assigned only\)\. Cloud Shell ignores/.test(e.message),
        );
      }
    });
  });

  describe("token exchange (AKS workload identity)", () => {
    it("delegates to WorkloadIdentityCredential: a client assertion from the token file at the token endpoint", async () => {
      runOn(env.emu, "appService"); // token exchange wins over every host
      const vars = await env.emu.writeWorkloadIdentityToken();
      Object.assign(process.env, vars);
      const before = env.emu.requests.length;
      const token = await new ManagedIdentityCredential({ tlsOptions: { ca: env.emu.caCertPem } }).getToken(STORAGE);
      const sent = env.emu.requests.slice(before);
      assert.equal(sent.filter((r) => r.route === "appService").length, 0);
      const exchange = sent.find((r) => r.route === "token");
      assert.ok(exchange);
      assert.equal(exchange.path, `/${vars.AZURE_TENANT_ID}/oauth2/v2.0/token`);
      assert.equal(exchange.form!.client_id, vars.AZURE_CLIENT_ID);
      assert.equal(exchange.form!.client_assertion_type, "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
      assert.equal(sent.filter((r) => r.route === "instance-discovery").length, 0);
      assert.equal(claimsOf(token.token).appid, vars.AZURE_CLIENT_ID);
    });

    it("objectId or resourceId with token exchange: RangeError (client id only)", async () => {
      Object.assign(process.env, await env.emu.writeWorkloadIdentityToken());
      assert.throws(
        () => new ManagedIdentityCredential({ resourceId: DEFAULT_USER_IDENTITY_RESOURCE_ID }),
        (e: Error) => e instanceof RangeError && /token exchange/.test(e.message),
      );
    });
  });

  describe("arguments", () => {
    it("exactly one scope per call: TypeError naming the scopes", async () => {
      runOn(env.emu, "imds");
      const credential = new ManagedIdentityCredential();
      await assert.rejects(
        credential.getToken([STORAGE, "https://vault.azure.net/.default"]),
        (e: Error) => e instanceof TypeError && /exactly one scope/.test(e.message) && e.message.includes("https://vault.azure.net/.default"),
      );
      await assert.rejects(credential.getToken([]), TypeError);
    });

    it("more than one selector, or an empty one: TypeError", () => {
      assert.throws(
        () => new ManagedIdentityCredential({ clientId: "a", resourceId: "b" } as never),
        (e: Error) => e instanceof TypeError && /only one of 'clientId', 'resourceId' or 'objectId'.*clientId and resourceId/.test(e.message),
      );
      assert.throws(
        () => new ManagedIdentityCredential({ objectId: "" }),
        (e: Error) => e instanceof TypeError && /objectId must be a non-empty string/.test(e.message),
      );
      assert.throws(() => new ManagedIdentityCredential("has space"), TypeError);
    });
  });
});
