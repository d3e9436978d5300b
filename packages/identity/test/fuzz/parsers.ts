// Property-based fuzzing (fast-check) of every parser of untrusted input: PEM, PKCS#12/ASN.1, JWTs
// and id tokens, token and managed-identity responses, the MSAL cache file, AuthenticationRecord,
// the Azure Arc challenge (its header and the key file it names), the tool outputs (and VS Code's
// sign-in record), expiry values and server error text; beyond the issue's list, the other answers a
// server gives: authority discovery documents, the device code answer, Azure Pipelines' OIDC answer. A finding is anything but a typed error:
// a crash (another error class), a hang (the test runner's timeout), or an unhandled rejection.
// parsers.test.ts runs a bounded number of cases in `npm test`; `npm run fuzz` runs many more.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { AuthenticationError, CredentialUnavailableError } from "../../src/core/errors.js";
import { Asn1Error, parseDer } from "../../src/core/certificates/asn1.js";
import { CertificateLoadError, loadCertificate } from "../../src/core/certificates/certificate.js";
import { parsePkcs12, Pkcs12Error } from "../../src/core/certificates/pkcs12.js";
import { MAX_TOKEN_LIFETIME_MS, tokenExpiry } from "../../src/core/expiry.js";
import { scrubServerText } from "../../src/core/serverText.js";
import { decodeJwtPayload } from "../../src/sources/entra/idToken.js";
import { deserializeAuthenticationRecord } from "../../src/sources/entra/authenticationRecord.js";
import { parseTokenResponse } from "../../src/sources/entra/tokenRequest.js";
import { clearAuthorityMetadataCache, getTokenEndpoint } from "../../src/sources/entra/authority.js";
import { parseDeviceAuthorization } from "../../src/sources/entra/deviceCodeFlow.js";
import { requestPipelinesOidcToken } from "../../src/sources/federation/azurePipelinesOidc.js";
import type { HttpContext } from "../../src/core/http/context.js";
import { retryPolicy } from "../../src/core/http/retry.js";
import { parseHostErrorBody, parseManagedIdentityToken } from "../../src/sources/managedIdentity/tokenResponse.js";
import { parseSharedCache } from "../../src/sources/msalCache/msalCacheFile.js";
import { parseArcChallenge, readChallengeKey } from "../../src/sources/managedIdentity/azureArc.js";
import { parseVSCodeSignInRecord, VSCODE_CLIENT_ID } from "../../src/sources/visualStudioCode/signInRecord.js";
import { parseAzureCliOutput } from "../../src/sources/developerTools/azureCli.js";
import { parseAzureDeveloperCliOutput } from "../../src/sources/developerTools/azureDeveloperCli.js";
import { parseAzurePowerShellOutput } from "../../src/sources/developerTools/azurePowerShell.js";

const fixtures = new URL("../fixtures/certificates/", import.meta.url);
const fixture = (name: string): Buffer => readFileSync(new URL(name, fixtures));

/** Runs `fn`; passes if it returns or throws one of `allowed`, fails (a finding) on anything else. */
function typedOnly(fn: () => unknown, ...allowed: Array<new (...args: never[]) => Error>): void {
  try {
    fn();
  } catch (error) {
    if (allowed.some((type) => error instanceof type)) return;
    throw new Error(`finding: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { cause: error });
  }
}

/** JSON-ish text: real JSON of arbitrary shape, near-miss JSON, and raw strings. */
const jsonish = fc.oneof(
  fc.json(),
  fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
  fc.string(),
  fc
    .dictionary(
      fc.constantFrom(
        "access_token",
        "expires_in",
        "expires_on",
        "refresh_in",
        "token_type",
        "error",
        "error_description",
        "id_token",
        "refresh_token",
        "scope",
        "client_info",
      ),
      fc.jsonValue(),
    )
    .map((o) => JSON.stringify(o)),
);

/** Expiry values as servers send them, and as hostile ones might. */
const expiryValue = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(
    1e308,
    -1,
    0,
    Number.MAX_SAFE_INTEGER,
    "1e308",
    "3600",
    "-5",
    "",
    " 3600 ",
    "2030-01-01T00:00:00Z",
    "11/21/2030 10:00:00 +00:00",
    "9".repeat(400),
  ),
  fc.string(),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);

/** Real DER with bytes flipped, cut or inserted. */
function mutated(bytes: Buffer): fc.Arbitrary<Buffer> {
  return fc
    .array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 }), fc.constantFrom("flip", "cut", "insert")), { minLength: 1, maxLength: 4 })
    .map((edits) => {
      let out = Buffer.from(bytes);
      for (const [at, value, kind] of edits) {
        if (kind === "flip") out[at % out.length] = value;
        else if (kind === "cut") out = out.subarray(0, Math.max(1, at % out.length));
        else out = Buffer.concat([out.subarray(0, at % out.length), Buffer.from([value]), out.subarray(at % out.length)]);
      }
      return out;
    });
}

const now = Date.now();

/** An HTTP status a server might send, weighted to the ones parsers branch on. */
const httpStatus = fc.oneof(fc.constantFrom(200, 200, 200, 201, 400, 401, 403, 404, 429, 500, 503), fc.integer({ min: 100, max: 599 }));

/** The answers a server gives, in order (the last repeats), behind azid's HttpClient interface: no retries, no network. */
function answering(answers: Array<{ status: number; bodyText: string }>): HttpContext {
  let next = 0;
  return {
    client: { sendRequest: async () => ({ headers: {}, ...answers[Math.min(next++, answers.length - 1)]! }) },
    retry: retryPolicy({ maxRetries: 0 }),
    userAgent: "azid-fuzz",
    attemptTimeoutMs: 5_000,
    release: () => undefined,
  };
}

/** Awaits `fn`; passes if it resolves or rejects with one of `allowed`; the error text must stay bounded. */
async function typedOnlyAsync(fn: () => Promise<unknown>, ...allowed: Array<new (...args: never[]) => Error>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (!allowed.some((type) => error instanceof type)) {
      throw new Error(`finding: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { cause: error });
    }
    assert.ok((error as Error).message.length <= 20_000, `an error message of ${(error as Error).message.length} characters`);
  }
}

/** Discovery documents: the real fields with hostile values, and anything JSON-ish. */
const discoveryDocument = fc.oneof(
  jsonish,
  fc
    .record(
      {
        tenant_discovery_endpoint: fc.oneof(fc.constant("https://login.contoso.example/t/v2.0/.well-known/openid-configuration"), fc.jsonValue()),
        token_endpoint: fc.oneof(
          fc.constantFrom(
            "https://login.contoso.example/{tenant}/oauth2/v2.0/token",
            "https://evil.example/t/oauth2/v2.0/token",
            "http://login.contoso.example/t/token",
            "not a url",
          ),
          fc.webUrl(),
          fc.jsonValue(),
        ),
        error: fc.oneof(fc.string(), fc.jsonValue()),
        error_description: fc.oneof(fc.string({ maxLength: 100_000 }), fc.jsonValue()),
        error_codes: fc.oneof(fc.array(fc.integer()), fc.jsonValue()),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
);

export const properties: Array<{ name: string; property: fc.IPropertyWithHooks<any> | fc.IAsyncPropertyWithHooks<any> }> = [
  {
    name: "token endpoint responses (any status, any body): a token with a bounded expiry, or an AuthenticationError",
    property: fc.property(fc.constantFrom(200, 400, 401, 429, 500), jsonish, (status, body) => {
      typedOnly(() => {
        const response = parseTokenResponse(status, body, now, "https://login.example/tenant/oauth2/v2.0/token");
        assert.ok(
          Number.isFinite(response.expiresOnTimestamp) && response.expiresOnTimestamp > now && response.expiresOnTimestamp - now <= MAX_TOKEN_LIFETIME_MS,
        );
      }, AuthenticationError);
    }),
  },
  {
    name: "token responses with hostile expiry fields: bounded or refused",
    property: fc.property(fc.record({ expires_in: expiryValue, expires_on: expiryValue, refresh_in: expiryValue }, { requiredKeys: [] }), (fields) => {
      const expiry = tokenExpiry({ expiresOn: fields.expires_on, expiresIn: fields.expires_in, refreshIn: fields.refresh_in }, now);
      if ("problem" in expiry) return;
      assert.ok(Number.isFinite(expiry.expiresOnTimestamp) && expiry.expiresOnTimestamp > now && expiry.expiresOnTimestamp - now <= MAX_TOKEN_LIFETIME_MS);
      if (expiry.refreshAfterTimestamp !== undefined) assert.ok(expiry.refreshAfterTimestamp < expiry.expiresOnTimestamp);
    }),
  },
  {
    name: "managed identity token and error bodies",
    property: fc.property(
      jsonish,
      fc.array(fc.oneof(fc.string({ minLength: 4 }), fc.stringMatching(/^[A-Za-z0-9]{8,24}$/)), { maxLength: 2 }),
      (body, secrets) => {
        typedOnly(() => parseManagedIdentityToken(body, now, "IMDS"), AuthenticationError);
        const parsed = parseHostErrorBody(body, secrets);
        assert.ok(parsed.message.length <= 500);
        // A secret of letters and digits (the shape of real ones) never survives redaction.
        for (const secret of secrets) if (/^[A-Za-z0-9]{8,}$/.test(secret)) assert.ok(!parsed.message.includes(secret), parsed.message);
      },
    ),
  },
  {
    name: "server error text: the secret and JWTs never survive scrubbing, the output is bounded",
    property: fc.property(fc.string(), fc.string(), fc.stringMatching(/^[A-Za-z0-9~._-]{8,40}$/), (before, after, secret) => {
      const jwt = `eyJ${Buffer.from(secret).toString("base64url")}x.eyJzdWIiOiJ4In0.sig`;
      const out = scrubServerText(`${before}${secret}${after} ${jwt}`, [secret]);
      assert.ok(!out.includes(secret), out);
      assert.ok(!out.includes(jwt));
      assert.ok(out.length <= 4_100);
    }),
  },
  {
    name: "JWT and id token payloads: an object or undefined",
    property: fc.property(
      fc.oneof(
        fc.string(),
        fc.tuple(fc.string(), jsonish, fc.string()).map(([h, p, s]) => `${h}.${Buffer.from(p).toString("base64url")}.${s}`),
      ),
      (jwt) => {
        const payload = decodeJwtPayload(jwt);
        assert.ok(payload === undefined || (typeof payload === "object" && !Array.isArray(payload)));
      },
    ),
  },
  {
    name: "AuthenticationRecord text: a record or a TypeError/Error naming the problem",
    property: fc.property(jsonish, (text) => typedOnly(() => deserializeAuthenticationRecord(text), TypeError, Error)),
  },
  {
    name: "the MSAL shared cache file",
    property: fc.property(jsonish, (text) => typedOnly(() => parseSharedCache(text, "/home/u/.IdentityService/msal.cache"), CredentialUnavailableError)),
  },
  {
    name: "tool outputs (az, azd, pwsh): a token with a bounded expiry, or CredentialUnavailableError",
    property: fc.property(
      fc.oneof(
        jsonish,
        fc
          .record(
            { accessToken: fc.string(), token: fc.string(), Token: fc.string(), expiresOn: expiryValue, expires_on: expiryValue, ExpiresOn: expiryValue },
            { requiredKeys: [] },
          )
          .map((o) => JSON.stringify(o)),
      ),
      (stdout) => {
        for (const parse of [parseAzureCliOutput, parseAzureDeveloperCliOutput, (s: string) => parseAzurePowerShellOutput(s)]) {
          typedOnly(() => {
            const token = parse(stdout);
            assert.ok(Number.isFinite(token.expiresOnTimestamp) && token.expiresOnTimestamp - Date.now() <= MAX_TOKEN_LIFETIME_MS);
          }, CredentialUnavailableError);
        }
      },
    ),
  },
  {
    name: "PEM text: a certificate or CertificateLoadError",
    property: fc.property(
      fc.oneof(
        fc.string(),
        fc
          .tuple(fc.constantFrom("CERTIFICATE", "PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY"), fc.base64String())
          .map(([label, body]) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`),
        fc.nat(4_000).map((at) => {
          const pem = fixture("cert.pem").toString("utf8");
          return pem.slice(0, at) + pem.slice(at + 7);
        }),
      ),
      (pem) => typedOnly(() => loadCertificate({ pem }), CertificateLoadError),
    ),
  },
  {
    name: "DER and PKCS#12 bytes (real files mutated, and random): parsed or a typed error",
    property: fc.property(
      fc.oneof(
        mutated(fixture("cert.pfx")),
        mutated(fixture("cert-legacy.pfx")),
        fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
      ),
      (bytes) => {
        typedOnly(() => parseDer(bytes), Asn1Error);
        typedOnly(() => parsePkcs12(bytes, "azid-test-pässword"), Pkcs12Error);
        typedOnly(() => loadCertificate({ bytes }, "azid-test-pässword"), CertificateLoadError);
      },
    ),
  },
  {
    name: "VS Code's sign-in record: an account with a valid tenant id, or CredentialUnavailableError",
    property: fc.property(
      fc.oneof(
        jsonish,
        fc
          .record(
            {
              version: fc.oneof(fc.constant("1.0"), fc.jsonValue()),
              clientId: fc.oneof(fc.constant(VSCODE_CLIENT_ID), fc.string()),
              username: fc.oneof(fc.string(), fc.jsonValue()),
              homeAccountId: fc.string(),
              authority: fc.string(),
              tenantId: fc.oneof(fc.string(), fc.uuid(), fc.jsonValue()),
            },
            { requiredKeys: [] },
          )
          .map((o) => JSON.stringify(o)),
      ),
      (text) =>
        typedOnly(() => {
          const account = parseVSCodeSignInRecord(text, "/home/u/.azure/authRecord.json");
          assert.ok(typeof account.username === "string" && /^[0-9a-zA-Z.-]{1,256}$/.test(account.tenantId));
        }, CredentialUnavailableError),
    ),
  },
  {
    name: "authority discovery (instance discovery, then the OIDC document): an https token endpoint on the authority's host, or a typed error",
    property: fc.asyncProperty(httpStatus, discoveryDocument, httpStatus, discoveryDocument, async (s1, b1, s2, b2) => {
      clearAuthorityMetadataCache();
      const host = "https://login.contoso.example";
      await typedOnlyAsync(
        async () => {
          const endpoint = await getTokenEndpoint({
            host,
            tenantId: "t",
            disableInstanceDiscovery: false,
            http: answering([
              { status: s1, bodyText: b1 },
              { status: s2, bodyText: b2 },
            ]),
            deadline: Date.now() + 5_000,
          });
          assert.equal(new URL(endpoint).origin, host, endpoint);
        },
        AuthenticationError,
        CredentialUnavailableError,
      );
    }),
  },
  {
    name: "the device code answer: codes with sane timings, or AuthenticationError",
    property: fc.property(
      httpStatus,
      fc.oneof(
        jsonish,
        fc
          .record(
            {
              device_code: fc.oneof(fc.string(), fc.jsonValue()),
              user_code: fc.oneof(fc.string(), fc.jsonValue()),
              verification_uri: fc.oneof(fc.webUrl(), fc.string(), fc.jsonValue()),
              message: fc.oneof(fc.string(), fc.jsonValue()),
              expires_in: expiryValue,
              interval: expiryValue,
              error: fc.oneof(fc.constantFrom("authorization_pending", "invalid_client"), fc.string(), fc.jsonValue()),
              error_description: fc.oneof(fc.string({ maxLength: 100_000 }), fc.jsonValue()),
              error_codes: fc.oneof(fc.constant([53003]), fc.array(fc.integer()), fc.jsonValue()),
            },
            { requiredKeys: [] },
          )
          .map((o) => JSON.stringify(o)),
      ),
      (status, text) =>
        typedOnly(() => {
          const codes = parseDeviceAuthorization(
            status,
            text,
            "https://login.contoso.example/t/oauth2/v2.0/devicecode",
            "https://graph.microsoft.com/.default",
          );
          assert.ok(codes.deviceCode !== "" && codes.userCode !== "");
          assert.ok(Number.isFinite(codes.expiresInSeconds) && Number.isFinite(codes.intervalSeconds) && codes.intervalSeconds >= 0);
        }, AuthenticationError),
    ),
  },
  {
    name: "Azure Pipelines' OIDC answer: a three-part token, or AuthenticationError",
    property: fc.asyncProperty(
      httpStatus,
      fc.oneof(
        jsonish,
        fc
          .record(
            { oidcToken: fc.oneof(fc.constant("a.b.c"), fc.string(), fc.jsonValue()), message: fc.oneof(fc.string({ maxLength: 100_000 }), fc.jsonValue()) },
            { requiredKeys: [] },
          )
          .map((o) => JSON.stringify(o)),
      ),
      async (status, bodyText) =>
        typedOnlyAsync(async () => {
          const token = await requestPipelinesOidcToken({
            oidcRequestUri: "https://dev.azure.example/org/project/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken",
            serviceConnectionId: "00000000-0000-0000-0000-000000000001",
            systemAccessToken: "system-access-token",
            http: answering([{ status, bodyText }]),
            deadline: Date.now() + 5_000,
          });
          assert.equal(token.split(".").length, 3);
        }, AuthenticationError),
    ),
  },
  {
    name: "the Azure Arc challenge header: undefined or a non-empty path without quotes, the path itself when well formed",
    property: fc.property(
      fc.oneof(
        fc.string({ maxLength: 5_000 }),
        fc
          .tuple(
            fc.constantFrom("Basic", "basic", "Bearer", ""),
            fc.stringMatching(/^[ \t]{0,40}$/),
            fc.constantFrom("realm", "Realm", "realms"),
            fc.string(),
            fc.boolean(),
          )
          .map(([scheme, blank, key, path, quoted]) => `${scheme}${blank}${key}${blank}=${blank}${quoted ? `"${path}"` : path}${blank}`),
        fc.nat(5_000).map((n) => `Basic realm=a${" \t".repeat(n)}x"`),
      ),
      (header) => {
        const realm = parseArcChallenge(header);
        if (realm === undefined) return;
        assert.ok(realm.length > 0 && !realm.includes('"') && realm === realm.trim(), JSON.stringify(realm));
        if (/^\s*Basic\s+realm\s*=\s*"?\/var\/opt\/azcmagent\/tokens\/[a-z]+\.key"?\s*$/i.test(header))
          assert.match(realm, /^\/var\/opt\/azcmagent\/tokens\/[a-z]+\.key$/);
      },
    ),
  },
  {
    name: "the key file an Azure Arc challenge names: only the agent directory's regular .key files are read; else AuthenticationError",
    property: fc.asyncProperty(
      fc.oneof(
        fc.string(),
        fc
          .constantFrom("good.key", "link.key", "dir.key", "missing.key", "big.key", "empty.key", "good.txt", "../good.key", "./good.key", "sub/../good.key")
          .map((name) => join(arcDirectory(), name)),
        fc.array(fc.constantFrom("..", ".", "good.key", "tokens", "", "x.key"), { maxLength: 6 }).map((parts) => join(arcDirectory(), ...parts)),
      ),
      async (realm) => {
        try {
          const key = await readChallengeKey(realm, "fuzz", arcDirectory());
          assert.equal(key, "the-agent-key", `read ${JSON.stringify(realm)}`);
        } catch (error) {
          if (!(error instanceof AuthenticationError)) throw new Error(`finding: ${String(error)}`, { cause: error });
        }
      },
    ),
  },
];

let arcDir: string | undefined;
/** A stand-in agent token directory: one good key, and the files a hostile challenge might name instead. */
function arcDirectory(): string {
  if (arcDir !== undefined) return arcDir;
  const dir = join(mkdtempSync(join(tmpdir(), "azid-fuzz-arc-")), "tokens");
  mkdirSync(dir);
  writeFileSync(join(dir, "good.key"), "the-agent-key");
  writeFileSync(join(dir, "empty.key"), "");
  writeFileSync(join(dir, "big.key"), "k".repeat(5_000));
  writeFileSync(join(dir, "good.txt"), "not a key");
  writeFileSync(join(dirname(dir), "secret.key"), "outside the directory");
  symlinkSync(join(dirname(dir), "secret.key"), join(dir, "link.key"));
  mkdirSync(join(dir, "dir.key"));
  return (arcDir = dir);
}
