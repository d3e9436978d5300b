// A real browser for end-to-end sign-in tests: Debian's chromium (installed by
// scripts/system-deps.mjs, never a downloaded build) driven by playwright-core. It trusts only the
// emulator's certificate (by public-key pin), reaches nothing but loopback, and starts from a fresh
// profile that is deleted on close.
import { X509Certificate, createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { connect } from "node:tls";
import { fileURLToPath } from "node:url";
import type { TestContext } from "node:test";
import type { BrowserContext } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** `.test-output/browser/` at the repository root, where screenshots go. */
export const SCREENSHOT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../.test-output/browser");

/**
 * True when chromium is installed. Otherwise the test fails under CI (the repo's own scripts
 * install it, so its absence there is a bug) and is skipped with the reason on a developer machine.
 */
export function requireChromium(t: TestContext): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const reason = `${CHROMIUM_PATH} is missing: run "node scripts/system-deps.mjs" as root, or apt-get install chromium`;
  if (process.env.CI) throw new Error(reason);
  t.skip(reason);
  return false;
}

/**
 * base64(SHA-256(SubjectPublicKeyInfo)) of the certificate `url` presents, read over a TLS
 * connection that itself trusts only `ca`: what --ignore-certificate-errors-spki-list expects.
 */
export function serverKeyPin(url: string, ca: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolvePin, reject) => {
    const socket = connect(
      { host: hostname, port: Number(port), ca, servername: hostname.includes(":") || /^[\d.]+$/.test(hostname) ? undefined : hostname },
      () => {
        const raw = socket.getPeerCertificate().raw;
        socket.end();
        const spki = new X509Certificate(raw).publicKey.export({ type: "spki", format: "der" });
        resolvePin(createHash("sha256").update(spki).digest("base64"));
      },
    );
    socket.on("error", reject);
  });
}

export interface ChromiumSession {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches headless chromium that accepts the emulator's server key (`pins`) and resolves no name but
 * loopback. `blockPopups`: keep Chrome's popup blocker on (playwright turns it off by default), so a
 * popup not opened from a click is blocked as for a real user.
 */
export async function launchChromium(pins: string[], options: { blockPopups?: boolean } = {}): Promise<ChromiumSession> {
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "azid-chromium-"));
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--no-proxy-server",
        // Only the emulator's key is accepted despite its private CA; no other certificate error is.
        `--ignore-certificate-errors-spki-list=${pins.join(",")}`,
        // Any name but loopback fails to resolve, so the browser cannot reach the network.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
      ],
      viewport: { width: 900, height: 720 },
      ...(options.blockPopups === true ? { ignoreDefaultArgs: ["--disable-popup-blocking"] } : {}),
    });
    return {
      context,
      close: async () => {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

export function screenshotPath(name: string): string {
  return join(SCREENSHOT_DIR, `${name}.png`);
}
