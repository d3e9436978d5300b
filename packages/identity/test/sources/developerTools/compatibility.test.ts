// Type-level and run-time compatibility of the developer-tool credentials with @azure/identity 4.13.1
// and @azure/core-auth: same class names, same option names, assignable to TokenCredential.
import assert from "node:assert/strict";
import { it } from "node:test";
import { isTokenCredential, type TokenCredential as CoreTokenCredential } from "@azure/core-auth";
import type * as upstream from "@azure/identity";
import * as azid from "../../../src/index.js";

// The same option literal type-checks against upstream's option types and ours.
const cli = { tenantId: "t", additionallyAllowedTenants: ["*"], processTimeoutInMs: 5_000, subscription: "My Sub" };
const cliUpstream: upstream.AzureCliCredentialOptions = cli;
const cliOurs: azid.AzureCliCredentialOptions = cli;
const dev = { tenantId: "t", additionallyAllowedTenants: ["*"], processTimeoutInMs: 5_000 };
const devUpstream: upstream.AzureDeveloperCliCredentialOptions = dev;
const devOurs: azid.AzureDeveloperCliCredentialOptions = dev;
const pwshUpstream: upstream.AzurePowerShellCredentialOptions = dev;
const pwshOurs: azid.AzurePowerShellCredentialOptions = dev;
void [cliUpstream, cliOurs, devUpstream, devOurs, pwshUpstream, pwshOurs];

it("AzureCliCredential, AzureDeveloperCliCredential and AzurePowerShellCredential are core-auth TokenCredentials", () => {
  const credentials: CoreTokenCredential[] = [new azid.AzureCliCredential(), new azid.AzureDeveloperCliCredential(), new azid.AzurePowerShellCredential()];
  for (const credential of credentials) assert.ok(isTokenCredential(credential), credential.constructor.name);
  assert.deepEqual(
    credentials.map((c) => c.constructor.name),
    ["AzureCliCredential", "AzureDeveloperCliCredential", "AzurePowerShellCredential"],
  );
});

it("constructing a credential spawns nothing and needs no tool", () => {
  const path = process.env.PATH;
  process.env.PATH = "";
  try {
    new azid.AzureCliCredential({ tenantId: "contoso.onmicrosoft.com", subscription: "Dev Sub" });
    new azid.AzureDeveloperCliCredential({ tenantId: "contoso.onmicrosoft.com" });
    new azid.AzurePowerShellCredential({ tenantId: "contoso.onmicrosoft.com" });
  } finally {
    process.env.PATH = path;
  }
});
