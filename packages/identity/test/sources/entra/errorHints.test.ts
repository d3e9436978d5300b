// The hint appended to AADSTS errors. AADSTS70011 (invalid scope) has two causes: an app-only flow
// without a '<resource>/.default' scope, and scopes of two resources in one request; the hint names
// the one that applies. User flows name the second AADSTS28000. Checked at the wire against the
// emulator; the browser build's choice (links, no advice lines) on its tables.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_PASSWORD, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_USERNAME } from "@azid/emulator";
import { AuthenticationError, ClientSecretCredential, UsernamePasswordCredential } from "../../../src/index.js";
import { AADSTS_ANCHORS as BROWSER_AADSTS_ANCHORS } from "../../../src/core/errorAnchors.browser.js";
import { hintFor } from "../../../src/sources/entra/errorHints.js";
import * as browserHints from "../../../src/sources/entra/errorHints.browser.js";
import { useEmulator } from "../../support/emulator.js";
import { rejection } from "../../support/assertions.js";

const env = useEmulator();

describe("AADSTS70011 / 28000 hint", () => {
  it("scopes of two resources: one token serves one resource (not a missing .default)", async () => {
    const app = env.addApp();
    const credential = new ClientSecretCredential(env.tenantId, app.clientId, app.secret, env.options);
    const error = await rejection(credential.getToken(["https://storage.azure.com/.default", "https://vault.azure.net/.default"]));
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.match(error.message, /AADSTS70011/);
    assert.match(error.message, /Hint: One token serves one resource, and the scopes name 2 \(https:\/\/storage\.azure\.com, https:\/\/vault\.azure\.net\)/);
    assert.doesNotMatch(error.message, /need a '<resource>\/\.default' scope/);
  });

  it("one resource without .default in an app-only flow: the .default hint", async () => {
    const app = env.addApp();
    const credential = new ClientSecretCredential(env.tenantId, app.clientId, app.secret, env.options);
    const error = await rejection(credential.getToken("https://storage.azure.com/user_impersonation"));
    assert.match(error.message, /AADSTS70011/);
    assert.match(error.message, /Hint: The scope is invalid: app-only flows need a '<resource>\/\.default' scope/);
  });

  it("OIDC scopes and permissions of one resource count as one resource", () => {
    assert.match(hintFor([70011], "openid profile offline_access https://storage.azure.com/user_impersonation")!, /need a '<resource>\/\.default'/);
    assert.match(
      hintFor([70011], "User.Read https://vault.azure.net/.default")!,
      /scopes name 2 \(https:\/\/graph\.microsoft\.com, https:\/\/vault\.azure\.net\)/,
    );
  });

  it("a user flow's scopes of two resources (AADSTS28000): the same advice, naming the resources", async () => {
    const credential = new UsernamePasswordCredential(env.tenantId, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_USERNAME, DEFAULT_PASSWORD, env.options);
    const error = await rejection(credential.getToken(["https://storage.azure.com/user_impersonation", "https://vault.azure.net/user_impersonation"]));
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.equal(error.aadstsCode, 28000, error.message);
    assert.match(error.message, /Hint: One token serves one resource, and the scopes name 2 \(https:\/\/storage\.azure\.com, https:\/\/vault\.azure\.net\)/);
    assert.match(error.message, /docs\/troubleshooting\.md#scope-multiple-resources/);
  });

  it("the browser build adds no advice line; every code a page's sign-in meets at the token endpoint links the guide", () => {
    const scope = "openid profile offline_access https://storage.azure.com/user_impersonation https://vault.azure.net/user_impersonation";
    assert.equal(browserHints.hintFor([28000], scope), undefined);
    assert.equal(browserHints.hintFor([700016]), undefined);
    assert.deepEqual(browserHints.allHints(), []);
    // Code redemption and refresh: several resources, a resource or tenant missing (another tenant's
    // refresh), Conditional Access, consent, MFA, the SPA redirect URI, the SPA refresh token's 24 h.
    for (const code of [28000, 500011, 700016, 90002, 53003, 65001, 50076, 9002326, 700084]) {
      assert.ok(BROWSER_AADSTS_ANCHORS[code] !== undefined, `AADSTS${code} has no troubleshooting link in the browser build`);
    }
  });
});
