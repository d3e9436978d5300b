// errors.ts: the typed codes of failures azid classifies itself, the one "does a chain go on?" test,
// and the one AbortError builder.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { abortError, AuthenticationError, AuthenticationRequiredError, CredentialUnavailableError, isChainContinue } from "../../src/core/errors.js";

describe("AuthenticationError.code", () => {
  it("names what azid classified when no server answered (statusCode 0)", () => {
    const cases: Array<[string, string]> = [
      ["timeout", "ERR_DEADLINE"],
      ["request_timeout", "ERR_REQUEST_TIMEOUT"],
      ["network_error", "ERR_NETWORK"],
      ["insecure_endpoint", "ERR_INSECURE_ENDPOINT"],
      ["certificate_pin_mismatch", "ERR_INSECURE_ENDPOINT"],
      ["proxy_refused", "ERR_PROXY_REFUSED"],
    ];
    for (const [error, code] of cases) assert.equal(new AuthenticationError(0, { error, errorDescription: "d" }).code, code, error);
  });

  it("is absent when a server answered, even with the same OAuth error string", () => {
    assert.equal(new AuthenticationError(400, { error: "request_timeout", errorDescription: "d" }).code, undefined);
    assert.equal(new AuthenticationError(0, { error: "invalid_response", errorDescription: "d" }).code, undefined);
  });
});

describe("isChainContinue", () => {
  it("goes on after 'unavailable' and 'authentication required', by name; stops on anything else", () => {
    assert.equal(isChainContinue(new CredentialUnavailableError("x")), true);
    assert.equal(isChainContinue(new AuthenticationRequiredError({ scopes: ["s"] })), true);
    assert.equal(isChainContinue(Object.assign(new Error("from another copy"), { name: "CredentialUnavailableError" })), true);
    assert.equal(isChainContinue(new AuthenticationError(401, { error: "invalid_client", errorDescription: "d" })), false);
    assert.equal(isChainContinue(new TypeError("bad scope")), false);
    assert.equal(isChainContinue("CredentialUnavailableError"), false);
  });
});

describe("abortError", () => {
  it("is an AbortError with @azure/identity's message", () => {
    const error = abortError();
    assert.equal(error.name, "AbortError");
    assert.equal(error.message, "The authentication has been aborted by the caller.");
  });
});
