// A small, strict argument parser: known flags only, values validated by the caller, and an error
// that names the bad flag instead of a stack trace.

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface FlagSpec {
  /** Takes a value (`--port 8443` or `--port=8443`). */
  value?: boolean;
  /** May be given several times (values collected). */
  repeat?: boolean;
}

export interface ParsedArgs {
  flags: Map<string, string[]>;
  positionals: string[];
}

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const flag = spec[name];
    if (flag === undefined) throw new UsageError(`unknown option --${name}`);
    let value = "true";
    if (flag.value) {
      value = inline ?? argv[++i] ?? "";
      if (value === "" || (inline === undefined && value.startsWith("--"))) throw new UsageError(`--${name} needs a value`);
    } else if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
    const list = flags.get(name) ?? [];
    if (list.length > 0 && !flag.repeat) throw new UsageError(`--${name} given more than once`);
    list.push(value);
    flags.set(name, list);
  }
  return { flags, positionals };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  return args.flags.get(name)?.[0];
}
