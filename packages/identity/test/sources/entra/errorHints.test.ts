// The hint appended to AADSTS errors. AADSTS70011 (invalid scope) has two causes: an app-only flow
// without a '<resource>/.default' scope, and scopes of two resources in one request; the hint names
// the one that applies. Checked at the wire: a ClientSecretCredential against the emulator.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AuthenticationError, ClientSecretCredential } from "../../../src/index.js";
import { hintFor } from "../../../src/sources/entra/errorHints.js";
import * as browserHints from "../../../src/sources/entra/errorHints.browser.js";
import { useEmulator } from "../../support/emulator.js";
import { rejection } from "../../support/assertions.js";

const env = useEmulator();

describe("AADSTS70011 hint", () => {
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

  it("the browser build's hints (a page's sign-in) carry the two-resource advice too, and not the app-only one", () => {
    const scope = "openid profile offline_access https://storage.azure.com/user_impersonation https://vault.azure.net/user_impersonation";
    assert.match(browserHints.hintFor([70011], scope)!, /One token serves one resource, and the scopes name 2/);
    assert.equal(browserHints.hintFor([70011], "openid https://storage.azure.com/user_impersonation"), undefined);
    assert.match(browserHints.hintFor([50011])!, /Single-page application redirect URI/);
    assert.ok(browserHints.allHints().every((hint) => !/client secret|certificate/i.test(hint)));
  });
});
