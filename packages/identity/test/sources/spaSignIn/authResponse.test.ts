// The authorization response in a SPA's address: found in the fragment (or query), checked against
// the pending sign-in's state before the code is used, and removed from the URL with every field
// that could carry a code, an error or session data, leaving the app's own fragment and query.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AuthenticationError } from "../../../src/core/errors.js";
import { codeFromAuthResponse, readAuthResponse, withoutAuthResponse } from "../../../src/sources/spaSignIn/authResponse.js";

describe("SPA authorization response", () => {
  it("reads code and state from the fragment, and ignores addresses that carry no response", () => {
    assert.equal(readAuthResponse("http://localhost:3000/#code=c1&state=s1")?.get("code"), "c1");
    assert.equal(readAuthResponse("http://localhost:3000/?code=c2&state=s2")?.get("code"), "c2");
    assert.equal(readAuthResponse("http://localhost:3000/#/orders?id=7"), undefined);
    assert.equal(readAuthResponse("http://localhost:3000/#code=c1"), undefined, "no state: not an authorization response");
  });

  it("removes code, state, client_info, session_state and error fields; keeps the app's own", () => {
    assert.equal(withoutAuthResponse("http://localhost:3000/#code=c&state=s&client_info=i&session_state=x"), "http://localhost:3000/");
    assert.equal(withoutAuthResponse("http://localhost:3000/app?tab=2#error=access_denied&error_description=d&state=s"), "http://localhost:3000/app?tab=2");
    assert.equal(withoutAuthResponse("http://localhost:3000/?keep=1&code=c&state=s"), "http://localhost:3000/?keep=1");
  });

  it("returns the code only when the state matches", () => {
    assert.equal(codeFromAuthResponse(new URLSearchParams("code=abc&state=s1"), "s1"), "abc");
  });

  for (const [name, expected] of [
    ["another sign-in's state", "s-other"],
    ["no sign-in started in this tab", undefined],
  ] as const) {
    it(`a wrong state (${name}) is a state_mismatch AuthenticationError that says to sign in again, without the code`, () => {
      assert.throws(
        () => codeFromAuthResponse(new URLSearchParams("code=secret-code-value&state=s1"), expected),
        (error: unknown) => {
          assert.ok(error instanceof AuthenticationError);
          assert.equal(error.errorResponse.error, "state_mismatch");
          assert.match(error.message, /[Ss]ign in again/);
          assert.ok(!error.message.includes("secret-code-value"));
          return true;
        },
      );
    });
  }

  it("an error response becomes an AuthenticationError with Entra's error, codes and a hint", () => {
    const fields = new URLSearchParams({ error: "invalid_request", error_description: "AADSTS50011: The redirect URI ...", error_codes: "50011", state: "s1" });
    assert.throws(
      () => codeFromAuthResponse(fields, "s1"),
      (error: unknown) => {
        assert.ok(error instanceof AuthenticationError);
        assert.equal(error.errorResponse.error, "invalid_request");
        assert.deepEqual(error.errorResponse.errorCodes, [50011]);
        assert.match(error.message, /spa redirect URI/);
        return true;
      },
    );
  });
});
