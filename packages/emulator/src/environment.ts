// Environment variables that point Azure SDKs (ours, @azure/identity, the az CLI's Python stack)
// at a running emulator, e.g. for a child process: `spawn(cmd, { env: { ...process.env, ...emu.env() } })`.
import type { EmulatorConfig } from "./config.js";

const LOOPBACK_NO_PROXY = ["127.0.0.1", "localhost", "::1"];

export function emulatorEnvironment(url: string, caCertPath: string, config: EmulatorConfig): Record<string, string> {
  const tenant = config.tenants[0];
  // The default app is the first confidential app of the first tenant: the one EnvironmentCredential can use.
  const app = tenant?.apps.find((candidate) => (candidate.secrets ?? []).length > 0);
  const secret = app?.secrets?.[0];
  const existingNoProxy = (process.env.NO_PROXY ?? process.env.no_proxy ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  return {
    AZURE_AUTHORITY_HOST: url,
    // Node reads this once at process start, so it helps child processes, not the current one.
    NODE_EXTRA_CA_CERTS: caCertPath,
    ...(tenant === undefined ? {} : { AZURE_TENANT_ID: tenant.id }),
    ...(app === undefined || secret === undefined ? {} : { AZURE_CLIENT_ID: app.clientId, AZURE_CLIENT_SECRET: secret }),
    // A corporate proxy must not intercept calls to the emulator.
    NO_PROXY: [...new Set([...existingNoProxy, ...LOOPBACK_NO_PROXY])].join(","),
  };
}
