// Every file azid reads is opened without blocking and checked on the descriptor: a FIFO (or a
// device) where a certificate, a federated token file, the shared MSAL cache or a VS Code record
// should be gives a typed error at once instead of hanging open(2) until a writer appears.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CredentialUnavailableError } from "../../src/core/errors.js";
import { FileReadError, readRegularFileSync } from "../../src/core/regularFile.js";
import { CertificateLoadError, loadCertificate } from "../../src/core/certificates/certificate.js";
import { readFederatedTokenFile } from "../../src/sources/federation/tokenFile.js";
import { readSharedCache } from "../../src/sources/msalCache/msalCacheFile.js";
import { readVSCodeSignIn } from "../../src/sources/visualStudioCode/signInRecord.js";

let dir = "";
let fifo = "";

before(() => {
  dir = mkdtempSync(join(tmpdir(), "azid-fifo-"));
  fifo = join(dir, "fifo");
  execFileSync("mkfifo", [fifo]); // coreutils; nothing ever writes to it
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("reading files azid is pointed at", () => {
  it("a FIFO, a device and a directory are refused with ENOTREG; an oversized file with EFBIG; a small file is read", () => {
    for (const path of [() => fifo, () => "/dev/zero", () => dir]) {
      assert.throws(
        () => readRegularFileSync(path(), 1024),
        (e: unknown) => e instanceof FileReadError && e.code === "ENOTREG",
      );
    }
    const big = join(dir, "big");
    writeFileSync(big, Buffer.alloc(2048));
    assert.throws(
      () => readRegularFileSync(big, 1024),
      (e: unknown) => e instanceof FileReadError && e.code === "EFBIG",
    );
    writeFileSync(big, "hello");
    assert.equal(readRegularFileSync(big, 1024).toString(), "hello");
  });

  it("a certificate path that is a FIFO: CertificateLoadError at construction, no hang", () => {
    assert.throws(
      () => loadCertificate({ path: fifo }),
      (e: unknown) => e instanceof CertificateLoadError && /not a regular file/.test((e as Error).message),
    );
  });

  it("a federated token file that is a FIFO: CredentialUnavailableError", () => {
    assert.throws(
      () => readFederatedTokenFile(fifo, "WorkloadIdentityCredential"),
      (e: unknown) => e instanceof CredentialUnavailableError && /FIFO/.test((e as Error).message),
    );
  });

  it("a shared MSAL cache that is a FIFO: CredentialUnavailableError, no hang", async () => {
    await assert.rejects(readSharedCache(fifo), (e: unknown) => e instanceof CredentialUnavailableError && /not a regular file/.test((e as Error).message));
  });

  it("a VS Code record that is a FIFO is skipped like a missing one", () => {
    const home = join(dir, "home");
    const saved = process.env.HOME;
    try {
      process.env.HOME = home;
      const recordDir = join(home, ".azure", "ms-azuretools.vscode-azureresourcegroups");
      mkdirSync(recordDir, { recursive: true });
      execFileSync("mkfifo", [join(recordDir, "authRecord.json")]);
      assert.equal(readVSCodeSignIn(), undefined);
    } finally {
      process.env.HOME = saved;
    }
  });
});
