// Keeps the emulator's CA in dataDir so users trust it once (NODE_EXTRA_CA_CERTS, OS store) and
// every later start reuses it. Several processes may start at once on a fresh dataDir (parallel
// test files), so creation is guarded by a lock directory: exactly one writes, the others wait.
import { createPrivateKey } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { certificateAuthorityFromPem, createCertificateAuthority, type CertificateAuthority } from "./certificates.js";

export interface StoredCertificateAuthority extends CertificateAuthority {
  certPath: string;
}

const LOCK_WAIT_MS = 15_000;
const STALE_LOCK_MS = 30_000;

export async function loadOrCreateCertificateAuthority(dataDir: string): Promise<StoredCertificateAuthority> {
  const certPath = join(dataDir, "ca.pem");
  const keyPath = join(dataDir, "ca-key.pem");
  ensureWritableDirectory(dataDir);

  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    if (existsSync(certPath) && existsSync(keyPath)) return readStored(certPath, keyPath);
    const lockPath = join(dataDir, ".ca.lock");
    if (tryLock(lockPath)) {
      try {
        // Another process may have finished between our check and taking the lock.
        if (existsSync(certPath) && existsSync(keyPath)) return readStored(certPath, keyPath);
        const created = await createCertificateAuthority();
        writeAtomically(keyPath, created.keyPem, 0o600);
        writeAtomically(certPath, created.certPem, 0o644);
        return { ...created, certPath };
      } finally {
        rmSync(lockPath, { recursive: true, force: true });
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for another emulator process to create its CA in ${dataDir} (lock ${lockPath}). Remove the lock directory if no emulator is starting.`);
    }
    await sleep(50);
  }
}

function ensureWritableDirectory(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // Probe: mkdir succeeds on an existing read-only directory, the first real write would not.
    const probe = join(dataDir, `.write-probe-${process.pid}`);
    writeFileSync(probe, "");
    rmSync(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(
      `The emulator cannot write its CA to dataDir "${dataDir}" (${code}). Pass a writable directory as the dataDir option.`,
    );
  }
}

function tryLock(lockPath: string): boolean {
  try {
    mkdirSync(lockPath); // atomic: fails with EEXIST when someone else holds it
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    // A crashed process can leave its lock behind; a CA takes well under a second to create.
    try {
      if (Date.now() - statSync(lockPath).mtimeMs > STALE_LOCK_MS) rmSync(lockPath, { recursive: true, force: true });
    } catch {
      // the holder removed it meanwhile; the next round retries
    }
    return false;
  }
}

function writeAtomically(path: string, content: string, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  chmodSync(temporary, mode); // the umask may have narrowed or widened what writeFileSync applied
  renameSync(temporary, path);
}

function readStored(certPath: string, keyPath: string): StoredCertificateAuthority {
  try {
    const certPem = readFileSync(certPath, "utf8");
    const privateKey = createPrivateKey(readFileSync(keyPath, "utf8"));
    return { ...certificateAuthorityFromPem(certPem, privateKey), certPath };
  } catch (error) {
    throw new Error(
      `The emulator CA in ${certPath} / ${keyPath} is unusable: ${(error as Error).message}. Delete both files to create a new CA (and trust the new one).`,
    );
  }
}
