// AuthenticationRecord (de)serialization and PKCE: pure functions, no network.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { deserializeAuthenticationRecord, serializeAuthenticationRecord, type AuthenticationRecord } from "../../../src/index.js";
import { createPkce, pkceChallenge } from "../../../src/sources/entra/pkce.js";
import { accountFromResponse } from "../../../src/sources/entra/idToken.js";

const record: AuthenticationRecord = {
  authority: "login.microsoftonline.com",
  homeAccountId: "9c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5.7e2b1c3a-4d5f-4a6b-8c9d-0e1f2a3b4c5d",
  clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
  tenantId: "7e2b1c3a-4d5f-4a6b-8c9d-0e1f2a3b4c5d",
  username: "alice@azid.onmicrosoft.com",
};

describe("AuthenticationRecord", () => {
  it("round-trips with version 1.0, in the JSON shape @azure/identity reads", () => {
    const text = serializeAuthenticationRecord(record);
    assert.deepEqual(JSON.parse(text), { ...record, version: "1.0" });
    assert.deepEqual(deserializeAuthenticationRecord(text), record);
  });

  it("accepts a record without version (what @azure/identity's serializer writes) and drops unknown fields", () => {
    assert.deepEqual(deserializeAuthenticationRecord(JSON.stringify({ ...record, extra: 1 })), record);
  });

  it("rejects another version, non-JSON, and missing fields with clear errors", () => {
    assert.throws(() => deserializeAuthenticationRecord(JSON.stringify({ ...record, version: "2.0" })), /Unsupported AuthenticationRecord version "2.0"/);
    assert.throws(
      () => deserializeAuthenticationRecord("{not json"),
      (e: Error) => e instanceof TypeError && /not JSON/.test(e.message),
    );
    const { homeAccountId: _, ...partial } = record;
    assert.throws(() => deserializeAuthenticationRecord(JSON.stringify(partial)), /lacks 'homeAccountId'/);
    assert.throws(() => deserializeAuthenticationRecord(42 as never), TypeError);
    assert.throws(() => serializeAuthenticationRecord({ ...record, clientId: 7 } as never), /lacks 'clientId'/);
  });
});

describe("PKCE and id_token checks", () => {
  it("a 43-character verifier from 32 random bytes; challenge = base64url(SHA-256(verifier))", async () => {
    const pkce = await createPkce();
    assert.equal(pkce.verifier.length, 43);
    assert.match(pkce.verifier, /^[A-Za-z0-9_-]+$/);
    assert.equal(pkce.challenge, createHash("sha256").update(pkce.verifier).digest("base64url"));
    assert.notEqual((await createPkce()).verifier, pkce.verifier);
    // RFC 7636 appendix B
    assert.equal(await pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });

  it("the account comes from client_info; an id_token for another client or with another nonce is refused", () => {
    const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;
    const clientInfo = Buffer.from(JSON.stringify({ uid: "u1", utid: "t1" })).toString("base64url");
    const base = { accessToken: "a", expiresOnTimestamp: 1, tokenType: "Bearer" as const, clientInfo };
    const good = accountFromResponse(
      { ...base, idToken: jwt({ aud: "client", tid: "t1", preferred_username: "bob@x", nonce: "n1" }) },
      { clientId: "client", nonce: "n1", fallbackTenantId: "organizations" },
    );
    assert.deepEqual(good, { homeAccountId: "u1.t1", tenantId: "t1", username: "bob@x" });
    assert.throws(
      () => accountFromResponse({ ...base, idToken: jwt({ aud: "other", nonce: "n1" }) }, { clientId: "client", nonce: "n1", fallbackTenantId: "x" }),
      /another application/,
    );
    assert.throws(
      () => accountFromResponse({ ...base, idToken: jwt({ aud: "client", nonce: "n2" }) }, { clientId: "client", nonce: "n1", fallbackTenantId: "x" }),
      { name: "AuthenticationError", message: /nonce_mismatch/ },
    );
    const fromSub = accountFromResponse(
      { accessToken: "a", expiresOnTimestamp: 1, tokenType: "Bearer", idToken: jwt({ aud: "client", sub: "s1" }) },
      { clientId: "client", fallbackTenantId: "organizations" },
    );
    assert.deepEqual(fromSub, { homeAccountId: "s1", tenantId: "organizations", username: "" });
  });
});
