// errors.ts: the typed codes of failures azid classifies itself, the one "does a chain go on?" test,
// and the one AbortError builder.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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

describe("scripts/check-docs.mjs on error-message links (part of npm test)", () => {
  const root = fileURLToPath(new URL("../../../../", import.meta.url));
  const checkDocs = join(root, "scripts/check-docs.mjs");

  it("every troubleshoot(...) anchor in this package's sources exists in docs/troubleshooting.md", () => {
    const run = spawnSync(process.execPath, [checkDocs, "--links-only"], { cwd: root, encoding: "utf8" });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const linked = Number(/Error messages: (\d+) links/.exec(run.stdout)?.[1]);
    assert.ok(linked >= 40, `expected the error messages' links to be counted, got ${linked}`);
  });

  it("fails, naming file and anchor, when a message links an anchor the guide does not have, or a guide links a missing one", () => {
    const fixture = mkdtempSync(join(tmpdir(), "azid-check-docs-"));
    try {
      mkdirSync(join(fixture, "docs"));
      mkdirSync(join(fixture, "packages/x/src"), { recursive: true });
      writeFileSync(join(fixture, "docs/troubleshooting.md"), '# Troubleshooting\n\n<a id="network-error"></a>\n\n## Proxy refused\n');
      writeFileSync(join(fixture, "README.md"), "[ok](docs/troubleshooting.md#proxy-refused) [broken](docs/troubleshooting.md#no-such-heading)\n");
      writeFileSync(
        join(fixture, "packages/x/src/a.ts"),
        'throw new Error(`x ${troubleshoot("network-error")}`);\nthrow new Error(`y ${troubleshoot("gone-anchor")}`);\n',
      );
      const run = spawnSync(process.execPath, [checkDocs, "--links-only", `--root=${fixture}`], { encoding: "utf8" });
      assert.equal(run.status, 1, run.stdout + run.stderr);
      assert.match(run.stdout, /broken link: README\.md: docs\/troubleshooting\.md#no-such-heading \(no anchor 'no-such-heading'/);
      assert.match(run.stdout, /missing anchor of docs\/troubleshooting\.md: packages\/x\/src\/a\.ts: #gone-anchor/);
      assert.doesNotMatch(run.stdout, /#network-error|#proxy-refused/, "anchors that exist are not reported");
      assert.match(run.stdout, /Error messages: 2 links .* 1 broken\./);
    } finally {
      rmSync(fixture, { recursive: true, force: true });
    }
  });
});
