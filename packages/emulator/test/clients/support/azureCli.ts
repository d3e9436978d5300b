// The real Azure CLI in a loopback-only network namespace, for azureCli.test.ts and
// azureCliLimits.test.ts: its environment, a cloud registered at the emulator, and a Resource
// Manager stand-in. az starts slowly (a second or more of Python imports per command), so the
// tests share configuration directories rather than repeat setup commands.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Emulator } from "@azid/emulator";
import { loopbackNamespaceUnavailable, runInLoopbackNamespace, type NamespacedResult } from "./loopbackBridge.js";

export const AZ = "/usr/bin/az";
export const CLOUD = "AzidEmulator";

/** Why the real az can't run here, or undefined. */
export async function azureCliUnavailable(): Promise<string | undefined> {
  const namespace = await loopbackNamespaceUnavailable();
  if (namespace !== undefined) return namespace;
  return existsSync(AZ) ? undefined : `${AZ} is missing (install the azure-cli package: node scripts/system-deps.mjs)`;
}

/** Debian's package version, e.g. "2.45.0" (without starting az). */
export async function azureCliVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)("dpkg-query", ["-W", "-f=${Version}", "azure-cli"]);
    return stdout.replace(/-[^-]*$/, "");
  } catch {
    return undefined;
  }
}

/**
 * Resource Manager stand-in. ARM is not part of the emulator, but `az login` lists subscriptions
 * there; this tenant has none, which `--allow-no-subscriptions` turns into a tenant-level account.
 */
export async function startResourceManagerStandIn(emu: Emulator): Promise<{ url: string; close(): Promise<void> }> {
  const { certPem, keyPem } = emu.issueServerCertificate(["127.0.0.1"]);
  const server: Server = createServer({ cert: certPem, key: keyPem }, (request, response) => {
    const known = request.method === "GET" && /^\/(subscriptions|tenants)\?/.test(request.url ?? "");
    response.writeHead(known ? 200 : 404, { "content-type": "application/json" });
    response.end(JSON.stringify(known ? { value: [] } : { error: { code: "NotFound", message: `no ${request.url} here` } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export class AzureCliRunner {
  private configs = 0;
  constructor(
    private readonly emu: Emulator,
    private readonly armUrl: string,
    private readonly files: string,
  ) {}

  get ports(): number[] {
    const portOf = (url: string) => Number(new URL(url).port);
    return [portOf(this.emu.url), portOf(this.emu.managedIdentity.httpUrl), portOf(this.armUrl)];
  }

  /** A fresh, empty az configuration directory (az keeps its clouds and sign-in state there). */
  freshConfig(): string {
    const dir = join(this.files, `az-config-${++this.configs}`);
    mkdirSync(dir);
    return dir;
  }

  /** What az sees: nothing from the test's own environment but the emulator's CA. */
  env(configDir: string): NodeJS.ProcessEnv {
    return {
      PATH: "/usr/bin:/bin",
      HOME: configDir,
      LANG: "C.UTF-8",
      AZURE_CONFIG_DIR: configDir,
      AZURE_CORE_COLLECT_TELEMETRY: "no",
      AZURE_CORE_NO_COLOR: "true",
      REQUESTS_CA_BUNDLE: this.emu.caCertPath,
    };
  }

  run(configDir: string, args: string[], extraEnv: Record<string, string> = {}): Promise<NamespacedResult> {
    return runInLoopbackNamespace(AZ, args, { ports: this.ports, env: { ...this.env(configDir), ...extraEnv }, timeoutMs: 90_000 });
  }

  /** `az cloud register` a cloud whose Entra endpoint is the emulator, then make it the active one. */
  async registerCloud(configDir: string): Promise<void> {
    const register = await this.run(configDir, [
      "cloud",
      "register",
      "--name",
      CLOUD,
      "--endpoint-active-directory",
      this.emu.url,
      "--endpoint-active-directory-resource-id",
      "https://management.core.windows.net/",
      "--endpoint-resource-manager",
      `${this.armUrl}/`,
      "--endpoint-active-directory-graph-resource-id",
      "https://graph.windows.net/",
      "--suffix-storage-endpoint",
      "core.windows.net",
    ]);
    assert.equal(register.code, 0, register.stderr);
    const set = await this.run(configDir, ["cloud", "set", "--name", CLOUD]);
    assert.equal(set.code, 0, set.stderr);
  }
}
