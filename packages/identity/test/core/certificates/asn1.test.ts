import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import {
  Asn1Error,
  encodeBmpPassword,
  parseDer,
  readBmpString,
  readExplicit,
  readImplicitOctets,
  readOctetString,
  readOid,
  readSequence,
  readSmallInteger,
  readTime,
  Tag,
} from "../../../src/core/certificates/asn1.js";

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ""), "hex");

function assertAsn1Error(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof Asn1Error, `expected Asn1Error, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  });
}

describe("parseDer", () => {
  it("reads a SEQUENCE of INTEGER, OID, OCTET STRING and an explicit [0]", () => {
    const der = hex("30 19  02 01 03  06 0b 2a864886f70d010c0a0102  04 02 abcd  a0 03 02 01 07");
    const root = parseDer(der);
    const [version, oid, octets, tagged] = readSequence(root, "test");
    assert.equal(readSmallInteger(version, "version"), 3);
    assert.equal(readOid(oid, "bag id"), "1.2.840.113549.1.12.10.1.2");
    assert.deepEqual(readOctetString(octets, "octets"), hex("abcd"));
    assert.equal(readSmallInteger(readExplicit(tagged, 0, "[0]"), "inner"), 7);
    assert.equal(root.der.length, der.length);
  });

  it("decodes OIDs with large arcs and the joint-iso-itu-t root", () => {
    assert.equal(readOid(parseDer(hex("06 09 608648016503040201")), "sha256"), "2.16.840.1.101.3.4.2.1");
    assert.equal(readOid(parseDer(hex("06 05 2b0e03021a")), "sha1"), "1.3.14.3.2.26");
  });

  it("reads long-form lengths", () => {
    const body = Buffer.alloc(300, 0x41);
    const der = Buffer.concat([hex("04 82 012c"), body]);
    assert.deepEqual(readOctetString(parseDer(der), "long"), body);
  });

  it("accepts BER indefinite lengths and constructed OCTET STRINGs (as some PFX writers emit)", () => {
    const der = hex("30 80  24 80 04 02 0102 04 01 03 00 00  a0 80 04 01 09 00 00  00 00");
    const [octets, implicit] = readSequence(parseDer(der), "ber");
    assert.deepEqual(readOctetString(octets, "segments"), hex("010203"));
    assert.deepEqual(readImplicitOctets(implicit!, "implicit"), hex("09"));
  });

  it("reads UTCTime and GeneralizedTime", () => {
    assert.equal(readTime(parseDer(Buffer.concat([hex("17 0d"), Buffer.from("461117011417Z")])), "t").toISOString(), "2046-11-17T01:14:17.000Z");
    assert.equal(readTime(parseDer(Buffer.concat([hex("17 0d"), Buffer.from("991231235959Z")])), "t").toISOString(), "1999-12-31T23:59:59.000Z");
    assert.equal(readTime(parseDer(Buffer.concat([hex("18 0f"), Buffer.from("20500101000000Z")])), "t").toISOString(), "2050-01-01T00:00:00.000Z");
  });

  it("reads BMPStrings and encodes PKCS#12 passwords with a terminator", () => {
    assert.equal(readBmpString(parseDer(hex("1e 06 0061 00e4 0062")), "name"), "aäb");
    assert.deepEqual(encodeBmpPassword(""), hex("0000"));
    assert.deepEqual(encodeBmpPassword("aä"), hex("0061 00e4 0000"));
    assert.deepEqual(encodeBmpPassword("\u{1F600}"), hex("d83d de00 0000"));
  });

  it("rejects empty, truncated and trailing data", () => {
    assertAsn1Error(() => parseDer(Buffer.alloc(0)), /empty/);
    assertAsn1Error(() => parseDer(hex("30")), /truncated length/);
    assertAsn1Error(() => parseDer(hex("30 05 02 01 01")), /claims 5 bytes but only 3 remain/);
    assertAsn1Error(() => parseDer(hex("30 82 01")), /truncated length/);
    assertAsn1Error(() => parseDer(hex("02 01 01 00")), /unexpected bytes/);
    assertAsn1Error(() => parseDer(hex("30 03 02 02 01")), /claims 2 bytes but only 1 remain/);
  });

  it("rejects huge and oversized length fields without allocating", () => {
    assertAsn1Error(() => parseDer(hex("30 84 ffffffff 00")), /claims 4294967295 bytes/);
    assertAsn1Error(() => parseDer(hex("30 89 ffffffffffffffffff 00")), /length field of 9 octets/);
    assertAsn1Error(() => parseDer(hex("30 ff")), /length field of 127 octets/);
  });

  it("rejects indefinite length on primitives and a missing end-of-contents", () => {
    assertAsn1Error(() => parseDer(hex("04 80 00 00")), /primitive element with indefinite length/);
    assertAsn1Error(() => parseDer(hex("30 80 02 01 01")), /end-of-contents/);
  });

  it("rejects recursion bombs quickly, definite and indefinite", () => {
    const indefinite = Buffer.concat([Buffer.alloc(200_000).fill(hex("3080")), Buffer.alloc(200_000)]);
    assertAsn1Error(() => parseDer(indefinite), /nesting deeper than/);
    let nested = hex("05 00");
    for (let i = 0; i < 100; i++) nested = Buffer.concat([hex(`30 82 ${nested.length.toString(16).padStart(4, "0")}`), nested]);
    assertAsn1Error(() => parseDer(nested), /nesting deeper than/);
  });

  it("names the expected type on a mismatch", () => {
    assertAsn1Error(() => readSequence(parseDer(hex("02 01 01")), "PFX"), /expected PFX but found universal primitive tag 2/);
    assertAsn1Error(() => readSmallInteger(parseDer(hex("02 01 ff")), "iterations"), /iterations is negative/);
    assertAsn1Error(() => readSmallInteger(parseDer(hex("02 09 01ffffffffffffffff")), "iterations"), /too large/);
    assertAsn1Error(() => readOid(parseDer(hex("06 02 2a 86")), "oid"), /truncated/);
    assertAsn1Error(() => readSequence(undefined, "MacData"), /MacData is missing/);
    assertAsn1Error(() => readSequence(parseDer(hex("31 00")), "set", Tag.Sequence), /expected set/);
  });

  it("only ever throws Asn1Error on random input", () => {
    // CPU time of this process, not wall time: a loaded machine does not stretch it, a blow-up on hostile input does.
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < 3000; i++) {
      const bytes = randomBytes(1 + (i % 64));
      if (i % 3 === 0) bytes[0] = 0x30; // make many inputs look like a SEQUENCE
      try {
        parseDer(bytes);
      } catch (error) {
        assert.ok(error instanceof Asn1Error, `unexpected ${String(error)} for ${bytes.toString("hex")}`);
      }
    }
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    assert.ok(cpuMs < 2000, `${cpuMs} ms of CPU for 3000 random inputs (quiet machine: ~80 ms); garbage must be rejected quickly`);
  });
});
