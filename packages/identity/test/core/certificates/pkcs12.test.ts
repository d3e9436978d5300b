import { strict as assert } from "node:assert";
import { createCipheriv, createHmac, createPublicKey, pbkdf2Sync, randomBytes, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { type Asn1Node, parseDer, readExplicit, readOctetString, readSequence } from "../../../src/core/certificates/asn1.js";
import { parsePkcs12, Pkcs12Error } from "../../../src/core/certificates/pkcs12.js";
import { pkcs12Kdf } from "../../../src/core/certificates/pkcs12Crypto.js";
import { rc2CbcDecrypt, rc2DecryptBlock, rc2ExpandKey } from "../../../src/core/certificates/rc2.js";

const fixtures = new URL("../../fixtures/certificates/", import.meta.url);
const fixture = (name: string): Buffer => readFileSync(new URL(name, fixtures));
const PASSWORD = "azid-test-pässword"; // see fixtures/certificates/README.md
const hex = (text: string): Buffer => Buffer.from(text.replace(/[\s:]+/g, ""), "hex");

const leafPem = fixture("cert.pem").toString("utf8");
const leafPublicKey = createPublicKey(leafPem).export({ type: "spki", format: "der" });
const caDer = new X509Certificate(fixture("ca.pem")).raw;

function assertPkcs12Error(fn: () => unknown, reason: Pkcs12Error["reason"], pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof Pkcs12Error, `expected Pkcs12Error, got ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes(PASSWORD));
    return true;
  });
}

function assertLeafAndCa(result: ReturnType<typeof parsePkcs12>): void {
  assert.equal(result.privateKey.asymmetricKeyType, "rsa");
  assert.deepEqual(createPublicKey(result.privateKey).export({ type: "spki", format: "der" }), leafPublicKey);
  assert.equal(result.certificates.length, 2);
  const [leaf, ca] = result.certificates as [Buffer, Buffer];
  assert.ok(new X509Certificate(leaf).checkPrivateKey(result.privateKey), "leaf first");
  assert.equal(new X509Certificate(leaf).subject, "CN=azid test client");
  assert.deepEqual(ca, caDer);
}

describe("parsePkcs12", () => {
  const cases: [file: string, password: string, what: string][] = [
    ["cert.pfx", PASSWORD, "OpenSSL 3 default (PBES2 AES-256-CBC, HMAC-SHA256 MAC)"],
    ["cert-legacy.pfx", PASSWORD, "OpenSSL -legacy (3DES key, RC2-40 certificates, SHA-1 MAC)"],
    ["cert-3des.pfx", PASSWORD, "Windows style (3DES everywhere)"],
    ["cert-nopass.pfx", "", "empty password"],
    ["cert-plain.pfx", "", "plain key bag, unencrypted certificates, no MAC"],
  ];
  for (const [file, password, what] of cases) {
    it(`reads ${file}: ${what}`, () => assertLeafAndCa(parsePkcs12(fixture(file), password)));
  }

  it("reports a wrong password as such, from the MAC, for every encrypted fixture", () => {
    for (const file of ["cert.pfx", "cert-legacy.pfx", "cert-3des.pfx"]) {
      assertPkcs12Error(() => parsePkcs12(fixture(file), "not-the-password"), "wrong-password", /password is wrong.*MAC/);
      assertPkcs12Error(() => parsePkcs12(fixture(file), ""), "wrong-password", /password is wrong/);
    }
    assertPkcs12Error(() => parsePkcs12(fixture("cert-nopass.pfx"), PASSWORD), "wrong-password", /password is wrong/);
  });

  it("accepts the zero-length empty-password convention (no BMPString terminator)", () => {
    // Rebuild cert-plain.pfx's content with a SHA-1 MAC keyed from a zero-byte password.
    const authSafe = plainAuthSafe();
    const content = readOctetString(readExplicit(readSequence(authSafe, "authSafe")[1], 0, "content"), "content");
    const salt = randomBytes(8);
    const mac = createHmac("sha1", pkcs12Kdf("sha1", 64, Buffer.alloc(0), salt, 3, 2048, 20))
      .update(content)
      .digest();
    const macData = tlv(0x30, tlv(0x30, tlv(0x30, hex("06052b0e03021a 0500")), tlv(0x04, mac)), tlv(0x04, salt), hex("02 02 0800"));
    const pfx = tlv(0x30, hex("02 01 03"), authSafe.der, macData);
    assertLeafAndCa(parsePkcs12(pfx, ""));
    assertPkcs12Error(() => parsePkcs12(pfx, "x"), "wrong-password", /MAC/);
  });

  it("rejects truncated, oversized and garbage input as malformed, quickly", () => {
    const pfx = fixture("cert.pfx");
    // CPU time of this process, not wall time: a loaded machine does not stretch it, a blow-up on hostile input does.
    const cpuBefore = process.cpuUsage();
    assertPkcs12Error(() => parsePkcs12(pfx.subarray(0, 700), PASSWORD), "malformed", /corrupt or not PKCS#12.*truncated|claims/);
    const huge = Buffer.concat([hex("30 84 7fffffff"), pfx.subarray(4)]);
    assertPkcs12Error(() => parsePkcs12(huge, PASSWORD), "malformed", /claims 2147483647 bytes/);
    for (let i = 0; i < 200; i++) {
      try {
        parsePkcs12(Buffer.concat([hex("30"), randomBytes(200)]), PASSWORD);
        assert.fail("random bytes parsed");
      } catch (error) {
        assert.ok(error instanceof Pkcs12Error, String(error));
      }
    }
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    assert.ok(cpuMs < 3000, `${cpuMs} ms of CPU for the truncated, oversized and random inputs (quiet machine: ~10 ms); garbage must be rejected quickly`);
  });

  it("treats a modified file as failing its integrity check", () => {
    const pfx = Buffer.from(fixture("cert-3des.pfx"));
    pfx[1500] = (pfx[1500] as number) ^ 0xff;
    assertPkcs12Error(() => parsePkcs12(pfx, PASSWORD), "wrong-password", /integrity check/);
  });

  it("refuses absurd iteration counts instead of hanging", () => {
    const authSafe = plainAuthSafe();
    const macData = tlv(0x30, tlv(0x30, tlv(0x30, hex("06052b0e03021a 0500")), tlv(0x04, Buffer.alloc(20))), tlv(0x04, Buffer.alloc(8)), hex("02 04 7fffffff"));
    const pfx = tlv(0x30, hex("02 01 03"), authSafe.der, macData);
    assertPkcs12Error(() => parsePkcs12(pfx, ""), "unsupported", /2147483647 iterations/);
  });

  it("budgets the work of the whole file: 12 bags at the per-bag cap are refused, not run for 12 s", () => {
    const pfx = manyPbes2Bags(12, 2_000_000, "hostile");
    assertPkcs12Error(() => parsePkcs12(pfx, "hostile"), "too-much-work", /encrypted|certificate data.*PBKDF2-equivalent iterations in total/);
  });

  it("still reads a file whose bags together stay inside the budget", () => {
    assert.throws(
      () => parsePkcs12(manyPbes2Bags(3, 2_048, "fine"), "fine"),
      (error: Pkcs12Error) => error.reason === "missing-key",
    );
  });

  it("refuses a file of thousands of bags and an oversized salt", () => {
    const emptyBag = tlv(0x30, tlv(0x06, hex("2a864886f70d010c0a0105")), tlv(0xa0, tlv(0x30)));
    const safeContents = tlv(0x30, ...Array.from({ length: 1_001 }, () => emptyBag));
    const info = tlv(0x30, tlv(0x06, hex("2a864886f70d010701")), tlv(0xa0, tlv(0x04, safeContents)));
    const authSafe = tlv(0x30, tlv(0x06, hex("2a864886f70d010701")), tlv(0xa0, tlv(0x04, tlv(0x30, info))));
    assertPkcs12Error(() => parsePkcs12(tlv(0x30, hex("02 01 03"), authSafe), ""), "too-much-work", /more than 1000 bags/);
    assertPkcs12Error(() => parsePkcs12(manyPbes2Bags(1, 1, "x", 4_096), "x"), "too-much-work", /4096-byte salt/);
  });
});

describe("PKCS#12 key derivation (RFC 7292 appendix B)", () => {
  // Expected values from `openssl kdf ... PKCS12KDF` (OpenSSL 3.0).
  const smeg = hex("0073006d006500670000");
  const salt = hex("0A58CF64530D823F");
  it("matches OpenSSL for SHA-1 key and IV", () => {
    assert.equal(pkcs12Kdf("sha1", 64, smeg, salt, 1, 1, 24).toString("hex").toUpperCase(), "8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3");
    assert.equal(pkcs12Kdf("sha1", 64, smeg, salt, 2, 1, 8).toString("hex").toUpperCase(), "79993DFE048D3B76");
  });
  it("matches OpenSSL across several output blocks and other hashes", () => {
    assert.deepEqual(
      pkcs12Kdf("sha256", 64, smeg, salt, 3, 1000, 40),
      hex("35:AC:16:A4:54:D6:08:FB:10:C8:D7:C6:33:8C:A8:58:18:58:7A:ED:0F:F7:71:FD:26:59:57:E4:12:C2:C0:3C:26:AD:8F:A2:13:A9:FC:F3"),
    );
    assert.deepEqual(
      pkcs12Kdf("sha512", 128, hex("0000"), salt, 1, 3, 70),
      hex("256D66F79E0B088E4623495F2C48E6385B3019A9D58F077209FF378E156A793A54DA3F029C323FAAAC952F33FFB477CE319FD98C75C6D0AA389E1B4AB32214BA576BE671CA21"),
    );
  });
});

describe("RC2 (RFC 2268)", () => {
  // RFC 2268 section 5 test vectors: key, effective bits, plaintext, ciphertext.
  const vectors: [string, number, string, string][] = [
    ["0000000000000000", 63, "0000000000000000", "ebb773f993278eff"],
    ["ffffffffffffffff", 64, "ffffffffffffffff", "278b27e42e2f0d49"],
    ["3000000000000000", 64, "1000000000000001", "30649edf9be7d2c2"],
    ["88", 64, "0000000000000000", "61a8a244adacccf0"],
    ["88bca90e90875a", 64, "0000000000000000", "6ccf4308974c267f"],
    ["88bca90e90875a7f0f79c384627bafb2", 64, "0000000000000000", "1a807d272bbe5db1"],
    ["88bca90e90875a7f0f79c384627bafb2", 128, "0000000000000000", "2269552ab0f85ca6"],
  ];
  for (const [key, bits, plain, cipher] of vectors) {
    it(`decrypts the vector for key ${key} / ${bits} bits`, () => {
      const block = hex(cipher);
      rc2DecryptBlock(rc2ExpandKey(hex(key), bits), block, 0);
      assert.equal(block.toString("hex"), plain);
    });
  }
  it("reports bad padding as bad decrypt", () => {
    assert.throws(() => rc2CbcDecrypt(hex("0102030405"), 40, Buffer.alloc(8), Buffer.alloc(16)), /bad decrypt/);
    assert.throws(() => rc2CbcDecrypt(hex("0102030405"), 40, Buffer.alloc(8), Buffer.alloc(7)), /bad decrypt/);
  });
});

/** The authSafe ContentInfo of cert-plain.pfx, which has no MAC, to graft test MACs onto. */
function plainAuthSafe(): Asn1Node {
  return readSequence(parseDer(fixture("cert-plain.pfx")), "PFX")[1] as Asn1Node;
}

/**
 * A PFX without a MAC whose AuthenticatedSafe holds `count` PBES2 (PBKDF2-SHA256, AES-256-CBC) encrypted
 * SafeContents, each really decryptable (to an empty SafeContents) at `iterations`: the shape of the
 * review's hostile file, which a per-bag cap lets through.
 */
function manyPbes2Bags(count: number, iterations: number, password: string, saltLength = 8): Buffer {
  const salt = Buffer.alloc(saltLength, 7);
  const iv = Buffer.alloc(16, 9);
  const key = saltLength > 1_024 ? Buffer.alloc(32) : pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, 32, "sha256");
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  const encrypted = Buffer.concat([cipher.update(hex("3000")), cipher.final()]);
  const integer = (n: number) => {
    let bytes = Buffer.from(n.toString(16).padStart(2 * Math.ceil(n.toString(16).length / 2), "0"), "hex");
    if ((bytes[0] as number) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return tlv(0x02, bytes);
  };
  const pbkdf2Params = tlv(0x30, tlv(0x04, salt), integer(iterations), tlv(0x30, tlv(0x06, hex("2a864886f70d0209")), hex("0500")));
  const algorithm = tlv(
    0x30,
    tlv(0x06, hex("2a864886f70d01050d")),
    tlv(0x30, tlv(0x30, tlv(0x06, hex("2a864886f70d01050c")), pbkdf2Params), tlv(0x30, tlv(0x06, hex("60864801650304012a")), tlv(0x04, iv))),
  );
  const encryptedContentInfo = tlv(0x30, tlv(0x06, hex("2a864886f70d010701")), algorithm, tlv(0x80, encrypted));
  const info = tlv(0x30, tlv(0x06, hex("2a864886f70d010706")), tlv(0xa0, tlv(0x30, hex("020100"), encryptedContentInfo)));
  const authenticatedSafe = tlv(0x30, ...Array.from({ length: count }, () => info));
  const authSafe = tlv(0x30, tlv(0x06, hex("2a864886f70d010701")), tlv(0xa0, tlv(0x04, authenticatedSafe)));
  return tlv(0x30, hex("02 01 03"), authSafe);
}

/** Minimal DER writer for building test PFX variants. */
function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const length =
    body.length < 0x80
      ? Buffer.from([body.length])
      : body.length < 0x100
        ? Buffer.from([0x81, body.length])
        : body.length < 0x10000
          ? Buffer.from([0x82, body.length >> 8, body.length & 0xff])
          : Buffer.from([0x83, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
