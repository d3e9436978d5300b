// redactValues: a secret's value is removed where it occurs as a whole, never inside a longer word,
// and never inside azid's own fixed advice, so a short secret that is an English word doesn't mangle a hint.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { redactValues } from "../../src/core/redact.js";
import { allHints } from "../../src/sources/entra/errorHints.js";

describe("redactValues", () => {
  it("redacts every whole occurrence of each secret", () => {
    assert.equal(redactValues("sent sec~1234 and again 'sec~1234'.", ["sec~1234"]), "sent [REDACTED] and again '[REDACTED]'.");
    assert.equal(redactValues("client_id=a&x=hunter2&y", ["hunter2"]), "client_id=a&x=[REDACTED]&y");
  });

  it("leaves the secret alone inside a longer word", () => {
    assert.equal(redactValues("wrongly configured; wrong", ["wrong"]), "wrongly configured; [REDACTED]");
  });

  it("keeps azid's fixed hints intact, and still redacts the value elsewhere in the same text", () => {
    const hint = allHints().find((h) => h.startsWith("The client secret is wrong"))!;
    const text = `server said: secret wrong rejected. Hint: ${hint}`;
    assert.equal(redactValues(text, ["wrong"], allHints()), `server said: secret [REDACTED] rejected. Hint: ${hint}`);
  });

  it("ignores secrets shorter than 4 characters and undefined ones, and still scrubs token-shaped text", () => {
    assert.equal(redactValues("abc is here", ["abc", undefined]), "abc is here");
    assert.match(redactValues("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcdefghij", []), /\[REDACTED-JWT\]/);
  });
});
