// Every option of @azure/identity's option types exists in azid's, and an options object typed with
// @azure/identity's type is accepted by azid's (checked by the type-checker in npm test: a gap makes
// one of the `true` lines below a compile error); every name @azure/identity exports, values and
// types, azid exports too; and at run time every shared option either works or throws
// UnsupportedOptionError at construction.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import ts from "typescript";
import type * as Azure from "@azure/identity";
import * as Azid from "../../src/index.js";

/** `true` only when every key of A is a key of B. */
type Covers<A, B> = [Exclude<keyof A, keyof B>] extends [never] ? true : Exclude<keyof A, keyof B>;

/**
 * `true` only when a value of type A can be passed where B is expected. `httpClient` aside: azid's
 * transport interface is its own, not @azure/core-rest-pipeline's (the runtime walk below covers it).
 */
type Assignable<A, B> = [A extends unknown ? Omit<A, "httpClient"> : never] extends [B] ? true : false;

/** Every option of A exists in B, and options built with A's type compile unchanged against B. */
type Compatible<A, B> = Covers<A, B> extends true ? Assignable<A, B> : Covers<A, B>;

export const typeLevel: Record<string, true> = {
  TokenCredentialOptions: true as Compatible<Azure.TokenCredentialOptions, Azid.TokenCredentialOptions>,
  ClientSecretCredentialOptions: true as Compatible<Azure.ClientSecretCredentialOptions, Azid.ClientSecretCredentialOptions>,
  ClientCertificateCredentialOptions: true as Compatible<Azure.ClientCertificateCredentialOptions, Azid.ClientCertificateCredentialOptions>,
  ClientAssertionCredentialOptions: true as Compatible<Azure.ClientAssertionCredentialOptions, Azid.ClientAssertionCredentialOptions>,
  EnvironmentCredentialOptions: true as Compatible<Azure.EnvironmentCredentialOptions, Azid.EnvironmentCredentialOptions>,
  UsernamePasswordCredentialOptions: true as Compatible<Azure.UsernamePasswordCredentialOptions, Azid.UsernamePasswordCredentialOptions>,
  WorkloadIdentityCredentialOptions: true as Compatible<Azure.WorkloadIdentityCredentialOptions, Azid.WorkloadIdentityCredentialOptions>,
  AzurePipelinesCredentialOptions: true as Compatible<Azure.AzurePipelinesCredentialOptions, Azid.AzurePipelinesCredentialOptions>,
  AzureCliCredentialOptions: true as Compatible<Azure.AzureCliCredentialOptions, Azid.AzureCliCredentialOptions>,
  AzureDeveloperCliCredentialOptions: true as Compatible<Azure.AzureDeveloperCliCredentialOptions, Azid.AzureDeveloperCliCredentialOptions>,
  AzurePowerShellCredentialOptions: true as Compatible<Azure.AzurePowerShellCredentialOptions, Azid.AzurePowerShellCredentialOptions>,
  DeviceCodeCredentialOptions: true as Compatible<Azure.DeviceCodeCredentialOptions, Azid.DeviceCodeCredentialOptions>,
  InteractiveBrowserCredentialNodeOptions: true as Compatible<Azure.InteractiveBrowserCredentialNodeOptions, Azid.InteractiveBrowserCredentialNodeOptions>,
  InteractiveBrowserCredentialInBrowserOptions: true as Compatible<
    Azure.InteractiveBrowserCredentialInBrowserOptions,
    Azid.InteractiveBrowserCredentialInBrowserOptions
  >,
  AuthorizationCodeCredentialOptions: true as Compatible<Azure.AuthorizationCodeCredentialOptions, Azid.AuthorizationCodeCredentialOptions>,
  OnBehalfOfCredentialOptions: true as Compatible<Azure.OnBehalfOfCredentialOptions, Azid.OnBehalfOfCredentialOptions>,
  OnBehalfOfCredentialSecretOptions: true as Compatible<Azure.OnBehalfOfCredentialSecretOptions, Azid.OnBehalfOfCredentialSecretOptions>,
  OnBehalfOfCredentialCertificateOptions: true as Compatible<Azure.OnBehalfOfCredentialCertificateOptions, Azid.OnBehalfOfCredentialCertificateOptions>,
  OnBehalfOfCredentialAssertionOptions: true as Compatible<Azure.OnBehalfOfCredentialAssertionOptions, Azid.OnBehalfOfCredentialAssertionOptions>,
  DefaultAzureCredentialOptions: true as Compatible<Azure.DefaultAzureCredentialOptions, Azid.DefaultAzureCredentialOptions>,
  DefaultAzureCredentialClientIdOptions: true as Compatible<Azure.DefaultAzureCredentialClientIdOptions, Azid.DefaultAzureCredentialClientIdOptions>,
  DefaultAzureCredentialResourceIdOptions: true as Compatible<Azure.DefaultAzureCredentialResourceIdOptions, Azid.DefaultAzureCredentialResourceIdOptions>,
  ManagedIdentityCredentialClientIdOptions: true as Compatible<Azure.ManagedIdentityCredentialClientIdOptions, Azid.ManagedIdentityCredentialClientIdOptions>,
  ManagedIdentityCredentialResourceIdOptions: true as Compatible<
    Azure.ManagedIdentityCredentialResourceIdOptions,
    Azid.ManagedIdentityCredentialResourceIdOptions
  >,
  ManagedIdentityCredentialObjectIdOptions: true as Compatible<Azure.ManagedIdentityCredentialObjectIdOptions, Azid.ManagedIdentityCredentialObjectIdOptions>,
  VisualStudioCodeCredentialOptions: true as Compatible<Azure.VisualStudioCodeCredentialOptions, Azid.VisualStudioCodeCredentialOptions>,
  InteractiveCredentialOptions: true as Compatible<Azure.InteractiveCredentialOptions, Azid.InteractiveCredentialOptions>,
  MultiTenantTokenCredentialOptions: true as Compatible<Azure.MultiTenantTokenCredentialOptions, Azid.MultiTenantTokenCredentialOptions>,
  AuthorityValidationOptions: true as Compatible<Azure.AuthorityValidationOptions, Azid.AuthorityValidationOptions>,
  CredentialPersistenceOptions: true as Compatible<Azure.CredentialPersistenceOptions, Azid.CredentialPersistenceOptions>,
  TokenCachePersistenceOptions: true as Compatible<Azure.TokenCachePersistenceOptions, Azid.TokenCachePersistenceOptions>,
  BrowserCustomizationOptions: true as Compatible<Azure.BrowserCustomizationOptions, Azid.BrowserCustomizationOptions>,
  BrokerOptions: true as Compatible<Azure.BrokerOptions, Azid.BrokerOptions>,
  BrokerAuthOptions: true as Compatible<Azure.BrokerAuthOptions, Azid.BrokerAuthOptions>,
  GetTokenOptions: true as Compatible<Azure.GetTokenOptions, Azid.GetTokenOptions>,
  GetBearerTokenProviderOptions: true as Compatible<Azure.GetBearerTokenProviderOptions, Azid.GetBearerTokenProviderOptions>,
  "BrokerAuthOptions, as InteractiveBrowserCredential's brokerOptions": true as Assignable<
    Azure.BrokerAuthOptions,
    Pick<Azid.InteractiveBrowserCredentialNodeOptions, "brokerOptions">
  >,
  "every value export (classes, functions, constants)": true as Covers<typeof Azure, typeof Azid>,
};

/** The names a module exports (values and types), as the TypeScript checker resolves them. */
function exportedNames(program: ts.Program, file: string): Set<string> {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  assert.ok(source !== undefined, file);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  assert.ok(moduleSymbol !== undefined, file);
  return new Set(checker.getExportsOfModule(moduleSymbol).map((symbol) => symbol.name));
}

describe("azid exports what @azure/identity exports", () => {
  it("every name @azure/identity 4.13.1 exports, value or type, azid exports too (an import list compiles unchanged)", () => {
    const azureEntry = createRequire(import.meta.url)
      .resolve("@azure/identity")
      .replace(/\.js$/, ".d.ts");
    const azidEntry = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
    const program = ts.createProgram([azureEntry, azidEntry], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    });
    const azure = exportedNames(program, azureEntry);
    const azid = exportedNames(program, azidEntry);
    assert.ok(azure.size > 60 && azure.has("DefaultAzureCredential") && azure.has("TokenCredentialOptions"), [...azure].join(" "));
    assert.deepEqual(
      [...azure].filter((name) => !azid.has(name)),
      [],
    );
  });
});

/** A value for each option every credential shares, as an application would pass it. */
const SAMPLES: Record<keyof Azure.TokenCredentialOptions, unknown> = {
  authorityHost: "https://login.microsoftonline.com",
  loggingOptions: {
    allowLoggingAccountIdentifiers: true,
    enableUnsafeSupportLogging: true,
    additionalAllowedHeaderNames: ["x"],
    additionalAllowedQueryParameters: ["y"],
  },
  additionalPolicies: [{ policy: { name: "p", sendRequest: (r: unknown, next: (r: unknown) => unknown) => next(r) }, position: "perCall" }],
  allowInsecureConnection: true,
  proxyOptions: { host: "http://127.0.0.1", port: 3128 },
  redirectOptions: { handleRedirects: true, maxRetries: 2 },
  retryOptions: { maxRetries: 1 },
  telemetryOptions: { applicationId: "my-app" },
  tlsOptions: { ca: "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n" },
  userAgentOptions: { userAgentPrefix: "my-app" },
  httpClient: { sendRequest: async () => ({}) },
  agent: {},
} as Record<keyof Azure.TokenCredentialOptions, unknown>;

describe("every @azure/identity option works or fails loudly", () => {
  it("the type-level check ran (every entry is true)", () => {
    assert.ok(Object.values(typeLevel).every((v) => v === true));
  });

  // Every credential that sends HTTP requests (the developer-tool credentials run processes and send none).
  const CREDENTIALS: Record<string, (options: Record<string, unknown>) => unknown> = {
    ClientSecretCredential: (o) => new Azid.ClientSecretCredential("tenant", "client", "secret", o),
    ClientAssertionCredential: (o) => new Azid.ClientAssertionCredential("tenant", "client", async () => "assertion", o),
    UsernamePasswordCredential: (o) => new Azid.UsernamePasswordCredential("tenant", "client", "user@contoso.com", "password", o),
    DeviceCodeCredential: (o) => new Azid.DeviceCodeCredential(o),
    InteractiveBrowserCredential: (o) => new Azid.InteractiveBrowserCredential(o),
    AuthorizationCodeCredential: (o) => new Azid.AuthorizationCodeCredential("tenant", "client", "secret", "code", "http://localhost:8400", o),
    OnBehalfOfCredential: (o) =>
      new Azid.OnBehalfOfCredential({ tenantId: "tenant", clientId: "client", clientSecret: "secret", userAssertionToken: "assertion", ...o }),
    ManagedIdentityCredential: (o) => new Azid.ManagedIdentityCredential(o),
  };

  for (const [credential, make] of Object.entries(CREDENTIALS)) {
    for (const [option, value] of Object.entries(SAMPLES)) {
      it(`${credential}, ${option}: constructs, or throws UnsupportedOptionError naming it`, () => {
        try {
          make({ [option]: value });
        } catch (error) {
          assert.ok(error instanceof Azid.UnsupportedOptionError, `${credential} ${option}: ${String(error)}`);
          assert.equal(error.option.split(".")[0], option);
          assert.match(error.message, /Remove|use|pass/i, "says what to do instead");
        }
      });
    }
  }
});

/** Each credential's own options (beyond TokenCredentialOptions), by @azure/identity's names, with a value as an application would pass it. */
const RECORD = {
  authority: "login.microsoftonline.com",
  homeAccountId: "00000000-0000-0000-0000-000000000001.72f988bf-86f1-41af-91ab-2d7cd011db47",
  clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  username: "user@contoso.com",
};
const MULTI_TENANT = { additionallyAllowedTenants: ["*"], disableInstanceDiscovery: true, tokenCachePersistenceOptions: { enabled: true, name: "walk" } };
const USER = { ...MULTI_TENANT, authenticationRecord: RECORD, disableAutomaticAuthentication: true };
const TOOL = { tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", processTimeoutInMs: 5_000, additionallyAllowedTenants: ["*"] };
const SPECIFIC: Array<[string, (o: Record<string, unknown>) => unknown, Record<string, unknown>]> = [
  ["ClientSecretCredential", (o) => new Azid.ClientSecretCredential("tenant", "client", "secret", o), MULTI_TENANT],
  [
    "ClientCertificateCredential",
    (o) => new Azid.ClientCertificateCredential("tenant", "client", "packages/identity/test/fixtures/certificates/cert.pem", o),
    { ...MULTI_TENANT, sendCertificateChain: true },
  ],
  ["ClientAssertionCredential", (o) => new Azid.ClientAssertionCredential("tenant", "client", async () => "assertion", o), MULTI_TENANT],
  ["UsernamePasswordCredential", (o) => new Azid.UsernamePasswordCredential("tenant", "client", "user@contoso.com", "password", o), USER],
  [
    "DeviceCodeCredential",
    (o) => new Azid.DeviceCodeCredential(o),
    { ...USER, tenantId: "organizations", clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", userPromptCallback: () => undefined },
  ],
  [
    "InteractiveBrowserCredential",
    (o) => new Azid.InteractiveBrowserCredential(o),
    {
      ...USER,
      tenantId: "organizations",
      clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
      redirectUri: "http://localhost:8400",
      loginHint: "user@contoso.com",
      loginStyle: "popup",
      browserCustomizationOptions: { successMessage: "ok", errorMessage: "no" },
      brokerOptions: { enabled: true, parentWindowHandle: new Uint8Array(8), legacyEnableMsaPassthrough: true, useDefaultBrokerAccount: true },
    },
  ],
  ["AuthorizationCodeCredential", (o) => new Azid.AuthorizationCodeCredential("tenant", "client", "secret", "code", "http://localhost:8400", o), MULTI_TENANT],
  [
    "OnBehalfOfCredential",
    (o) => new Azid.OnBehalfOfCredential({ tenantId: "tenant", clientId: "client", clientSecret: "secret", userAssertionToken: "assertion", ...o }),
    { ...MULTI_TENANT, sendCertificateChain: false },
  ],
  ["ManagedIdentityCredential", (o) => new Azid.ManagedIdentityCredential(o as never), { clientId: "client", resourceId: "/subscriptions/s", objectId: "oid" }],
  [
    "WorkloadIdentityCredential",
    (o) =>
      new Azid.WorkloadIdentityCredential({
        tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
        clientId: "client",
        tokenFilePath: "/var/run/secrets/token",
        ...o,
      }),
    { ...MULTI_TENANT, tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", clientId: "client", tokenFilePath: "/var/run/secrets/token" },
  ],
  ["AzureCliCredential", (o) => new Azid.AzureCliCredential(o), { ...TOOL, subscription: "my-subscription" }],
  ["AzureDeveloperCliCredential", (o) => new Azid.AzureDeveloperCliCredential(o), TOOL],
  ["AzurePowerShellCredential", (o) => new Azid.AzurePowerShellCredential(o), TOOL],
  [
    "VisualStudioCodeCredential",
    (o) => new Azid.VisualStudioCodeCredential(o),
    { tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", additionallyAllowedTenants: ["*"] },
  ],
  [
    "DefaultAzureCredential",
    (o) => new Azid.DefaultAzureCredential(o),
    {
      tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
      managedIdentityClientId: "client",
      managedIdentityResourceId: "/subscriptions/s",
      workloadIdentityClientId: "client",
      processTimeoutInMs: 5_000,
      additionallyAllowedTenants: ["*"],
      requiredEnvVars: [],
    },
  ],
];

describe("each credential's own @azure/identity options work or fail loudly", () => {
  for (const [credential, make, options] of SPECIFIC) {
    for (const [option, value] of Object.entries(options)) {
      it(`${credential}, ${option}: constructs, or throws a typed error naming it`, () => {
        try {
          make({ [option]: value });
        } catch (error) {
          // Only two refusals are legitimate: an option azid does not support, and persistence without its plugin.
          if (error instanceof Azid.UnsupportedOptionError) assert.equal(error.option.split(".")[0], option);
          else
            assert.ok(
              error instanceof Azid.PersistenceNotConfiguredError && option === "tokenCachePersistenceOptions",
              `${credential} ${option}: ${String(error)}`,
            );
          assert.match((error as Error).message, /use|install|register|pass|remove/i, "says what to do instead");
        }
      });
    }
  }
});
