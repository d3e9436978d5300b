// Side by side: the same scenarios through @azure/identity 4.13.1 and through azid, each in its own
// child process against the emulator over HTTPS, and the outcomes compared. Where azid differs on
// purpose (a refused secret is an AuthenticationError, not "sign in interactively"), the test says so.
// The loggingOptions account line of the twelve credentials both libraries run is in
// sideBySideAccountLogging.test.ts; the harness is sideBySideHarness.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseChildJson, runNodeScript } from "./nodeChild.js";
import { accountSetup, both, CHILD, env } from "./sideBySideHarness.js";

describe("side by side with @azure/identity 4.13.1", () => {
  it("loggingOptions (AuthorizationCodeCredential): the same [Authenticated account] line; no token, secret or authorization code in a line", async () => {
    const { app, extraEnv } = accountSetup("AuthorizationCodeCredential");
    const { azure, azid } = await both("account:AuthorizationCodeCredential", app, extraEnv);
    assert.equal(azure.thrown, undefined, JSON.stringify(azure));
    assert.equal(azid.thrown, undefined, JSON.stringify(azid));
    assert.equal(azid.accounts.length, 1, JSON.stringify(azid));
    assert.deepEqual(azid.accounts, azure.accounts);
    assert.deepEqual(azid.accountLinesPerCall, azure.accountLinesPerCall);
    assert.equal(azid.leaked, false);
  });

  // @azure/identity cannot run these two flows here, so azid's behaviour is asserted alone, against the
  // line format the other credentials share with @azure/identity above:
  //  - InteractiveBrowserCredential: @azure/identity opens the system browser through the `open` package
  //    and has no hook to drive it (azid's browserOpener plays the browser on the emulator's page);
  //  - SharedTokenCacheCredential: @azure/identity 4.x no longer exports it (azid keeps it, after
  //    Python's); the test checks that `new SharedTokenCacheCredential` fails there.
  for (const kind of ["InteractiveBrowserCredential", "SharedTokenCacheCredential"]) {
    it(`loggingOptions (${kind}), azid alone: an [Authenticated account] line with client, tenant, UPN and object id; no token or secret in a line`, async () => {
      const home = mkdtempSync(join(tmpdir(), "azid-side-home-"));
      let extra: NodeJS.ProcessEnv = { HOME: home };
      let app = env.addApp();
      if (kind === "SharedTokenCacheCredential") await env.emu.writeSharedTokenCache({ path: join(home, ".IdentityService", "msal.cache") });
      else ({ app, extraEnv: extra } = { ...accountSetup(kind), extraEnv: { ...accountSetup(kind).extraEnv, HOME: home } });
      const { azure, azid } = await both(`account:${kind}`, app, extra);
      assert.equal(azid.thrown, undefined, JSON.stringify(azid));
      assert.equal(azid.accounts.length, 1, JSON.stringify(azid));
      assert.match(
        azid.accounts[0],
        /^\[Authenticated account\] Client ID: [0-9a-f-]{36}\. Tenant ID: [0-9a-f-]{36}\. User Principal Name: .+@.+\. Object ID \(user\): [0-9a-f-]{36}$/,
      );
      assert.equal(azid.leaked, false);
      if (kind === "SharedTokenCacheCredential")
        assert.deepEqual(azure.thrown, { name: "TypeError" }, `@azure/identity exports it again: ${JSON.stringify(azure)}`);
      else assert.deepEqual(azure, { notRun: "@azure/identity opens the system browser" });
    });
  }

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

  it("AZURE_LOG_LEVEL=debug (the form Python's docs use): @azure/identity logs nothing; azid takes it as verbose and logs (better, as README says)", async () => {
    const app = env.addApp();
    const childEnv = { ...env.childEnv(app), AZURE_LOG_LEVEL: "debug", AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:1" };
    const [azure, azid] = await Promise.all([runNodeScript(CHILD, ["azure", "secret"], childEnv), runNodeScript(CHILD, ["azid", "secret"], childEnv)]);
    for (const run of [azure, azid]) assert.equal(parseChildJson<{ tokenType?: string }>(run).tokenType, "Bearer", run.stderr);
    const identityLines = (stderr: string) => stderr.split("\n").filter((l) => /^azure:identity:(verbose|info) /.test(l));
    assert.match(azure.stderr, /AZURE_LOG_LEVEL set to unknown log level 'debug'; logging is not enabled/);
    assert.deepEqual(identityLines(azure.stderr), []);
    // @azure/logger, installed here, still prints its own complaint when azid loads it; azid adds none of its own.
    assert.doesNotMatch(azid.stderr, /ignoring AZURE_LOG_LEVEL/);
    assert.ok(
      identityLines(azid.stderr).some((l) => /^azure:identity:info ClientSecretCredential => getToken\(\) => SUCCESS/.test(l)),
      azid.stderr,
    );
    assert.ok(!azid.stderr.includes(app.secret));
  });

  it("OpenTelemetry: the same spans (name, kind, status, az.namespace, recorded exception) for a success and a failure, and tracingOptions' context makes the caller's span the parent", async () => {
    const { azure, azid } = await both("tracing", env.addApp());
    assert.equal(azure.spans?.length, 3, JSON.stringify(azure));
    assert.deepEqual(
      azure.spans.map((s: { childOfCaller: boolean }) => s.childOfCaller),
      [false, false, true],
    );
    assert.deepEqual(azid, azure);
  });

  it("proofOfPossessionOptions on ClientSecretCredential: azid rejects naming the option where @azure/identity hands back a Bearer token (the option silently ignored)", async () => {
    const { azure, azid } = await both("pop", env.addApp());
    assert.deepEqual(azure, { tokenType: "Bearer" }, JSON.stringify(azure));
    assert.deepEqual(azid, { error: "UnsupportedOptionError", mentionsOption: true });
  });

  it("brokerOptions.enabled: both refuse at construction (azid with UnsupportedOptionError naming the alternatives)", async () => {
    const { azure, azid } = await both("broker", env.addApp());
    assert.deepEqual(azure, { constructed: false, isError: true });
    assert.deepEqual(azid, azure);
  });
});
