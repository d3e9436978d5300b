// The emulator's persistent state in dataDir: its CA (ca.pem, ca-key.pem), trusted once by users
// (NODE_EXTRA_CA_CERTS, OS store), and its token-signing key (signing-key.pem), so tokens and the
// published `kid` stay valid across restarts like a real tenant's keys. Several processes may start
// at once on a fresh dataDir (parallel test files), so creation is guarded by a lock directory:
// exactly one process writes, the others wait and read what it wrote.
import { createPrivateKey, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { certificateAuthorityFromPem, createCertificateAuthority, generateRsaKeyPair, type CertificateAuthority } from "./tls/certificates.js";

export interface DataDirContents {
  ca: CertificateAuthority & { certPath: string };
  signingPrivateKey: KeyObject;
}

const LOCK_WAIT_MS = 20_000;
const STALE_LOCK_MS = 30_000;

export async function openDataDir(dataDir: string): Promise<DataDirContents> {
  const files = { caCert: join(dataDir, "ca.pem"), caKey: join(dataDir, "ca-key.pem"), signingKey: join(dataDir, "signing-key.pem") };
  const complete = () => Object.values(files).every((path) => existsSync(path));
  ensureWritableDirectory(dataDir);

  const lockPath = join(dataDir, ".lock");
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (!complete()) {
    if (tryLock(lockPath)) {
      try {
        // Re-check under the lock: another process may have finished in between.
        if (!existsSync(files.caCert) || !existsSync(files.caKey)) {
          const created = await createCertificateAuthority();
          writeAtomically(files.caKey, created.keyPem, 0o600);
          writeAtomically(files.caCert, created.certPem, 0o644);
        }
        if (!existsSync(files.signingKey)) {
          const { privateKey } = await generateRsaKeyPair();
          writeAtomically(files.signingKey, privateKey.export({ type: "pkcs8", format: "pem" }).toString(), 0o600);
        }
      } finally {
        rmSync(lockPath, { recursive: true, force: true });
      }
    } else if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for another emulator process to initialise ${dataDir} (lock ${lockPath}). Remove the lock directory if no emulator is starting.`,
      );
    } else {
      await sleep(50);
    }
  }
  return { ca: readCertificateAuthority(files.caCert, files.caKey), signingPrivateKey: readPrivateKey(files.signingKey) };
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
    throw new Error(`The emulator cannot write its CA to dataDir "${dataDir}" (${code}). Pass a writable directory as the dataDir option.`);
  }
}

function tryLock(lockPath: string): boolean {
  try {
    mkdirSync(lockPath); // atomic: fails with EEXIST when someone else holds it
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    // A crashed process can leave its lock behind; initialising takes a few seconds at most.
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
  chmodSync(temporary, mode); // the umask may have changed what writeFileSync applied
  renameSync(temporary, path);
}

function readCertificateAuthority(certPath: string, keyPath: string): DataDirContents["ca"] {
  try {
    const certPem = readFileSync(certPath, "utf8");
    return { ...certificateAuthorityFromPem(certPem, createPrivateKey(readFileSync(keyPath, "utf8"))), certPath };
  } catch (error) {
    throw new Error(
      `The emulator CA in ${certPath} / ${keyPath} is unusable: ${(error as Error).message}. Delete both files to create a new CA (and trust the new one).`,
    );
  }
}

function readPrivateKey(path: string): KeyObject {
  try {
    const key = createPrivateKey(readFileSync(path, "utf8"));
    if (key.asymmetricKeyType !== "rsa") throw new Error(`expected an RSA key, found ${key.asymmetricKeyType}`);
    return key;
  } catch (error) {
    throw new Error(`The emulator signing key ${path} is unusable: ${(error as Error).message}. Delete it to create a new one.`);
  }
}
