// core/hash.ts (node:crypto) and its web variant core/hash.web.ts (plain JavaScript SHA-256 for the
// synchronous form, Web Crypto for the asynchronous one) give the same digests as node:crypto, for
// empty, multi-block and non-ASCII text: the synchronous form in both encodings, the asynchronous
// one as bytes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import * as nodeHash from "../../src/core/hash.js";
import * as webHash from "../../src/core/hash.web.js";

const inputs = ["", "abc", "a".repeat(55), "a".repeat(56), "a".repeat(64), "é😀 tenant\u0000scope", randomBytes(300).toString("base64"), "x".repeat(10_000)];

describe("sha256Text and sha256Async", () => {
  for (const [name, impl] of [
    ["node", nodeHash],
    ["web", webHash],
  ] as const) {
    it(`${name}: equal to node:crypto's SHA-256 (hex and base64url), synchronous and asynchronous`, async () => {
      for (const text of inputs) {
        for (const encoding of ["hex", "base64url"] as const) {
          const expected = createHash("sha256").update(text, "utf8").digest(encoding);
          assert.equal(impl.sha256Text(text, encoding), expected, `${encoding} of ${JSON.stringify(text.slice(0, 20))}`);
        }
        const bytes = await impl.sha256Async(text);
        assert.ok(bytes instanceof Uint8Array);
        assert.equal(
          Buffer.from(bytes).toString("hex"),
          createHash("sha256").update(text, "utf8").digest("hex"),
          `async of ${JSON.stringify(text.slice(0, 20))}`,
        );
      }
    });
  }
});
