// @azure/core-auth compatibility (checked by the type checker: this file fails `npm test`'s
// typecheck if any credential stops being assignable) and the published ESM/CommonJS builds.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { it } from "node:test";
import {
  isTokenCredential,
  type AccessToken as CoreAccessToken,
  type GetTokenOptions as CoreGetTokenOptions,
  type TokenCredential as CoreTokenCredential,
} from "@azure/core-auth";
import * as azid from "../src/index.js";

const host = { authorityHost: "https://127.0.0.1:1", disableInstanceDiscovery: true };
const credentials: CoreTokenCredential[] = [
  new azid.ClientSecretCredential("tenant", "client", "secret", host),
  new azid.ClientAssertionCredential("tenant", "client", async () => "assertion", host),
  new azid.ClientCertificateCredential("tenant", "client", "packages/identity/test/fixtures/certificates/cert.pem", host),
  new azid.EnvironmentCredential(host),
  new azid.UsernamePasswordCredential("tenant", "client", "user", "password", host),
  new azid.ChainedTokenCredential(new azid.ClientSecretCredential("tenant", "client", "secret", host)),
];

// Our option and token types accept core-auth's, both ways.
const coreOptions: CoreGetTokenOptions = {
  enableCae: true,
  claims: "{}",
  tenantId: "t",
  requestOptions: { timeout: 1 },
  abortSignal: new AbortController().signal,
};
const ours: azid.GetTokenOptions = coreOptions;
const token: azid.AccessToken = { token: "t", expiresOnTimestamp: 1, refreshAfterTimestamp: 1, tokenType: "Bearer" };
const coreToken: CoreAccessToken = token;
void ours;
void coreToken;

it("every credential is a core-auth TokenCredential at run time too", () => {
  for (const credential of credentials) assert.ok(isTokenCredential(credential), credential.constructor.name);
});

it("the ESM and CommonJS builds load and export the same names", () => {
  const esm = execFileSync(
    process.execPath,
    ["--input-type=module", "-e", "const m = await import('@azid/identity'); console.log(JSON.stringify(Object.keys(m).sort()))"],
    { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
  );
  const cjs = execFileSync(process.execPath, ["-e", "console.log(JSON.stringify(Object.keys(require('@azid/identity')).sort()))"], {
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  assert.deepEqual(JSON.parse(cjs), JSON.parse(esm));
  const expected = [
    "AggregateAuthenticationError",
    "AuthenticationError",
    "AuthenticationRequiredError",
    "AzureAuthorityHosts",
    "ChainedTokenCredential",
    "ClientAssertionCredential",
    "ClientCertificateCredential",
    "ClientSecretCredential",
    "CredentialUnavailableError",
    "EnvironmentCredential",
    "UsernamePasswordCredential",
    "getBearerTokenProvider",
    "logger",
  ];
  for (const name of expected) assert.ok(JSON.parse(esm).includes(name), `missing export ${name}`);
});

it("the library has no runtime dependencies", async () => {
  const { readFileSync } = await import("node:fs");
  const manifest = JSON.parse(readFileSync("packages/identity/package.json", "utf8"));
  assert.deepEqual(Object.keys(manifest.dependencies ?? {}), []);
});
