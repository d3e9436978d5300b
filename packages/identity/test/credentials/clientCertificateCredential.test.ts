// ClientCertificateCredential at the wire: PEM and PKCS#12 sources, PS256/RS256 assertions the
// emulator verifies, x5c, and the construction-time errors for bad files and passwords.
import assert from "node:assert/strict";
import { createHash, createPublicKey, verify, constants } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeEach, describe, it } from "node:test";
import { AuthenticationError, CertificateLoadError, ClientCertificateCredential, type ClientCertificateCredentialPEMConfiguration } from "../../src/index.js";
import { tokenCache } from "../../src/core/cache/tokenCache.js";
import { captureLogs, decodeJwt, useEmulator } from "../support/emulator.js";

const FIXTURES = "packages/identity/test/fixtures/certificates";
const PASSWORD = "azid-test-pässword";
const STORAGE = "https://storage.azure.com/.default";
const leafPem = readFileSync(`${FIXTURES}/cert.pem`, "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0];
const leafDer = Buffer.from(leafPem.replace(/-----[^-]+-----|\s/g, ""), "base64");
const env = useEmulator();

function lastAssertion() {
  const form = env.tokenRequests().at(-1)!.form!;
  assert.equal(form.client_assertion_type, "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  assert.equal(form.client_secret, undefined);
  return form.client_assertion!;
}

describe("ClientCertificateCredential", () => {
  beforeEach(() => tokenCache.clear());

  const sources: Array<[string, () => string | ClientCertificateCredentialPEMConfiguration]> = [
    ["a PEM path", () => `${FIXTURES}/cert.pem`],
    ["PEM text", () => ({ certificate: readFileSync(`${FIXTURES}/cert.pem`, "utf8") })],
    ["an encrypted PKCS#8 PEM", () => ({ certificatePath: `${FIXTURES}/cert-encrypted.pem`, certificatePassword: PASSWORD })],
    ["a legacy encrypted RSA PEM", () => ({ certificatePath: `${FIXTURES}/cert-legacy-rsa-encrypted.pem`, certificatePassword: PASSWORD })],
    ["a PFX path (OpenSSL 3 AES)", () => ({ certificatePath: `${FIXTURES}/cert.pfx`, certificatePassword: PASSWORD })],
    ["a legacy PFX (3DES/RC2)", () => ({ certificatePath: `${FIXTURES}/cert-legacy.pfx`, certificatePassword: PASSWORD })],
    ["PFX bytes", () => ({ certificate: readFileSync(`${FIXTURES}/cert-3des.pfx`), certificatePassword: PASSWORD })],
  ];
  for (const [what, source] of sources) {
    it(`authenticates with ${what}`, async () => {
      const { clientId } = env.addApp({ secrets: [], certificates: [leafPem] });
      const token = await new ClientCertificateCredential(
        env.tenantId,
        clientId,
        source() as ClientCertificateCredentialPEMConfiguration,
        env.options,
      ).getToken(STORAGE);
      assert.equal(decodeJwt(token.token).payload.appid, clientId);
      assert.equal(decodeJwt(token.token).payload.appidacr, "2");
    });
  }

  it("sends a PS256 assertion with x5t#S256 that verifies with the certificate", async () => {
    const { clientId } = env.addApp({ secrets: [], certificates: [leafPem] });
    await new ClientCertificateCredential(env.tenantId, clientId, `${FIXTURES}/cert.pem`, env.options).getToken(STORAGE);
    const assertion = lastAssertion();
    const { header, payload } = decodeJwt(assertion);
    assert.equal(header.alg, "PS256");
    assert.equal(header["x5t#S256"], createHash("sha256").update(leafDer).digest("base64url"));
    assert.equal(header.x5c, undefined);
    assert.equal(payload.aud, `${env.emu.url}/${env.tenantId}/oauth2/v2.0/token`);
    assert.equal(payload.iss, clientId);
    assert.equal(payload.sub, clientId);
    assert.equal((payload.exp as number) - (payload.nbf as number), 600);
    const [h, p, s] = assertion.split(".");
    const ok = verify(
      "sha256",
      Buffer.from(`${h}.${p}`),
      { key: createPublicKey(leafPem), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      Buffer.from(s!, "base64url"),
    );
    assert.ok(ok, "PS256 signature verifies");
  });

  it("RS256 with sendCertificateChain sends x5t and the chain in x5c", async () => {
    const { clientId } = env.addApp({ secrets: [], certificates: [leafPem] });
    await new ClientCertificateCredential(
      env.tenantId,
      clientId,
      { certificatePath: `${FIXTURES}/cert-chain.pem` },
      { ...env.options, assertionAlgorithm: "RS256", sendCertificateChain: true },
    ).getToken(STORAGE);
    const { header } = decodeJwt(lastAssertion());
    assert.equal(header.alg, "RS256");
    assert.equal(header.x5t, createHash("sha1").update(leafDer).digest("base64url"));
    assert.equal((header.x5c as string[]).length, 2);
    assert.equal((header.x5c as string[])[0], leafDer.toString("base64"));
  });

  it("a certificate the app does not know is refused by Entra with a hint", async () => {
    const { clientId } = env.addApp({ secrets: [] });
    await assert.rejects(
      new ClientCertificateCredential(env.tenantId, clientId, `${FIXTURES}/cert.pem`, env.options).getToken(STORAGE),
      (e: AuthenticationError) => e.statusCode === 401 && e.errorResponse.error === "invalid_client" && /Hint:/.test(e.message),
    );
  });

  it("bad files and passwords fail at construction with CertificateLoadError, never echoing the password", () => {
    const cases: Array<[unknown, RegExp]> = [
      [`${FIXTURES}/missing.pem`, /no file/i],
      [{ certificatePath: `${FIXTURES}/cert.pfx`, certificatePassword: "wrong-password-123" }, /password/i],
      [{ certificatePath: `${FIXTURES}/cert-encrypted.pem`, certificatePassword: "wrong-password-123" }, /password/i],
      [{ certificatePath: `${FIXTURES}/cert-encrypted.pem` }, /password/i],
      [{ certificatePath: `${FIXTURES}/ec.pem` }, /RSA/],
      [{ certificate: Buffer.from("definitely not a certificate") }, /./],
      [{ certificate: readFileSync(`${FIXTURES}/cert.pfx`).subarray(0, 700), certificatePassword: PASSWORD }, /./],
    ];
    for (const [source, message] of cases) {
      assert.throws(
        () => new ClientCertificateCredential(env.tenantId, "client", source as string, env.options),
        (e: Error) => {
          assert.ok(e instanceof CertificateLoadError, `${e.name}: ${e.message}`);
          assert.match(e.message, message);
          assert.ok(!e.message.includes("wrong-password-123") && !e.message.includes(PASSWORD));
          return true;
        },
      );
    }
    assert.throws(() => new ClientCertificateCredential(env.tenantId, "client", { certificatePath: "a", certificate: "b" } as never, env.options), /forbidden/);
    assert.throws(
      () => new ClientCertificateCredential(env.tenantId, "client", `${FIXTURES}/cert.pem`, { ...env.options, assertionAlgorithm: "HS256" as never }),
      RangeError,
    );
  });

  it("never logs the assertion or the private key", async () => {
    const { clientId } = env.addApp({ secrets: [], certificates: [leafPem] });
    const { lines, result } = await captureLogs(() =>
      new ClientCertificateCredential(env.tenantId, clientId, `${FIXTURES}/cert.pem`, env.options).getToken(STORAGE),
    );
    assert.ok(result);
    const assertion = lastAssertion();
    for (const line of lines) {
      assert.ok(!line.includes(assertion.split(".")[2]!), "assertion signature in log");
      assert.ok(!line.includes("PRIVATE KEY"));
      assert.ok(!line.includes(result.token));
    }
  });
});
