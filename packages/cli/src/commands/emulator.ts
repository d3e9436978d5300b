// `azid emulator`: run the Entra ID emulator in the foreground and print the environment that
// points azid at it (and what other clients need on top), the control API's secret, plus, per
// --host, the environment of a managed-identity host, workload identity or Azure Pipelines that
// the emulator imitates.
import { CONTROL_SECRET_VARIABLE, loadEmulatorConfig, startEmulator, type Emulator, type EmulatorOptions, type ManagedIdentityHost } from "@azid/emulator";
import { flag, parseArgs, UsageError } from "../args.js";
import { clientGuide } from "./emulatorGuide.js";

const MANAGED_IDENTITY_HOSTS: readonly ManagedIdentityHost[] = ["imds", "appService", "serviceFabric", "azureArc", "azureMl", "cloudShell"];
const HOSTS = [...MANAGED_IDENTITY_HOSTS, "workloadIdentity", "pipelines"] as const;
/** The token file is rewritten this often (tokens live an hour), as kubelet rotates projected tokens. */
const WORKLOAD_TOKEN_ROTATION_MS = 10 * 60 * 1000;
type Host = (typeof HOSTS)[number];

export const emulatorHelp = `Usage: azid emulator [--port N] [--config FILE] [--data-dir DIR] [--http] [--host HOST]... [--arc-key-dir DIR] [--json]

Runs a local Microsoft Entra ID emulator over HTTPS on 127.0.0.1 and prints the environment
variables that point azid's credentials at it (AZURE_AUTHORITY_HOST, NODE_EXTRA_CA_CERTS,
AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET), then what other clients need on top:
@azure/identity and msal-node still ask login.microsoftonline.com about an unknown authority unless
given disableInstanceDiscovery: true / knownAuthorities in code; Python needs REQUESTS_CA_BUNDLE
(or SSL_CERT_FILE) and disable_instance_discovery=True. It also prints AZID_EMULATOR_CONTROL_SECRET,
which the /_emulator/ control API requires (Authorization: Bearer <secret>, JSON bodies).
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
  --arc-key-dir DIR
                   where --host azureArc writes its challenge key files (default: a temporary
                   directory). msal-node and Python read only the agent's real directory
                   (/var/opt/azcmagent/tokens on Linux): pass that, with write access, to serve them
  --reject-replayed-assertions
                   refuse a certificate assertion whose jti was already used (stricter than
                   Entra; @azure/identity reuses assertions for up to 10 minutes)
  --json           print { url, env, controlSecret, hosts: { HOST: env } } as JSON instead of shell exports
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
    "arc-key-dir": { value: true },
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
  const arcKeyDirectory = flag(args, "arc-key-dir");
  if (arcKeyDirectory !== undefined) {
    if (!arcKeyDirectory.startsWith("/")) throw new UsageError(`--arc-key-dir must be an absolute directory path, received '${arcKeyDirectory}'`);
    options.managedIdentity = { arcTokenDirectory: arcKeyDirectory };
  }

  const emulator = await startEmulator(options);
  try {
    const env = emulator.env();
    const hostEnv: Partial<Record<Host, Record<string, string>>> = {};
    for (const host of hosts) hostEnv[host] = await hostEnvironment(emulator, host);
    if (args.flags.has("json")) {
      out.write(
        JSON.stringify({ url: emulator.url, env, controlSecret: emulator.controlSecret, ...(hosts.length > 0 ? { hosts: hostEnv } : {}) }, null, 2) + "\n",
      );
    } else {
      out.write(`# azid emulator listening on ${emulator.url}\n# Use it from another shell:\n`);
      writeExports(out, env);
      out.write(`# The control API (${emulator.url}/_emulator/...) needs: Authorization: Bearer $${CONTROL_SECRET_VARIABLE}\n`);
      writeExports(out, { [CONTROL_SECRET_VARIABLE]: emulator.controlSecret });
      for (const line of clientGuide(emulator.url, emulator.caCertPath, env.AZURE_TENANT_ID)) out.write(`# ${line}\n`);
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
