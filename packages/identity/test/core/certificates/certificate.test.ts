import { strict as assert } from "node:assert";
import { createHash, randomBytes, X509Certificate } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, describe, it } from "node:test";
import { CertificateLoadError, loadCertificate, type LoadedCertificate } from "../../../src/core/certificates/certificate.js";

const fixtureDir = fileURLToPath(new URL("../../fixtures/certificates/", import.meta.url));
const fixturePath = (name: string): string => join(fixtureDir, name);
const fixtureText = (name: string): string => readFileSync(fixturePath(name), "utf8");
const PASSWORD = "azid-test-pässword"; // see fixtures/certificates/README.md
const WRONG_PASSWORD = "Wrong-Password-123!";

// `openssl x509 -noout -fingerprint -sha1 / -sha256` of the fixtures (also in the README).
const LEAF_SHA1 = "522AB3CBA1DEA90ABEF53EDE48B016498E585D4C";
const LEAF_SHA256 = "333BAB64D85DAC68B8B4D5475A5639F89F2FC8DEA618F4485E7DA3752D4DBE3E";
const CA_SHA1 = "5A000A127DE72DF8F7BEAD5D543CCD00870E07D1";
const LEAF_NOT_AFTER = "2046-11-17T01:14:17.000Z";

const pemBlocks = (text: string, label: string): string[] =>
  [...text.matchAll(new RegExp(`-----BEGIN ${label}-----[\\s\\S]*?-----END ${label}-----\\n?`, "g"))].map((m) => m[0]);
const sha1Hex = (der: Buffer): string => createHash("sha1").update(der).digest("hex").toUpperCase();

function assertLoadError(fn: () => unknown, pattern: RegExp, ...secrets: string[]): CertificateLoadError {
  let caught: unknown;
  assert.throws(fn, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof CertificateLoadError, `expected CertificateLoadError, got ${String(caught)}`);
  assert.ok(caught instanceof TypeError);
  assert.equal(caught.name, "CertificateLoadError");
  assert.match(caught.message, pattern);
  for (const secret of [PASSWORD, WRONG_PASSWORD, ...secrets]) assert.ok(!caught.message.includes(secret), `message leaks a secret: ${caught.message}`);
  assert.ok(!caught.message.includes("PRIVATE KEY-----"));
  return caught;
}

function assertLeaf(cert: LoadedCertificate, chainLength: number): void {
  const leaf = cert.certificateChain[0] as Buffer;
  assert.equal(cert.certificateChain.length, chainLength);
  assert.equal(cert.privateKey.asymmetricKeyType, "rsa");
  assert.equal(cert.thumbprintSha1, LEAF_SHA1);
  assert.equal(cert.thumbprintSha256, LEAF_SHA256);
  assert.equal(cert.x5tS256, createHash("sha256").update(leaf).digest("base64url"));
  assert.equal(cert.x5t, createHash("sha1").update(leaf).digest("base64url"));
  assert.equal(Buffer.from(cert.x5tS256, "base64url").toString("hex").toUpperCase(), LEAF_SHA256);
  assert.deepEqual(
    cert.x5c,
    cert.certificateChain.map((der) => der.toString("base64")),
  );
  assert.equal(cert.notAfter.toISOString(), LEAF_NOT_AFTER);
  assert.ok(new X509Certificate(leaf).checkPrivateKey(cert.privateKey));
  if (chainLength === 2) assert.equal(sha1Hex(cert.certificateChain[1] as Buffer), CA_SHA1);
}

describe("loadCertificate: fixtures", () => {
  const cases: [file: string, password: string | undefined, chainLength: number][] = [
    ["cert.pem", undefined, 1],
    ["cert-chain.pem", undefined, 2],
    ["cert-encrypted.pem", PASSWORD, 1],
    ["cert-legacy-rsa-encrypted.pem", PASSWORD, 1],
    ["cert.pfx", PASSWORD, 2],
    ["cert-legacy.pfx", PASSWORD, 2],
    ["cert-3des.pfx", PASSWORD, 2],
    ["cert-nopass.pfx", undefined, 2],
    ["cert-plain.pfx", undefined, 2],
  ];
  for (const [file, password, chainLength] of cases) {
    it(`loads ${file} from a path and from bytes`, () => {
      assertLeaf(loadCertificate({ path: fixturePath(file) }, password), chainLength);
      assertLeaf(loadCertificate({ bytes: new Uint8Array(readFileSync(fixturePath(file))) }, password), chainLength);
    });
  }

  it("loads PEM text, and an empty password works for a password-less PFX", () => {
    assertLeaf(loadCertificate({ pem: fixtureText("cert-chain.pem") }), 2);
    assertLeaf(loadCertificate({ path: fixturePath("cert-nopass.pfx") }, ""), 2);
  });

  it("matches the thumbprints openssl reports", () => {
    const text = fixtureText("cert.pem");
    assert.equal(new X509Certificate(text).fingerprint.replace(/:/g, ""), loadCertificate({ pem: text }).thumbprintSha1);
    assert.equal(new X509Certificate(text).fingerprint256.replace(/:/g, ""), loadCertificate({ pem: text }).thumbprintSha256);
  });

  it("moves the certificate matching the key first, keeping the others in file order", () => {
    const chain = fixtureText("cert-chain.pem");
    const reordered = [
      ...pemBlocks(fixtureText("ca.pem"), "CERTIFICATE"),
      ...pemBlocks(chain, "PRIVATE KEY"),
      ...pemBlocks(fixtureText("cert.pem"), "CERTIFICATE"),
    ].join("");
    const cert = loadCertificate({ pem: reordered });
    assertLeaf(cert, 2);
  });

  it("still loads an expired certificate and exposes notAfter", () => {
    const cert = loadCertificate({ path: fixturePath("expired.pem") });
    assert.equal(cert.notAfter.toISOString(), "2021-01-01T00:00:00.000Z");
    assert.ok(cert.notAfter.getTime() < Date.now());
  });
});

describe("loadCertificate: errors", () => {
  const temp = mkdtempSync(join(tmpdir(), "azid-cert-"));
  after(() => rmSync(temp, { recursive: true, force: true }));

  it("rejects a wrong password for PEM (PKCS#8 and traditional) and PFX", () => {
    assertLoadError(
      () => loadCertificate({ path: fixturePath("cert-encrypted.pem") }, WRONG_PASSWORD),
      /password for the private key in the certificate file ".*cert-encrypted.pem" is wrong/,
    );
    assertLoadError(() => loadCertificate({ path: fixturePath("cert-legacy-rsa-encrypted.pem") }, WRONG_PASSWORD), /password .* is wrong/);
    for (const file of ["cert.pfx", "cert-legacy.pfx", "cert-3des.pfx"]) {
      assertLoadError(() => loadCertificate({ path: fixturePath(file) }, WRONG_PASSWORD), /The password for the certificate file .* is wrong\./);
    }
  });

  it("asks for the password when an encrypted file is given none", () => {
    for (const file of ["cert-encrypted.pem", "cert-legacy-rsa-encrypted.pem"]) {
      assertLoadError(() => loadCertificate({ path: fixturePath(file) }), /private key in .* is encrypted; pass its password/);
      assertLoadError(() => loadCertificate({ path: fixturePath(file) }, ""), /is encrypted; pass its password/);
    }
    assertLoadError(() => loadCertificate({ path: fixturePath("cert.pfx") }), /is password-protected; pass its password/);
  });

  it("rejects an EC key, explaining that only RSA is supported", () => {
    assertLoadError(() => loadCertificate({ path: fixturePath("ec.pem") }), /is an EC key, but only RSA keys are supported/);
  });

  it("distinguishes a missing key, a missing certificate and a key without its certificate", () => {
    assertLoadError(() => loadCertificate({ path: fixturePath("ca.pem") }), /contains no private key/);
    const key = pemBlocks(fixtureText("cert.pem"), "PRIVATE KEY").join("");
    assertLoadError(() => loadCertificate({ pem: key }), /contains a private key but no CERTIFICATE block/, key);
    assertLoadError(() => loadCertificate({ pem: fixtureText("ca.pem") + key }), /None of the 1 certificate\(s\) .* matches its private key/, key);
    assertLoadError(() => loadCertificate({ pem: key + key + fixtureText("ca.pem") }), /contains 2 private keys/, key);
    assertLoadError(() => loadCertificate({ pem: "not a certificate" }), /contains no private key/);
  });

  it("names the file problem: missing, a directory, empty, unreadable", () => {
    const missing = join(temp, "missing.pem");
    assertLoadError(() => loadCertificate({ path: missing }), new RegExp(`There is no file at "${missing.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`));
    assertLoadError(() => loadCertificate({ path: temp }), /is a directory/);
    const empty = join(temp, "empty.pem");
    writeFileSync(empty, "");
    assertLoadError(() => loadCertificate({ path: empty }), /is empty/);
    if (process.getuid?.() !== 0) {
      const unreadable = join(temp, "unreadable.pem");
      writeFileSync(unreadable, fixtureText("cert.pem"));
      chmodSync(unreadable, 0o000);
      assertLoadError(() => loadCertificate({ path: unreadable }), /Permission denied/);
    }
  });

  it("rejects garbage, truncated and oversized input quickly with CertificateLoadError", () => {
    // CPU time of this process, not wall time: a loaded machine does not stretch it, a blow-up on hostile input does.
    const cpuBefore = process.cpuUsage();
    const pfx = readFileSync(fixturePath("cert.pfx"));
    assertLoadError(() => loadCertificate({ bytes: randomBytes(4096).fill(0x41, 0, 1) }), /neither PEM nor a PKCS#12/);
    assertLoadError(() => loadCertificate({ bytes: new Uint8Array(0) }), /neither PEM nor a PKCS#12/);
    assertLoadError(() => loadCertificate({ bytes: pfx.subarray(0, 1000) }, PASSWORD), /is not a valid PKCS#12 \(PFX\) file: .*truncated/);
    assertLoadError(
      () => loadCertificate({ bytes: Buffer.concat([Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xf0]), pfx.subarray(4)]) }, PASSWORD),
      /not a valid PKCS#12/,
    );
    for (let i = 0; i < 100; i++) {
      const junk = randomBytes(512);
      junk[0] = 0x30;
      assertLoadError(() => loadCertificate({ bytes: junk }, PASSWORD), /PKCS#12|password/);
    }
    const corruptPem = fixtureText("cert.pem").replace(/(-----BEGIN CERTIFICATE-----\n)(.{20})/, "$1AAAAAAAAAAAAAAAAAAAA");
    assertLoadError(() => loadCertificate({ pem: corruptPem }), /Certificate #1 in the PEM certificate is not a valid X.509 certificate/);
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    assert.ok(cpuMs < 5000, `${cpuMs} ms of CPU for the garbage inputs (quiet machine: ~10 ms); garbage must be rejected quickly`);
  });

  it("recognises a bare DER certificate and says the key is missing", () => {
    const der = new X509Certificate(fixtureText("cert.pem")).raw;
    assertLoadError(() => loadCertificate({ bytes: der }), /certificate alone \(DER, \.cer\)/);
  });

  it("rejects bad arguments with TypeError", () => {
    assert.throws(() => loadCertificate({ path: "" }), TypeError);
    assert.throws(() => loadCertificate(null as unknown as { pem: string }), /received null/);
    assert.throws(() => loadCertificate({ pem: fixtureText("cert.pem") }, 42 as unknown as string), /must be a string, but received number/);
  });
});
