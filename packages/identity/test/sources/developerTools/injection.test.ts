// Injection matrix: shell metacharacters, quotes, newlines, option-looking and non-ASCII values in
// tenant, scope and subscription are refused before any process starts (the argv log stays empty),
// and the refusal names the offending character without echoing the value.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AzureCliCredential,
  AzureDeveloperCliCredential,
  AzurePowerShellCredential,
  CredentialUnavailableError,
  type TokenCredential,
} from "../../../src/index.js";
import { useFakeTools } from "../../support/toolHarness.js";
import { rejection } from "../../support/assertions.js";

const tools = useFakeTools();

/** [label, value fragment, the code point the error must name (undefined: the leading '-' rule)] */
const ATTACKS: Array<[string, string, string | undefined]> = [
  ["double quote", 'x" --debug "', "U+0022"],
  ["single quote", "x' ; id '", "U+0027"],
  ["semicolon", "x;touch /tmp/pwned", "U+003B"],
  ["and-and", "x&&calc.exe", "U+0026"],
  ["pipe", "x|nc evil 1", "U+007C"],
  ["command substitution", "$(id)", "U+0024"],
  ["backticks", "`id`", "U+0060"],
  ["newline", "x\nGet-Process", "U+000A"],
  ["carriage return", "x\r\ny", "U+000D"],
  ["NUL", "x\u0000y", "U+0000"],
  ["cmd percent", "x%PATH%", "U+0025"],
  ["cmd caret", "x^&y", "U+005E"],
  ["redirect", "x>out", "U+003E"],
  ["PowerShell subexpression", "x$(Remove-Item)", "U+0024"],
  ["leading dash", "-debug", undefined],
  ["leading double dash", "--query", undefined],
  ["unicode letter", "tenänt", "U+00E4"],
  ["fullwidth letter", "ｘ", "U+FF58"],
  ["right-to-left override", "x\u202Ey", "U+202E"],
  ["emoji (astral)", "x😀", "U+1F600"],
];

function credentials(tenantId?: string): Array<[string, () => TokenCredential]> {
  return [
    ["AzureCliCredential", () => new AzureCliCredential(tenantId === undefined ? {} : { tenantId })],
    ["AzureDeveloperCliCredential", () => new AzureDeveloperCliCredential(tenantId === undefined ? {} : { tenantId })],
    ["AzurePowerShellCredential", () => new AzurePowerShellCredential(tenantId === undefined ? {} : { tenantId })],
  ];
}

function assertNamesCharacter(error: unknown, codePoint: string | undefined, value: string): void {
  assert.ok(error instanceof Error);
  if (codePoint === undefined) assert.match(error.message, /starts with '-' \(U\+002D\)/);
  else assert.ok(error.message.includes(codePoint), `${error.message} should name ${codePoint}`);
  if (value.length > 3) assert.ok(!error.message.includes(value), `the value itself is not echoed: ${error.message}`);
}

describe("injection: tenant", () => {
  for (const [label, value, codePoint] of ATTACKS) {
    const tenant = value.startsWith("-") || value === "$(id)" || value === "`id`" ? value : `contoso${value}`;
    it(`${label}: refused at construction and per request, nothing spawned`, async () => {
      for (const [name, make] of credentials(tenant)) {
        assert.throws(make, (error: unknown) => {
          assert.ok(error instanceof RangeError, `${name}: ${String(error)}`);
          assertNamesCharacter(error, codePoint, tenant);
          return true;
        });
      }
      for (const [name, make] of credentials()) {
        const error = await rejection(make().getToken("https://storage.azure.com/.default", { tenantId: tenant }));
        assert.ok(error instanceof RangeError, `${name}: ${String(error)}`);
        assertNamesCharacter(error, codePoint, tenant);
      }
      assert.deepEqual(tools.runs(), []);
    });
  }
});

describe("injection: scope", () => {
  const scopeAttacks: Array<[string, string, string | undefined]> = [
    ...ATTACKS,
    ["space", "https://x/.default --debug", "U+0020"],
    ["tab", "https://x/\t.default", "U+0009"],
  ];
  for (const [label, value, codePoint] of scopeAttacks) {
    const scope = value.startsWith("-") || value.startsWith("https") ? value : `https://storage.azure.com/${value}`;
    it(`${label}: refused with CredentialUnavailableError, nothing spawned`, async () => {
      for (const [name, make] of credentials()) {
        const error = await rejection(make().getToken(scope));
        assert.ok(error instanceof CredentialUnavailableError, `${name}: ${String(error)}`);
        assert.match((error as Error).message, /^Invalid scope was specified by the user or calling client/);
        assertNamesCharacter(error, codePoint, scope);
        // azd takes every scope: a bad second scope is refused too.
      }
      const error = await rejection(new AzureDeveloperCliCredential().getToken(["https://storage.azure.com/.default", scope]));
      assert.ok(error instanceof CredentialUnavailableError);
      assert.deepEqual(tools.runs(), []);
    });
  }
});

describe("injection: subscription (az)", () => {
  for (const [label, value, codePoint] of ATTACKS) {
    const subscription = value.startsWith("-") ? value : `My Sub${value}`;
    it(`${label}: refused at construction`, () => {
      assert.throws(
        () => new AzureCliCredential({ subscription }),
        (error: unknown) => {
          assert.ok(error instanceof RangeError, String(error));
          assert.match((error as Error).message, /^Invalid subscription: /);
          assertNamesCharacter(error, codePoint, subscription);
          return true;
        },
      );
      assert.deepEqual(tools.runs(), []);
    });
  }

  it("names with spaces, dots, dashes and underscores are fine", async () => {
    await new AzureCliCredential({ subscription: "Contoso Dev_Test-01.a" }).getToken("https://storage.azure.com/.default");
    assert.deepEqual(tools.runs()[0]!.argv.slice(-2), ["--subscription", "Contoso Dev_Test-01.a"]);
  });
});
