// Side by side, loggingOptions (allowLoggingAccountIdentifiers + enableUnsafeSupportLogging): each
// credential both libraries can run here signs in through @azure/identity 4.13.1 and through azid, in
// child processes against the emulator; both log the same [Authenticated account] line, as often, and
// neither logs a token or a secret. The other side-by-side scenarios are in sideBySide.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { accountSetup, ACCOUNT_LOGGING_KINDS, both } from "./sideBySideHarness.js";

describe("side by side with @azure/identity 4.13.1: loggingOptions' account line", () => {
  for (const kind of ACCOUNT_LOGGING_KINDS) {
    it(`loggingOptions (${kind}): the same [Authenticated account] line (client, tenant, UPN, object id), logged as often, and never a token or secret in a line`, async () => {
      const { app, extraEnv } = accountSetup(kind);
      const { azure, azid } = await both(`account:${kind}`, app, extraEnv);
      assert.equal(azure.thrown, undefined, JSON.stringify(azure));
      assert.equal(azid.thrown, undefined, JSON.stringify(azid));
      assert.equal(azid.accounts.length, 1, JSON.stringify(azid));
      assert.match(
        azid.accounts[0],
        /^\[Authenticated account\] Client ID: [0-9a-f-]{36}\. Tenant ID: [0-9a-f-]{36}\. User Principal Name: .+\. Object ID \(user\): [0-9a-f-]{36}$/,
      );
      assert.deepEqual(azid.accounts, azure.accounts);
      // Logged when a token is acquired, not again for the same request served from the cache, in both.
      assert.deepEqual(azid.accountLinesPerCall, azure.accountLinesPerCall);
      assert.equal(azid.leaked, false);
    });
  }
});
