import { strict as assert } from "node:assert";
import { constants, createHash, createPrivateKey, verify, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { loadCertificate, type LoadedCertificate } from "../../../src/core/certificates/certificate.js";
import { base64UrlEncode, createClientAssertion } from "../../../src/sources/entra/clientAssertion.js";

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/certificates/${name}`, import.meta.url));
const cert = loadCertificate({ path: fixture("cert-chain.pem") });
const leafPublicKey = new X509Certificate(cert.certificateChain[0] as Buffer).publicKey;

const CLIENT_ID = "00000000-0000-0000-0000-0000000000c1";
const AUDIENCE = "https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/oauth2/v2.0/token";
const NOW = Date.UTC(2025, 0, 2, 3, 4, 5, 678);

interface Decoded {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

function decode(jwt: string): Decoded {
  const parts = jwt.split(".");
  assert.equal(parts.length, 3);
  for (const part of parts) assert.match(part, /^[A-Za-z0-9_-]+$/, "base64url without padding");
  const [h, p, s] = parts as [string, string, string];
  return {
    header: JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, unknown>,
    signingInput: Buffer.from(`${h}.${p}`, "ascii"),
    signature: Buffer.from(s, "base64url"),
  };
}

describe("createClientAssertion", () => {
  it("signs PS256 by default with x5t#S256 and the expected claims", () => {
    const jwt = decode(createClientAssertion(cert, { clientId: CLIENT_ID, audience: AUDIENCE, now: NOW }));
    assert.deepEqual(jwt.header, { alg: "PS256", typ: "JWT", "x5t#S256": cert.x5tS256 });
    assert.equal(
      jwt.header["x5t#S256"],
      createHash("sha256")
        .update(cert.certificateChain[0] as Buffer)
        .digest("base64url"),
    );
    const seconds = Math.floor(NOW / 1000);
    assert.deepEqual(
      { ...jwt.payload, jti: undefined },
      { aud: AUDIENCE, iss: CLIENT_ID, sub: CLIENT_ID, jti: undefined, nbf: seconds, iat: seconds, exp: seconds + 600 },
    );
    assert.match(String(jwt.payload.jti), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal((jwt.payload.exp as number) - (jwt.payload.nbf as number), 600);

    const pss = { key: leafPublicKey, padding: constants.RSA_PKCS1_PSS_PADDING };
    assert.ok(verify("sha256", jwt.signingInput, { ...pss, saltLength: 32 }, jwt.signature), "PS256 with a 32-byte salt");
    assert.ok(!verify("sha256", jwt.signingInput, { ...pss, saltLength: 20 }, jwt.signature));
    assert.ok(!verify("sha256", jwt.signingInput, { key: leafPublicKey, padding: constants.RSA_PKCS1_PADDING }, jwt.signature));
  });

  it("signs RS256 (PKCS#1 v1.5) and adds the SHA-1 x5t", () => {
    const jwt = decode(createClientAssertion(cert, { clientId: CLIENT_ID, audience: AUDIENCE, algorithm: "RS256", now: NOW }));
    assert.deepEqual(jwt.header, { alg: "RS256", typ: "JWT", "x5t#S256": cert.x5tS256, x5t: cert.x5t });
    assert.equal(
      Buffer.from(jwt.header.x5t as string, "base64url")
        .toString("hex")
        .toUpperCase(),
      cert.thumbprintSha1,
    );
    assert.ok(verify("sha256", jwt.signingInput, { key: leafPublicKey, padding: constants.RSA_PKCS1_PADDING }, jwt.signature));
  });

  it("sends the chain as x5c, leaf first, when asked", () => {
    const jwt = decode(createClientAssertion(cert, { clientId: CLIENT_ID, audience: AUDIENCE, sendCertificateChain: true, now: NOW }));
    const x5c = jwt.header.x5c as string[];
    assert.equal(x5c.length, 2);
    assert.deepEqual(
      x5c.map((b64) => Buffer.from(b64, "base64")),
      cert.certificateChain,
    );
    assert.equal(
      createHash("sha256")
        .update(Buffer.from(x5c[0] as string, "base64"))
        .digest("base64url"),
      jwt.header["x5t#S256"],
    );
    assert.equal(new X509Certificate(Buffer.from(x5c[1] as string, "base64")).subject, "CN=azid test CA");
    assert.ok(!("x5c" in decode(createClientAssertion(cert, { clientId: CLIENT_ID, audience: AUDIENCE })).header));
  });

  it("works with a PFX-loaded certificate and a custom lifetime", () => {
    const fromPfx = loadCertificate({ path: fixture("cert.pfx") }, "azid-test-pässword");
    const jwt = decode(createClientAssertion(fromPfx, { clientId: CLIENT_ID, audience: AUDIENCE, lifetimeSeconds: 300, now: NOW }));
    assert.equal((jwt.payload.exp as number) - (jwt.payload.nbf as number), 300);
    assert.ok(verify("sha256", jwt.signingInput, { key: leafPublicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, jwt.signature));
  });

  it("uses the current time and a fresh jti for each assertion", () => {
    const before = Math.floor(Date.now() / 1000);
    const a = decode(createClientAssertion(cert, { clientId: CLIENT_ID, audience: AUDIENCE }));
    const b = decode(createClientAssertion(cert, { clientId: CLIENT_ID, audience: AUDIENCE }));
    assert.notEqual(a.payload.jti, b.payload.jti);
    assert.ok((a.payload.nbf as number) >= before && (a.payload.nbf as number) <= Math.floor(Date.now() / 1000));
  });

  it("rejects bad options and non-RSA keys", () => {
    const ok = { clientId: CLIENT_ID, audience: AUDIENCE };
    assert.throws(() => createClientAssertion(cert, { ...ok, clientId: "" }), TypeError);
    assert.throws(() => createClientAssertion(cert, { ...ok, audience: "contoso" }), /audience must be the token endpoint URL, but received "contoso"/);
    assert.throws(() => createClientAssertion(cert, { ...ok, algorithm: "ES256" as "PS256" }), /algorithm must be "PS256" or "RS256"/);
    assert.throws(() => createClientAssertion(cert, { ...ok, lifetimeSeconds: 0 }), RangeError);
    const ecKey = createPrivateKey(readFileSync(fixture("ec.pem"), "utf8"));
    const ecCert: LoadedCertificate = { ...cert, privateKey: ecKey };
    assert.throws(() => createClientAssertion(ecCert, ok), /need an RSA private key, but the certificate's key is ec/);
  });
});

describe("base64UrlEncode", () => {
  it("encodes without padding using the URL alphabet", () => {
    assert.equal(base64UrlEncode(Buffer.from([0xfb, 0xff, 0xfe])), "-__-");
    assert.equal(base64UrlEncode("a"), "YQ");
    assert.equal(base64UrlEncode("ä"), "w6Q");
  });
});
