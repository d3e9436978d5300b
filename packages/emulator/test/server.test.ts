import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as https from "node:https";
import { join } from "node:path";
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID, startEmulator } from "@azid/emulator";
import { send, startTestEmulator, tempDir, tokenPath } from "./support/client.js";

describe("HTTPS and the CA", () => {
  it("creates a CA in dataDir (key 0600) and serves a certificate it signed for loopback names", async () => {
    const dataDir = tempDir("ca");
    const emu = await startEmulator({ dataDir });
    try {
      assert.match(emu.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(emu.caCertPath, join(dataDir, "ca.pem"));
      assert.equal(readFileSync(emu.caCertPath, "utf8"), emu.caCertPem);
      assert.equal(statSync(join(dataDir, "ca-key.pem")).mode & 0o777, 0o600);
      assert.equal(statSync(join(dataDir, "signing-key.pem")).mode & 0o777, 0o600);
      const ca = new X509Certificate(emu.caCertPem);
      assert.equal(ca.ca, true);

      const served = await new Promise<X509Certificate>((resolve, reject) => {
        https
          .get(`${emu.url}/${DEFAULT_TENANT_ID}/discovery/v2.0/keys`, { ca: emu.caCertPem, agent: false }, (res) => {
            const peer = (res.socket as import("node:tls").TLSSocket).getPeerX509Certificate();
            res.resume();
            res.on("end", () => (peer ? resolve(peer) : reject(new Error("no peer certificate"))));
          })
          .on("error", reject);
      });
      assert.ok(served.checkIssued(ca));
      assert.ok(served.verify(ca.publicKey));
      assert.equal(served.ca, false);
      assert.match(served.subjectAltName ?? "", /IP Address:127\.0\.0\.1/);
      assert.match(served.subjectAltName ?? "", /DNS:localhost/);
      assert.match(served.subjectAltName ?? "", /IP Address:0:0:0:0:0:0:0:1/);
    } finally {
      await emu.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("reuses the CA across starts with the same dataDir, with a fresh server certificate each time", async () => {
    const dataDir = tempDir("reuse");
    try {
      const first = await startEmulator({ dataDir });
      const firstServer = first.issueServerCertificate(["127.0.0.1"]);
      const token = first.federation.mint({ subject: "restart" });
      await first.close();
      const second = await startEmulator({ dataDir });
      await second.close();
      assert.equal(second.caCertPem, first.caCertPem);
      // The signing key persists too: tokens from the earlier run still verify.
      assert.equal(second.decodeToken(token).payload.sub, "restart");
      // A certificate from the first run still chains to the CA of the second.
      assert.ok(new X509Certificate(firstServer.certPem).verify(new X509Certificate(second.caCertPem).publicKey));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("lets parallel first starts agree on one CA", async () => {
    const dataDir = tempDir("parallel");
    try {
      const emus = await Promise.all([startEmulator({ dataDir }), startEmulator({ dataDir }), startEmulator({ dataDir })]);
      await Promise.all(emus.map((emu) => emu.close()));
      assert.equal(new Set(emus.map((emu) => emu.caCertPem)).size, 1);
      assert.equal(readFileSync(join(dataDir, "ca.pem"), "utf8"), emus[0]!.caCertPem);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("issues server certificates for other hosts (Azurite --cert/--key) that clients trust", async () => {
    const emu = await startTestEmulator();
    try {
      const { certPem, keyPem } = emu.issueServerCertificate(["127.0.0.1", "azurite.local"]);
      const other = https.createServer({ cert: certPem, key: keyPem }, (_req, res) => res.end("ok"));
      await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
      const port = (other.address() as { port: number }).port;
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get(`https://127.0.0.1:${port}/`, { ca: emu.caCertPem, agent: false }, (res) => {
            let text = "";
            res.on("data", (chunk: Buffer) => (text += chunk.toString()));
            res.on("end", () => resolve(text));
          })
          .on("error", reject);
      });
      other.close();
      assert.equal(body, "ok");
      assert.match(new X509Certificate(certPem).subjectAltName ?? "", /DNS:azurite\.local/);
    } finally {
      await emu.stop();
    }
  });

  it("explains an unwritable dataDir", async () => {
    // A path below a regular file cannot be created, even by root (chmod would not stop root).
    const parent = tempDir("unwritable");
    writeFileSync(join(parent, "file"), "");
    try {
      await assert.rejects(
        startEmulator({ dataDir: join(parent, "file", "emulator") }),
        /cannot write its CA to dataDir .*\(ENOTDIR\)\. Pass a writable directory/,
      );
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it("refuses a CA that does not match its key", async () => {
    const dataDir = tempDir("mismatch");
    try {
      const emu = await startEmulator({ dataDir });
      await emu.close();
      const other = tempDir("mismatch-other");
      const emu2 = await startEmulator({ dataDir: other });
      await emu2.close();
      writeFileSync(join(dataDir, "ca.pem"), readFileSync(join(other, "ca.pem")));
      rmSync(other, { recursive: true, force: true });
      await assert.rejects(startEmulator({ dataDir }), /unusable: the private key does not match/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("listening options", () => {
  it("serves plain HTTP on loopback when asked", async () => {
    const emu = await startTestEmulator({ http: true });
    try {
      assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await send(emu, tokenPath(DEFAULT_TENANT_ID), {
        form: {
          grant_type: "client_credentials",
          client_id: DEFAULT_CLIENT_ID,
          client_secret: DEFAULT_CLIENT_SECRET,
          scope: "https://storage.azure.com/.default",
        },
      });
      assert.equal(res.status, 200, res.body);
    } finally {
      await emu.stop();
    }
  });

  it("listens on ::1 with a bracketed URL", async (t) => {
    let emu;
    try {
      emu = await startTestEmulator({ host: "::1" });
    } catch (error) {
      return t.skip(`no IPv6 loopback here: ${(error as Error).message}`);
    }
    try {
      assert.match(emu.url, /^https:\/\/\[::1\]:\d+$/);
      assert.equal((await send(emu, `/${DEFAULT_TENANT_ID}/discovery/v2.0/keys`)).status, 200);
    } finally {
      await emu.stop();
    }
  });

  it("refuses non-loopback hosts unless allowed, and plain HTTP off loopback always", async () => {
    await assert.rejects(startEmulator({ host: "0.0.0.0", dataDir: "/nonexistent/never-created" }), /non-loopback host "0\.0\.0\.0".*allowNonLoopback/);
    await assert.rejects(
      startEmulator({ host: "0.0.0.0", http: true, allowNonLoopback: true, dataDir: "/nonexistent/never-created" }),
      /Plain HTTP is only served on loopback/,
    );
    await assert.rejects(startEmulator({ port: 70000, dataDir: "/nonexistent/never-created" }), /port must be an integer/);
  });

  it("describes itself through env()", async () => {
    const emu = await startTestEmulator();
    try {
      const env = emu.env();
      assert.equal(env.AZURE_AUTHORITY_HOST, emu.url);
      assert.equal(env.NODE_EXTRA_CA_CERTS, emu.caCertPath);
      assert.equal(env.AZURE_TENANT_ID, DEFAULT_TENANT_ID);
      assert.equal(env.AZURE_CLIENT_ID, DEFAULT_CLIENT_ID);
      assert.equal(env.AZURE_CLIENT_SECRET, DEFAULT_CLIENT_SECRET);
      assert.deepEqual(env.NO_PROXY?.split(",").slice(-3), ["127.0.0.1", "localhost", "::1"]);
    } finally {
      await emu.stop();
    }
  });

  it("decodeToken refuses tokens it did not sign", async () => {
    const emu = await startTestEmulator();
    try {
      const forged = `${Buffer.from('{"alg":"RS256","kid":"x"}').toString("base64url")}.${Buffer.from("{}").toString("base64url")}.`;
      assert.throws(() => emu.decodeToken(forged), /no emulator key/);
      assert.throws(() => emu.decodeToken("nonsense"), /compact JWT/);
    } finally {
      await emu.stop();
    }
  });
});

describe("tls dir helper", () => {
  it("keeps mkdir of nested dataDirs working", async () => {
    const root = tempDir("nested");
    try {
      mkdirSync(join(root, "a"));
      const emu = await startEmulator({ dataDir: join(root, "a", "b", "c") });
      await emu.close();
      assert.ok(statSync(join(root, "a", "b", "c", "ca.pem")).isFile());
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
