// The web builds' certificate loader and Web Crypto assertions, run here on Node's own Web Crypto
// (globalThis.crypto): the same thumbprints, chain order and expiry as the Node loader for the same
// PEM, signatures node:crypto verifies, and construction errors that say how to convert what can't
// be used without Node. (In workerd the emulator verifies them too: test/runtimes/workerd.test.ts.)
import assert from "node:assert/strict";
import { constants, createPrivateKey, createPublicKey, verify, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import { createHash } from "node:crypto";
import { CertificateLoadError, loadCertificate as loadNode } from "../../../src/core/certificates/certificate.js";
import { loadCertificate as loadWeb } from "../../../src/core/certificates/certificate.web.js";
import { createClientAssertion } from "../../../src/sources/entra/clientAssertion.web.js";
import { sha256 } from "../../../src/core/sha256.js";
import { base64ToBytes, base64UrlEncode, utf8Decode, utf8Encode } from "../../../src/core/encoding.js";

const FIXTURES = "packages/identity/test/fixtures/certificates";
const pem = (name: string) => readFileSync(`${FIXTURES}/${name}`, "utf8");

describe("web certificate loader", () => {
  for (const name of ["cert.pem", "cert-chain.pem", "expired.pem"]) {
    it(`matches the Node loader for ${name}`, () => {
      const web = loadWeb({ pem: pem(name) });
      const node = loadNode({ pem: pem(name) });
      assert.equal(web.x5tS256, node.x5tS256);
      assert.equal(web.thumbprintSha256, node.thumbprintSha256);
      assert.deepEqual(web.x5c, node.x5c);
      assert.equal(web.notAfter.getTime(), node.notAfter.getTime());
    });
  }

  it("takes a PKCS#1 (RSA PRIVATE KEY) key as well as PKCS#8", () => {
    const text = pem("cert.pem");
    const certificate = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0];
    const pkcs1 = createPrivateKey(text).export({ type: "pkcs1", format: "pem" }) as string;
    assert.equal(loadWeb({ pem: `${pkcs1}\n${certificate}` }).x5tS256, loadNode({ pem: text }).x5tS256);
  });

  const failures: Array<[string, Parameters<typeof loadWeb>[0], RegExp]> = [
    ["a file path", { path: `${FIXTURES}/cert.pem` }, /can't be read .* pass the PEM text/],
    ["PKCS#12 bytes", { bytes: readFileSync(`${FIXTURES}/cert.pfx`) }, /openssl pkcs12 -in cert.pfx -nodes/],
    ["an encrypted key", { pem: pem("cert-encrypted.pem") }, /encrypted.*-nocrypt/],
    ["a legacy encrypted RSA key", { pem: pem("cert-legacy-rsa-encrypted.pem") }, /encrypted/],
    ["an EC key", { pem: pem("ec.pem") }, /not RSA/],
    ["a certificate without its key", { pem: pem("ca.pem") }, /no private key/],
    [
      "a key with another key's certificate",
      { pem: pem("cert.pem").replace(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/, pem("ca.pem").trim()) },
      /None of the 1 certificate/,
    ],
  ];
  for (const [what, source, message] of failures) {
    it(`refuses ${what} at load, saying what to do`, () => {
      assert.throws(
        () => loadWeb(source),
        (e: Error) => e instanceof CertificateLoadError && message.test(e.message),
      );
    });
  }
});

describe("Web Crypto client assertion", () => {
  const cert = loadWeb({ pem: pem("cert-chain.pem") });
  const publicKey = createPublicKey(new X509Certificate(Buffer.from(cert.certificateChain[0]!)).publicKey.export({ type: "spki", format: "pem" }));
  for (const algorithm of ["PS256", "RS256"] as const) {
    it(`signs ${algorithm} so that node:crypto verifies it, with the Node code's header`, async () => {
      const jwt = await createClientAssertion(cert, {
        clientId: "app",
        audience: "https://login.example/t/oauth2/v2.0/token",
        algorithm,
        sendCertificateChain: true,
      });
      const [header, payload, signature] = jwt.split(".") as [string, string, string];
      const padding = algorithm === "PS256" ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : { padding: constants.RSA_PKCS1_PADDING };
      assert.equal(verify("sha256", Buffer.from(`${header}.${payload}`), { key: publicKey, ...padding }, Buffer.from(signature, "base64url")), true);
      const h = JSON.parse(Buffer.from(header, "base64url").toString());
      const node = loadNode({ pem: pem("cert-chain.pem") });
      assert.equal(h.alg, algorithm);
      assert.equal(h["x5t#S256"], node.x5tS256);
      assert.equal(h.x5t, algorithm === "RS256" ? node.x5t : undefined);
      assert.deepEqual(h.x5c, node.x5c);
      const p = JSON.parse(Buffer.from(payload, "base64url").toString());
      assert.equal(p.iss, "app");
      assert.equal(p.sub, "app");
      assert.equal(p.exp - p.iat, 600);
      assert.match(p.jti, /^[0-9a-f-]{36}$/);
    });
  }
});

describe("sha256 and encoding without Buffer", () => {
  it("sha256 equals node:crypto for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        assert.equal(Buffer.from(sha256(bytes)).toString("hex"), createHash("sha256").update(bytes).digest("hex"));
      }),
    );
  });

  it("base64url and UTF-8 round-trip and equal Buffer's", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        assert.equal(base64UrlEncode(text), Buffer.from(text, "utf8").toString("base64url"));
        assert.equal(utf8Decode(base64ToBytes(base64UrlEncode(text))), text);
        assert.deepEqual(Buffer.from(utf8Encode(text)), Buffer.from(text, "utf8"));
      }),
    );
  });
});
