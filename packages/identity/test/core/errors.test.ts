// errors.ts: the typed codes of failures azid classifies itself, the one "does a chain go on?" test,
// and the one AbortError builder.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  abortError,
  AuthenticationError,
  AuthenticationRequiredError,
  CredentialUnavailableError,
  isChainContinue,
  troubleshoot,
} from "../../src/core/errors.js";

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

describe("troubleshooting links", () => {
  it("an AuthenticationError names the guide's section for azid's own errors and for the AADSTS codes the guide explains", () => {
    assert.match(
      new AuthenticationError(0, { error: "network_error", errorDescription: "d" }).message,
      /\nSee azid's docs\/troubleshooting\.md#network-error\.$/,
    );
    const expired = new AuthenticationError(401, {
      error: "invalid_client",
      errorDescription: "AADSTS7000222: The provided client secret keys are expired.",
      errorCodes: [7000222],
    });
    assert.match(expired.message, /#client-secret-expired\.$/);
    // An AADSTS code only in the text (a host relaying Entra's answer) counts too.
    assert.match(
      new AuthenticationError(400, { error: "invalid_grant", errorDescription: "AADSTS50126: Error validating credentials." }).message,
      /#username-password-invalid\.$/,
    );
  });

  it("adds nothing when the guide has no section, or the description already links one", () => {
    assert.doesNotMatch(new AuthenticationError(400, { error: "invalid_grant", errorDescription: "d" }).message, /troubleshooting/);
    const linked = new AuthenticationError(0, { error: "network_error", errorDescription: `d ${troubleshoot("mi-unreachable")}` });
    assert.equal(linked.message.match(/troubleshooting\.md/g)?.length, 1);
  });
});
