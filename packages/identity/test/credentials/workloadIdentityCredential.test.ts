// WorkloadIdentityCredential against the emulator: a Kubernetes-style token file from the
// emulator's own issuer, exchanged for an Entra token; rotation; every misconfiguration.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, beforeEach, describe, it } from "node:test";
import { AuthenticationError, CredentialUnavailableError, WorkloadIdentityCredential } from "../../src/index.js";
import { tokenCache } from "../../src/core/cache/tokenCache.js";
import { captureLogs, decodeJwt, useEmulator } from "../support/emulator.js";

const STORAGE = "https://storage.azure.com/.default";
const env = useEmulator();
const dir = mkdtempSync(join(tmpdir(), "azid-wi-"));
const saved = { ...process.env };
after(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => tokenCache.clear());
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

function workload() {
  const subject = `system:serviceaccount:apps:${randomUUID().slice(0, 8)}`;
  const { clientId } = env.addApp({
    secrets: [],
    federatedCredentials: [{ issuer: env.emu.federation.issuerUrl(), subject, audiences: ["api://AzureADTokenExchange"] }],
  });
  const file = join(dir, `${randomUUID()}.token`);
  writeFileSync(file, env.emu.federation.mint({ subject }) + "\n");
  return { subject, clientId, file };
}

describe("WorkloadIdentityCredential", () => {
  it("reads AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE and exchanges the file's token", async () => {
    const { clientId, file, subject } = workload();
    Object.assign(process.env, { AZURE_TENANT_ID: env.tenantId, AZURE_CLIENT_ID: clientId, AZURE_FEDERATED_TOKEN_FILE: file });
    const token = await new WorkloadIdentityCredential(env.options).getToken(STORAGE);
    assert.equal(decodeJwt(token.token).payload.appid, clientId);
    const form = env.tokenRequests().at(-1)!.form!;
    assert.equal(form.grant_type, "client_credentials");
    assert.equal(form.client_assertion_type, "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    assert.equal(decodeJwt(form.client_assertion!).payload.sub, subject);
  });

  it("options win over the environment", async () => {
    const { clientId, file } = workload();
    Object.assign(process.env, { AZURE_TENANT_ID: "wrong-tenant", AZURE_CLIENT_ID: "wrong-client", AZURE_FEDERATED_TOKEN_FILE: "/nonexistent" });
    const token = await new WorkloadIdentityCredential({ ...env.options, tenantId: env.tenantId, clientId, tokenFilePath: file }).getToken(STORAGE);
    assert.equal(decodeJwt(token.token).payload.appid, clientId);
  });

  it("re-reads the file for each exchange, so a rotated token is used", async () => {
    const { clientId, file, subject } = workload();
    const credential = new WorkloadIdentityCredential({ ...env.options, tenantId: env.tenantId, clientId, tokenFilePath: file });
    await credential.getToken(STORAGE);
    const rotated = env.emu.federation.mint({ subject, claims: { rotation: 2 } });
    writeFileSync(file, rotated);
    await credential.getToken("https://vault.azure.net/.default");
    assert.equal(env.tokenRequests().at(-1)!.form!.client_assertion, rotated);
  });

  it("a subject the app does not trust is AADSTS70021 naming the subject", async () => {
    const { clientId, file } = workload();
    writeFileSync(file, env.emu.federation.mint({ subject: "system:serviceaccount:other:intruder" }));
    await assert.rejects(
      new WorkloadIdentityCredential({ ...env.options, tenantId: env.tenantId, clientId, tokenFilePath: file }).getToken(STORAGE),
      (e: AuthenticationError) => e.errorResponse.errorCodes?.[0] === 70021 && /intruder/.test(e.message),
    );
  });

  it("getAssertion (azid extension) supplies the federated token instead of a file, for every exchange", async () => {
    const { clientId, subject } = workload();
    let calls = 0;
    const credential = new WorkloadIdentityCredential({
      ...env.options,
      tenantId: env.tenantId,
      clientId,
      tokenFilePath: "/nonexistent",
      getAssertion: async () => {
        calls++;
        return env.emu.federation.mint({ subject });
      },
    });
    assert.equal(decodeJwt((await credential.getToken(STORAGE)).token).payload.appid, clientId);
    await credential.getToken("https://vault.azure.net/.default");
    assert.equal(calls, 2);
    assert.equal(decodeJwt(env.tokenRequests().at(-1)!.form!.client_assertion!).payload.sub, subject);
  });

  it("missing configuration is unavailable at construction, naming what is missing", () => {
    for (const key of ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE"]) delete process.env[key];
    assert.throws(
      () => new WorkloadIdentityCredential(env.options),
      (e: Error) =>
        e instanceof CredentialUnavailableError &&
        /tenantId \(or AZURE_TENANT_ID\), clientId \(or AZURE_CLIENT_ID\), tokenFilePath \(or AZURE_FEDERATED_TOKEN_FILE\)/.test(e.message),
    );
  });

  it("a missing, empty or oversized token file is a clear error, and the token never leaks", async () => {
    const { clientId, file } = workload();
    const make = (path: string) => new WorkloadIdentityCredential({ ...env.options, tenantId: env.tenantId, clientId, tokenFilePath: path });
    await assert.rejects(make(join(dir, "missing.token")).getToken(STORAGE), /does not exist.*azure\.workload\.identity/);
    const empty = join(dir, "empty.token");
    writeFileSync(empty, "  \n");
    await assert.rejects(make(empty).getToken(STORAGE), /is empty/);
    const big = join(dir, "big.token");
    writeFileSync(big, "x".repeat(70_000));
    await assert.rejects(make(big).getToken(STORAGE), /larger than/);
    await assert.rejects(make(dir).getToken(STORAGE), /not a regular file/);
    const { lines, result } = await captureLogs(() => make(file).getToken(STORAGE));
    assert.ok(result);
    const assertion = (await import("node:fs")).readFileSync(file, "utf8").trim();
    for (const line of lines) assert.ok(!line.includes(assertion.split(".")[1]!) && !line.includes(result.token.split(".")[1]!));
  });
});
