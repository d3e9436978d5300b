// Starts Azurite's blob service (the npm package, a devDependency) in OAuth mode over HTTPS on a
// free loopback port, with a server certificate issued by the emulator's CA. Used by the demo and
// the storage integration test. Telemetry is disabled: nothing may leave the machine.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * @param {{ issueServerCertificate(hosts: string[]): { certPem: string; keyPem: string } }} emulator
 * @param {{ env?: NodeJS.ProcessEnv; service?: "blob" | "queue" | "table" }} [options] which Azurite service to start (default blob)
 * @returns {Promise<{ url: string; blobEndpoint: string; endpoint: string; close(): Promise<void> }>}
 */
export async function startAzurite(emulator, options = {}) {
  const service = options.service ?? "blob";
  const require = createRequire(import.meta.url);
  let main;
  try {
    main = join(dirname(require.resolve("azurite/package.json")), `dist/src/${service}/main.js`);
  } catch {
    throw new Error("Azurite is not installed: run `npm ci` at the repository root (it is a devDependency).");
  }
  const dir = mkdtempSync(join(tmpdir(), "azid-azurite-"));
  const { certPem, keyPem } = emulator.issueServerCertificate(["127.0.0.1", "localhost"]);
  writeFileSync(join(dir, "cert.pem"), certPem);
  writeFileSync(join(dir, "key.pem"), keyPem, { mode: 0o600 });
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      main,
      `--${service}Host`,
      "127.0.0.1",
      `--${service}Port`,
      String(port),
      "--oauth",
      "basic",
      "--cert",
      join(dir, "cert.pem"),
      "--key",
      join(dir, "key.pem"),
      "--inMemoryPersistence",
      "--skipApiVersionCheck",
      "--disableTelemetry",
      "--loose",
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: options.env ?? process.env },
  );
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const fail = (reject, message) => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    reject(new Error(message));
  };
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(reject, `Azurite did not start within 20 s:\n${output}`), 20_000);
    const check = () => {
      if (/successfully (listen|started)/i.test(output)) {
        // blob and queue say "listening", table "started"
        clearTimeout(timer);
        resolve(undefined);
      }
    };
    child.stdout.on("data", check);
    child.on("exit", (code) => {
      clearTimeout(timer);
      fail(reject, `Azurite exited with code ${code}:\n${output}`);
    });
  });
  child.removeAllListeners("exit");
  const url = `https://127.0.0.1:${port}`;
  return {
    url,
    blobEndpoint: `${url}/devstoreaccount1`,
    /** the account's endpoint on whichever service was started */
    endpoint: `${url}/devstoreaccount1`,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
