// `azid emulator`: run the Entra ID emulator in the foreground and print the environment that
// points azid (and @azure/identity) at it, plus, per --host, the environment of a managed-identity
// host, workload identity or Azure Pipelines that the emulator imitates.
import { loadEmulatorConfig, startEmulator, type Emulator, type EmulatorOptions, type ManagedIdentityHost } from "@azid/emulator";
import { flag, parseArgs, UsageError } from "../args.js";

const MANAGED_IDENTITY_HOSTS: readonly ManagedIdentityHost[] = ["imds", "appService", "serviceFabric", "azureArc", "azureMl", "cloudShell"];
const HOSTS = [...MANAGED_IDENTITY_HOSTS, "workloadIdentity", "pipelines"] as const;
/** The token file is rewritten this often (tokens live an hour), as kubelet rotates projected tokens. */
const WORKLOAD_TOKEN_ROTATION_MS = 10 * 60 * 1000;
type Host = (typeof HOSTS)[number];

export const emulatorHelp = `Usage: azid emulator [--port N] [--config FILE] [--data-dir DIR] [--http] [--host HOST]... [--json]

Runs a local Microsoft Entra ID emulator over HTTPS on 127.0.0.1 and prints the environment
variables that point EnvironmentCredential, ClientSecretCredential (and @azure/identity) at it.
  --port N         listen on port N (default: any free port)
  --config FILE    tenants, apps, users and managed identities from a JSON file (default: a demo tenant)
  --data-dir DIR   where the emulator's CA lives (default: ~/.azid/emulator)
  --http           serve plain HTTP (loopback only)
  --host HOST      also print the environment that makes a client see HOST; repeatable. HOST is one of
                     imds, appService, serviceFabric, azureArc, azureMl, cloudShell  (managed identity)
                     workloadIdentity  (writes a service account token file, rewritten every 10 minutes)
                     pipelines         (Azure Pipelines OIDC: SYSTEM_OIDCREQUESTURI, SYSTEM_ACCESSTOKEN, ...)
                   Managed-identity hosts listen on their own plain-HTTP port (Service Fabric: HTTPS
                   with a self-signed certificate, pinned by IDENTITY_SERVER_THUMBPRINT).
  --reject-replayed-assertions
                   refuse a certificate assertion whose jti was already used (stricter than
                   Entra; @azure/identity reuses assertions for up to 10 minutes)
  --json           print { url, env, hosts: { HOST: env } } as JSON instead of shell exports
Stop it with Ctrl+C.`;

export async function runEmulator(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const args = parseArgs(argv, {
    port: { value: true },
    config: { value: true },
    "data-dir": { value: true },
    host: { value: true, repeat: true },
    http: {},
    json: {},
    help: {},
    "reject-replayed-assertions": {},
  });
  if (args.flags.has("help")) {
    out.write(emulatorHelp + "\n");
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
  const options: EmulatorOptions = {};
  const port = flag(args, "port");
  if (port !== undefined) {
    if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw new UsageError(`--port must be a number from 0 to 65535, received '${port}'`);
    options.port = Number(port);
  }
  const hosts = [...new Set(args.flags.get("host") ?? [])].map(parseHost);
  const config = flag(args, "config");
  if (config !== undefined) options.config = loadEmulatorConfig(config);
  const dataDir = flag(args, "data-dir");
  if (dataDir !== undefined) options.dataDir = dataDir;
  if (args.flags.has("http")) options.http = true;
  if (args.flags.has("reject-replayed-assertions")) options.rejectReplayedAssertions = true;

  const emulator = await startEmulator(options);
  try {
    const env = emulator.env();
    const hostEnv: Partial<Record<Host, Record<string, string>>> = {};
    for (const host of hosts) hostEnv[host] = await hostEnvironment(emulator, host);
    if (args.flags.has("json")) out.write(JSON.stringify({ url: emulator.url, env, ...(hosts.length > 0 ? { hosts: hostEnv } : {}) }, null, 2) + "\n");
    else {
      out.write(`# azid emulator listening on ${emulator.url}\n# Use it from another shell:\n`);
      writeExports(out, env);
      out.write("# Pass { authorityHost, disableInstanceDiscovery: true } to credentials, or use EnvironmentCredential.\n");
      for (const host of hosts) {
        out.write(`# --host ${host}${hosts.length > 1 ? " (a later host's variables replace an earlier one's)" : ""}:\n`);
        writeExports(out, hostEnv[host]!);
      }
    }
    const rotation = hosts.includes("workloadIdentity")
      ? setInterval(() => void emulator.writeWorkloadIdentityToken().catch(() => undefined), WORKLOAD_TOKEN_ROTATION_MS)
      : undefined;
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    clearInterval(rotation);
  } finally {
    await emulator.close();
  }
  return 0;
}

function parseHost(value: string): Host {
  const host = HOSTS.find((candidate) => candidate === value);
  if (host === undefined) throw new UsageError(`--host must be one of ${HOSTS.join(", ")}, received '${value}'`);
  return host;
}

async function hostEnvironment(emulator: Emulator, host: Host): Promise<Record<string, string>> {
  if (host === "workloadIdentity") return emulator.writeWorkloadIdentityToken();
  if (host === "pipelines") return emulator.pipelines.env();
  return emulator.managedIdentity.env(host);
}

function writeExports(out: NodeJS.WritableStream, env: Record<string, string>): void {
  for (const [name, value] of Object.entries(env)) out.write(`export ${name}=${shellQuote(value)}\n`);
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}
