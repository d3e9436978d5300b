// writeWorkloadIdentityToken: the projected service account token file of AKS workload identity.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_CLIENT_ID, DEFAULT_FEDERATED_SUBJECT, DEFAULT_TENANT_ID, TOKEN_EXCHANGE_AUDIENCE } from "@azid/emulator";
import { send, startTestEmulator, tempDir, tokenPath } from "./support/client.js";

describe("workload identity token files", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(() => emu.stop());

  const exchange = (assertion: string, clientId = DEFAULT_CLIENT_ID) =>
    send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: {
        grant_type: "client_credentials",
        client_id: clientId,
        scope: "https://storage.azure.com/.default",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: assertion,
      },
    });

  it("writes a service account token and returns the webhook's environment", async () => {
    const env = await emu.writeWorkloadIdentityToken();
    assert.deepEqual(Object.keys(env).sort(), ["AZURE_AUTHORITY_HOST", "AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_TENANT_ID"]);
    assert.equal(env.AZURE_CLIENT_ID, DEFAULT_CLIENT_ID);
    assert.equal(env.AZURE_TENANT_ID, DEFAULT_TENANT_ID);
    assert.equal(env.AZURE_AUTHORITY_HOST, emu.url);
    const token = readFileSync(env.AZURE_FEDERATED_TOKEN_FILE!, "utf8");
    if (process.platform !== "win32") assert.equal(statSync(env.AZURE_FEDERATED_TOKEN_FILE!).mode & 0o777, 0o600);
    const { payload } = emu.decodeToken(token);
    assert.equal(payload.iss, emu.federation.issuerUrl());
    assert.equal(payload.sub, DEFAULT_FEDERATED_SUBJECT);
    assert.deepEqual(payload.aud, [TOKEN_EXCHANGE_AUDIENCE]);
    assert.deepEqual((payload["kubernetes.io"] as { namespace: string }).namespace, "default");

    const res = await exchange(token);
    assert.equal(res.status, 200, res.body);
  });

  it("rotates the file content on every call", async () => {
    const { AZURE_FEDERATED_TOKEN_FILE: path } = await emu.writeWorkloadIdentityToken();
    const before = readFileSync(path!, "utf8");
    const again = await emu.writeWorkloadIdentityToken({ lifetimeSeconds: 120 });
    assert.equal(again.AZURE_FEDERATED_TOKEN_FILE, path);
    const after = readFileSync(path!, "utf8");
    assert.notEqual(after, before);
    const { payload } = emu.decodeToken(after);
    assert.equal(Number(payload.exp) - Number(payload.iat), 120);
  });

  it("takes a path and a subject; an untrusted subject fails the exchange with AADSTS70021", async () => {
    const dir = tempDir("wi");
    try {
      const path = join(dir, "nested", "token");
      const env = await emu.writeWorkloadIdentityToken({ path, subject: "system:serviceaccount:other:sa" });
      assert.equal(env.AZURE_FEDERATED_TOKEN_FILE, path);
      const res = await exchange(readFileSync(path, "utf8"));
      assert.equal(res.status, 400);
      assert.match(String(res.json.error_description), /^AADSTS70021: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("validates its options", async () => {
    await assert.rejects(emu.writeWorkloadIdentityToken({ lifetimeSeconds: 0 }), RangeError);
    await assert.rejects(emu.writeWorkloadIdentityToken({ subject: "" }), TypeError);
  });

  it("removes the default file on close", async () => {
    const other = await startTestEmulator();
    const { AZURE_FEDERATED_TOKEN_FILE: path } = await other.writeWorkloadIdentityToken();
    assert.ok(existsSync(path!));
    await other.stop();
    assert.ok(!existsSync(path!));
  });
});
