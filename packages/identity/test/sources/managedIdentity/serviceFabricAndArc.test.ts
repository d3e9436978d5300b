// The two hosts with a security check of their own: Service Fabric's pinned certificate and Azure
// Arc's challenge key file.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, beforeEach, describe, it } from "node:test";
import { DEFAULT_SYSTEM_IDENTITY_OBJECT_ID, DEFAULT_USER_IDENTITY_CLIENT_ID, type RecordedRequest } from "@azid/emulator";
import { AuthenticationError, ManagedIdentityCredential } from "../../../src/index.js";
import { captureLogs, decodeJwt, useEmulator } from "../../support/emulator.js";
import { runOn, useManagedIdentityEnvironment } from "./environment.js";

const STORAGE = "https://storage.azure.com/.default";
const env = useEmulator();
useManagedIdentityEnvironment();

function requestsTo(route: string, since: number): RecordedRequest[] {
  return env.emu.requests.slice(since).filter((r) => r.route === route);
}

describe("Service Fabric", () => {
  beforeEach(() => env.emu.faults.clear());

  it("GET ?api-version=2019-07-01-preview with the secret header, over TLS pinned to IDENTITY_SERVER_THUMBPRINT", async () => {
    const vars = runOn(env.emu, "serviceFabric");
    const before = env.emu.requests.length;
    // No CA option: the certificate is self-signed and trusted only through the pin.
    const token = await new ManagedIdentityCredential().getToken(STORAGE);
    const [sent, ...more] = requestsTo("serviceFabric", before);
    assert.ok(sent);
    assert.equal(more.length, 0);
    assert.equal(sent.method, "GET");
    assert.equal(sent.path, "/metadata/identity/oauth2/token");
    assert.equal(sent.headers.secret, vars.IDENTITY_HEADER);
    assert.deepEqual(sent.query, { "api-version": "2019-07-01-preview", resource: "https://storage.azure.com" });
    assert.equal(decodeJwt(token.token).payload.oid, DEFAULT_SYSTEM_IDENTITY_OBJECT_ID);
  });

  it("accepts the thumbprint in lower case with colons, and a SHA-256 thumbprint", async () => {
    runOn(env.emu, "serviceFabric");
    process.env.IDENTITY_SERVER_THUMBPRINT = env.emu.managedIdentity.serviceFabricThumbprint.toLowerCase().replace(/(..)(?!$)/g, "$1:");
    await new ManagedIdentityCredential().getToken(STORAGE);
    process.env.IDENTITY_SERVER_THUMBPRINT = new X509Certificate(env.emu.managedIdentity.serviceFabricCertPem).fingerprint256;
    await new ManagedIdentityCredential().getToken("https://vault.azure.net/.default");
  });

  it("another certificate is refused before the request (and its secret) is sent, showing both thumbprints", async () => {
    const vars = runOn(env.emu, "serviceFabric");
    const wrong = "0123456789ABCDEF0123456789ABCDEF01234567";
    process.env.IDENTITY_SERVER_THUMBPRINT = wrong;
    const before = env.emu.requests.length;
    const { error, lines } = await captureLogs(() => new ManagedIdentityCredential({ retryOptions: { retryDelayInMs: 5 } }).getToken(STORAGE));
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.equal(error.errorResponse.error, "certificate_pin_mismatch");
    assert.ok(error.message.includes(wrong), "expected thumbprint shown");
    assert.ok(error.message.includes(env.emu.managedIdentity.serviceFabricThumbprint), "actual thumbprint shown");
    assert.match(error.message, /did not match the pinned thumbprint/);
    assert.equal(requestsTo("serviceFabric", before).length, 0, "nothing reached the server");
    for (const text of [error.message, ...lines]) assert.ok(!text.includes(vars.IDENTITY_HEADER!), "secret leaked");
  });

  it("a user-assigned selector is refused at construction", () => {
    runOn(env.emu, "serviceFabric");
    assert.throws(
      () => new ManagedIdentityCredential(DEFAULT_USER_IDENTITY_CLIENT_ID),
      (e: Error) => e instanceof RangeError && /Service Fabric was detected .* cluster resource configuration/.test(e.message),
    );
  });

  it("a bad thumbprint or an http endpoint is refused at construction, naming the variable", () => {
    runOn(env.emu, "serviceFabric");
    process.env.IDENTITY_SERVER_THUMBPRINT = "not-a-thumbprint";
    assert.throws(
      () => new ManagedIdentityCredential(),
      (e: Error) => e instanceof RangeError && /IDENTITY_SERVER_THUMBPRINT must be/.test(e.message),
    );
    runOn(env.emu, "serviceFabric");
    process.env.IDENTITY_ENDPOINT = env.emu.managedIdentity.serviceFabricUrl.replace("https:", "http:");
    assert.throws(
      () => new ManagedIdentityCredential(),
      (e: Error) => e instanceof RangeError && /IDENTITY_ENDPOINT must be an https URL for Service Fabric/.test(e.message),
    );
  });
});

describe("Azure Arc", () => {
  const scratch = mkdtempSync(join(tmpdir(), "azid-arc-test-"));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  beforeEach(() => env.emu.faults.clear());
  /** The emulator's agent writes its key files here, not in the agent's real directory. */
  const emulatedAgent = () => ({ azureArcTokenDirectory: env.emu.managedIdentity.arcTokenDirectory });

  it("answers the 401 challenge with the key file's contents: two requests, Metadata: true, api-version 2020-06-01", async () => {
    const vars = runOn(env.emu, "azureArc");
    const before = env.emu.requests.length;
    const { result: token, lines, error } = await captureLogs(() => new ManagedIdentityCredential(emulatedAgent()).getToken(STORAGE));
    assert.equal(error, undefined, String(error));
    const sent = requestsTo("azureArc", before);
    assert.deepEqual(
      sent.map((r) => r.status),
      [401, 200],
    );
    for (const r of sent) {
      assert.equal(r.method, "GET");
      assert.equal(`${env.emu.managedIdentity.httpUrl}${r.path}`, vars.IDENTITY_ENDPOINT);
      assert.equal(r.headers.metadata, "true");
      assert.deepEqual(r.query, { "api-version": "2020-06-01", resource: "https://storage.azure.com" });
    }
    assert.equal(sent[0]!.headers.authorization, undefined);
    const keys = readdirSync(env.emu.managedIdentity.arcTokenDirectory).map((f) => readFileSync(join(env.emu.managedIdentity.arcTokenDirectory, f), "utf8"));
    assert.ok(
      keys.some((key) => sent[1]!.headers.authorization === `Basic ${key}`),
      "sent the key verbatim",
    );
    assert.equal(decodeJwt(token!.token).payload.oid, DEFAULT_SYSTEM_IDENTITY_OBJECT_ID);
    for (const key of keys) for (const line of lines) assert.ok(!line.includes(key), "key leaked into logs");
  });

  it("a user-assigned selector is refused at construction", () => {
    runOn(env.emu, "azureArc");
    assert.throws(
      () => new ManagedIdentityCredential({ clientId: DEFAULT_USER_IDENTITY_CLIENT_ID }),
      (e: Error) => e instanceof RangeError && /Azure Arc was detected/.test(e.message),
    );
  });

  it("by default only the agent's real token directory is accepted", async () => {
    runOn(env.emu, "azureArc");
    const error = await new ManagedIdentityCredential().getToken(STORAGE).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.match(error.message, /not in the agent's token directory \/var\/opt\/azcmagent\/tokens/);
  });

  const secret = "TOP-SECRET-FILE-CONTENT-do-not-send";
  const malicious: Array<[string, () => string, RegExp]> = [
    ["outside the token folder", () => writeScratch("outside.key", secret), /not in the agent's token directory/],
    [
      "escaping with ..",
      () => join(env.emu.managedIdentity.arcTokenDirectory, "..", "..", relativeScratch("escape.key")),
      /not in the agent's token directory/,
    ],
    ["not ending in .key", () => writeInTokens("notakey.txt", secret), /does not end in \.key/],
    ["too big", () => writeInTokens("big.key", "x".repeat(4097)), /4097 bytes, more than 4096/],
    ["a symbolic link", () => linkInTokens("link.key", writeScratch("target.txt", secret)), /symbolic link/],
    ["a directory", () => mkdirInTokens("dir.key"), /not a regular file/],
    ["a relative path", () => "tokens/relative.key", /not an absolute path/],
    ["missing", () => join(env.emu.managedIdentity.arcTokenDirectory, "missing.key"), /cannot be read \(ENOENT\)/],
  ];
  function writeScratch(name: string, content: string): string {
    const path = join(scratch, name);
    writeFileSync(path, content);
    return path;
  }
  function relativeScratch(name: string): string {
    writeScratch(name, secret);
    return join(...scratch.split("/").filter(Boolean), name);
  }
  function writeInTokens(name: string, content: string): string {
    const path = join(env.emu.managedIdentity.arcTokenDirectory, name);
    writeFileSync(path, content);
    return path;
  }
  function linkInTokens(name: string, target: string): string {
    const path = join(env.emu.managedIdentity.arcTokenDirectory, name);
    rmSync(path, { force: true });
    symlinkSync(target, path);
    return path;
  }
  function mkdirInTokens(name: string): string {
    const path = join(env.emu.managedIdentity.arcTokenDirectory, name);
    mkdirSync(path, { recursive: true });
    return path;
  }

  for (const [name, realmPath, reason] of malicious) {
    it(`a challenge naming a file ${name} is refused, and nothing is sent back`, async () => {
      runOn(env.emu, "azureArc");
      env.emu.faults.add({ route: "azureArc", status: 401, headers: { "www-authenticate": `Basic realm=${realmPath()}` }, times: 1 });
      const before = env.emu.requests.length;
      const { error, lines } = await captureLogs(() => new ManagedIdentityCredential(emulatedAgent()).getToken(STORAGE));
      assert.ok(error instanceof AuthenticationError, String(error));
      assert.equal(error.statusCode, 401);
      assert.match(error.message, reason);
      assert.match(error.message, /Azure Arc/);
      assert.equal(requestsTo("azureArc", before).length, 1, "no second request");
      for (const text of [error.message, ...lines]) assert.ok(!text.includes(secret), "file content leaked");
    });
  }

  it("a 401 without a Basic realm challenge is a clear error", async () => {
    runOn(env.emu, "azureArc");
    env.emu.faults.add({ route: "azureArc", status: 401, times: 1 });
    await assert.rejects(
      new ManagedIdentityCredential(emulatedAgent()).getToken(STORAGE),
      (e: Error) => e instanceof AuthenticationError && /without a usable 'WWW-Authenticate: Basic realm=<key file>' challenge/.test(e.message),
    );
  });
});
