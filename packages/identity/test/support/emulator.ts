// Shared test setup: one emulator per test file over real HTTPS, a temp CA directory, and the
// options that point a credential at it. Nothing here fakes a protocol.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { startEmulator, type Emulator, type EmulatorOptions, type RecordedRequest } from "@azid/emulator";
import { tokenCache } from "../../src/core/cache/tokenCache.js";

export interface EmulatorFixture {
  /** Registers a confidential app (secret) in the emulator's first tenant and returns its ids. */
  addApp(app?: {
    secrets?: string[];
    certificates?: string[];
    roles?: string[];
    federatedCredentials?: Array<{ issuer: string; subject: string; audiences: string[] }>;
  }): { clientId: string; secret: string };
  emu: Emulator;
  /** Options that point any azid credential at the emulator. */
  options: { authorityHost: string; disableInstanceDiscovery: true; tlsOptions: { ca: string }; retryOptions: { retryDelayInMs: number } };
  tenantId: string;
  tokenRequests(): RecordedRequest[];
  /** The environment for a child process (NODE_EXTRA_CA_CERTS, AZURE_*) that authenticates as `app`. */
  childEnv(app: { clientId: string; secret: string }): NodeJS.ProcessEnv;
}

/** Starts an emulator before the file's tests and stops it after; clears the token cache. `extra`: more emulator options. */
export function useEmulator(extra: Pick<EmulatorOptions, "entraHostNames"> = {}): EmulatorFixture {
  const fixture = {} as EmulatorFixture;
  let dataDir = "";
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "azid-test-"));
    // Stricter than Entra on purpose: azid must never present the same certificate assertion twice.
    // recordSecrets: these tests assert the exact secrets and assertions each credential sent.
    const emu = await startEmulator({ dataDir, rejectReplayedAssertions: true, recordSecrets: true, ...extra });
    fixture.emu = emu;
    fixture.tenantId = emu.config.tenants[0]!.id;
    fixture.options = { authorityHost: emu.url, disableInstanceDiscovery: true, tlsOptions: { ca: emu.caCertPem }, retryOptions: { retryDelayInMs: 20 } };
    fixture.tokenRequests = () => emu.requests.filter((r) => r.route === "token");
    fixture.childEnv = (app) => ({
      ...process.env,
      NODE_EXTRA_CA_CERTS: emu.caCertPath,
      AZURE_AUTHORITY_HOST: emu.url,
      AZURE_TENANT_ID: fixture.tenantId,
      AZURE_CLIENT_ID: app.clientId,
      AZURE_CLIENT_SECRET: app.secret,
    });
    fixture.addApp = (app = {}) => {
      const clientId = randomUUID();
      const secret = `sec~${randomUUID()}+/=`;
      emu.config.tenants[0]!.apps.push({
        clientId,
        secrets: app.secrets ?? [secret],
        certificates: app.certificates ?? [],
        roles: app.roles ?? ["Data.Read"],
        federatedCredentials: app.federatedCredentials ?? [],
      });
      return { clientId, secret };
    };
    tokenCache.clear();
  });
  after(async () => {
    await fixture.emu?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return fixture;
}

export function decodeJwt(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = jwt.split(".");
  return { header: JSON.parse(Buffer.from(header!, "base64url").toString()), payload: JSON.parse(Buffer.from(payload!, "base64url").toString()) };
}

/** Captures every azid log line at verbose level while `fn` runs. */
export async function captureLogs<T>(fn: () => Promise<T>): Promise<{ lines: string[]; result: T | undefined; error: unknown }> {
  const { AzureLogger, setLogLevel, getLogLevel } = await import("../../src/core/logger.js");
  const previousLog = AzureLogger.log;
  const previousLevel = getLogLevel();
  const lines: string[] = [];
  AzureLogger.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  setLogLevel("verbose");
  try {
    return { lines, result: await fn(), error: undefined };
  } catch (error) {
    return { lines, result: undefined, error };
  } finally {
    AzureLogger.log = previousLog;
    setLogLevel(previousLevel);
  }
}
