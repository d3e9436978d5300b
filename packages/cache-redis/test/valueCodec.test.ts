// Values at rest: AES-256-GCM bound to the Redis key name, key rotation, and refusal of anything else.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { createValueCodec } from "../src/valueCodec.js";

const KEY = "azid:{abc}:token";
const TEXT = '{"v":1,"t":"eyJhbGciOi.secret-token.sig"}';

describe("value codec", () => {
  it("seals so the value holds no plaintext and opens it again under the same key name", () => {
    const codec = createValueCodec([randomBytes(32)]);
    const sealed = codec.seal(KEY, TEXT);
    assert.ok(sealed.startsWith("azid1."));
    assert.ok(!sealed.includes("secret-token"));
    assert.notEqual(codec.seal(KEY, TEXT), sealed, "a fresh IV per write");
    assert.deepEqual(codec.open(KEY, sealed), { ok: true, text: TEXT });
  });

  it("binds the key name: a value copied under another key does not open", () => {
    const codec = createValueCodec([randomBytes(32)]);
    const result = codec.open("azid:{other}:token", codec.seal(KEY, TEXT));
    assert.equal(result.ok, false);
    assert.match((result as { reason: string }).reason, /authentication/);
  });

  it("rotates: the first key seals, any listed key opens, a dropped key is refused", () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const before = createValueCodec([oldKey]);
    const during = createValueCodec([newKey, oldKey]);
    const after = createValueCodec([newKey]);
    const fromOld = before.seal(KEY, TEXT);
    const fromNew = during.seal(KEY, TEXT);
    assert.equal(during.open(KEY, fromOld).ok, true);
    assert.equal(after.open(KEY, fromNew).ok, true);
    assert.equal(before.open(KEY, fromNew).ok, false);
    assert.deepEqual(after.open(KEY, fromOld), { ok: false, reason: "sealed with a key not in encryptionKeys" });
  });

  it("refuses tampered, truncated and plaintext values when encryption is on", () => {
    const codec = createValueCodec([randomBytes(32)]);
    const sealed = codec.seal(KEY, TEXT);
    const body = sealed.split(".")[3]!;
    const flipped = sealed.slice(0, sealed.length - body.length) + (body[0] === "A" ? "B" : "A") + body.slice(1);
    assert.equal(codec.open(KEY, flipped).ok, false);
    assert.equal(codec.open(KEY, sealed.split(".").slice(0, 3).join(".")).ok, false);
    assert.deepEqual(codec.open(KEY, `azid1p.${TEXT}`), { ok: false, reason: "an unencrypted value where encryption is required" });
    assert.equal(codec.open(KEY, "garbage").ok, false);
  });

  it("without keys writes and reads plain values only", () => {
    const plain = createValueCodec([]);
    assert.equal(plain.encrypted, false);
    assert.deepEqual(plain.open(KEY, plain.seal(KEY, TEXT)), { ok: true, text: TEXT });
    assert.equal(plain.open(KEY, createValueCodec([randomBytes(32)]).seal(KEY, TEXT)).ok, false);
  });
});
