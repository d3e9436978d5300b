// The process environment around managed identity tests: every variable a host is detected by is
// removed before each test and everything restored after it, and AZURE_POD_IDENTITY_AUTHORITY_HOST
// always points at loopback, so no test can ever reach the real IMDS at 169.254.169.254.
import { afterEach, beforeEach } from "node:test";
import type { Emulator, ManagedIdentityHost } from "@azid/emulator";
import { tokenCache } from "../../../src/core/cache/tokenCache.js";

const DETECTION_VARIABLES = [
  "AZURE_FEDERATED_TOKEN_FILE",
  "AZURE_TENANT_ID",
  "AZURE_CLIENT_ID",
  "AZURE_AUTHORITY_HOST",
  "IDENTITY_ENDPOINT",
  "IDENTITY_HEADER",
  "IDENTITY_SERVER_THUMBPRINT",
  "IMDS_ENDPOINT",
  "MSI_ENDPOINT",
  "MSI_SECRET",
  "DEFAULT_IDENTITY_CLIENT_ID",
  "AZURE_POD_IDENTITY_AUTHORITY_HOST",
];

/** A loopback port where nothing listens (connection refused at once). */
export const CLOSED_LOOPBACK = "http://127.0.0.1:1";

export function useManagedIdentityEnvironment(): void {
  let saved: NodeJS.ProcessEnv = {};
  beforeEach(() => {
    saved = { ...process.env };
    for (const name of DETECTION_VARIABLES) delete process.env[name];
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = CLOSED_LOOPBACK;
    tokenCache.clear();
  });
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });
}

/** Makes the process look like it runs on `host` of the emulator (IMDS stays pointed at loopback). */
export function runOn(emu: Emulator, host: ManagedIdentityHost): Record<string, string> {
  const vars = emu.managedIdentity.env(host);
  Object.assign(process.env, vars);
  return vars;
}
