// The azid command line: dispatch to one command per file, turn known failures into one clear line
// on stderr and a non-zero exit code (2 for usage mistakes, 1 for everything else).
import { UsageError } from "./args.js";
import { emulatorHelp, runEmulator } from "./commands/emulator.js";
import { runToken, tokenHelp } from "./commands/token.js";

const help = `Usage: azid <command> [options]

Commands:
  token      print an access token (like az account get-access-token)
  emulator   run the local Microsoft Entra ID emulator and print the env vars that use it

Run 'azid <command> --help' for a command's options.`;

export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "token":
        return await runToken(rest, out);
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
      err.write(`azid: ${error.message}\n\n${command === "token" ? tokenHelp : command === "emulator" ? emulatorHelp : help}\n`);
      return 2;
    }
    const e = error as Error;
    err.write(`azid ${command}: ${e.name}: ${e.message}\n`);
    return 1;
  }
}
