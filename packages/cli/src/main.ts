// The azid command line: dispatch to one command per file, turn known failures into one clear line
// on stderr and an exit code per kind of failure (exitCodes.ts: 2 usage, 3 no credential available,
// 4 authentication failed, 1 everything else).
import { UsageError } from "./args.js";
import { doctorHelp, runDoctor } from "./commands/doctor.js";
import { emulatorHelp, runEmulator } from "./commands/emulator.js";
import { runToken, tokenHelp } from "./commands/token.js";
import { EXIT, exitCodeFor } from "./exitCodes.js";

const help = `Usage: azid <command> [options]

Commands:
  token      print an access token (like az account get-access-token), from DefaultAzureCredential
  doctor     show what DefaultAzureCredential finds on this machine, credential by credential
  emulator   run the local Microsoft Entra ID emulator and print the env vars that use it

Run 'azid <command> --help' for a command's options.`;

export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "token":
        return await runToken(rest, out);
      case "doctor":
        return await runDoctor(rest, out);
      case "emulator":
        return await runEmulator(rest, out);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        out.write(help + "\n");
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      const usage = { token: tokenHelp, doctor: doctorHelp, emulator: emulatorHelp }[command ?? ""] ?? help;
      err.write(`azid: ${error.message}\n\n${usage}\n`);
      return EXIT.usage;
    }
    const e = error as Error;
    err.write(`azid ${command}: ${e.name}: ${e.message}\n`);
    return exitCodeFor(error);
  }
}
