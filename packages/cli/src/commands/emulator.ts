// `azid emulator`: run the Entra ID emulator in the foreground and print the environment that
// points azid (and @azure/identity) at it.
import { loadEmulatorConfig, startEmulator, type EmulatorOptions } from "@azid/emulator";
import { flag, parseArgs, UsageError } from "../args.js";

export const emulatorHelp = `Usage: azid emulator [--port N] [--config FILE] [--data-dir DIR] [--http] [--json]

Runs a local Microsoft Entra ID emulator over HTTPS on 127.0.0.1 and prints the environment
variables that point EnvironmentCredential, ClientSecretCredential (and @azure/identity) at it.
  --port N         listen on port N (default: any free port)
  --config FILE    tenants, apps and users from a JSON file (default: a demo tenant)
  --data-dir DIR   where the emulator's CA lives (default: ~/.azid/emulator)
  --http           serve plain HTTP (loopback only)
  --reject-replayed-assertions
                   refuse a certificate assertion whose jti was already used (stricter than
                   Entra; @azure/identity reuses assertions for up to 10 minutes)
  --json           print the environment as JSON instead of shell exports
Stop it with Ctrl+C.`;

export async function runEmulator(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const args = parseArgs(argv, { port: { value: true }, config: { value: true }, "data-dir": { value: true }, http: {}, json: {}, help: {}, "reject-replayed-assertions": {} });
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
  const config = flag(args, "config");
  if (config !== undefined) options.config = loadEmulatorConfig(config);
  const dataDir = flag(args, "data-dir");
  if (dataDir !== undefined) options.dataDir = dataDir;
  if (args.flags.has("http")) options.http = true;
  if (args.flags.has("reject-replayed-assertions")) options.rejectReplayedAssertions = true;

  const emulator = await startEmulator(options);
  const env = emulator.env();
  if (args.flags.has("json")) out.write(JSON.stringify({ url: emulator.url, env }, null, 2) + "\n");
  else {
    out.write(`# azid emulator listening on ${emulator.url}\n# Use it from another shell:\n`);
    for (const [name, value] of Object.entries(env)) out.write(`export ${name}=${shellQuote(value)}\n`);
    out.write("# Pass { authorityHost, disableInstanceDiscovery: true } to credentials, or use EnvironmentCredential.\n");
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await emulator.close();
  return 0;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}
