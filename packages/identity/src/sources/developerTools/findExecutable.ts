// Finds a developer tool on PATH ourselves instead of letting a shell or execvp do it:
//  - only absolute PATH entries are searched (an empty or relative entry would mean "the current
//    directory", where a cloned repository could plant an `az`);
//  - on Windows, `.exe`/`.com` are run directly. Azure CLI is a batch launcher (`az.cmd`), and
//    Node refuses to spawn batch files without a shell (CVE-2024-27980, EINVAL), while running it
//    through cmd.exe would let cmd reinterpret `&`, `|`, `%`, `^` in arguments. So we read the
//    launcher, recognise the MSI layout (`"%~dp0\..\python.exe" -IBm azure.cli %*`) and run that
//    Python directly with the same arguments: still no shell. Any other batch file is refused
//    with an explanation rather than run through cmd.exe.
import { CredentialUnavailableError } from "../../core/errors.js";

export interface ResolvedExecutable {
  /** Absolute path of the program to spawn. */
  file: string;
  /** Arguments that go before the tool's own (the Python flags for az.cmd). */
  prefixArgs: string[];
  /** Variables the launcher would have set (az.cmd sets AZ_INSTALLER). */
  env: Record<string, string>;
}

/** The file-system and platform facts the search needs (injectable, so the Windows logic is testable anywhere). */
export interface ExecutableSearch {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** A regular file we may execute (POSIX: mode has x for us). */
  isExecutableFile(path: string): boolean;
  /** A small text file's content, or undefined. */
  readText(path: string): string | undefined;
  join(...parts: string[]): string;
  dirname(path: string): string;
  isAbsolute(path: string): boolean;
}

/** `PATH` (Windows spells it `Path`; names are case-insensitive there). */
function pathEntries(search: ExecutableSearch): string[] {
  let value = search.env.PATH;
  if (search.platform === "win32") {
    const key = Object.keys(search.env).find((k) => k.toUpperCase() === "PATH");
    value = key === undefined ? undefined : search.env[key];
  }
  const separator = search.platform === "win32" ? ";" : ":";
  return (value ?? "")
    .split(separator)
    .map((entry) => entry.trim().replace(/^"(.*)"$/, "$1"))
    .filter((entry) => entry.length > 0 && search.isAbsolute(entry));
}

/** The first of `names` found on PATH, resolved to something spawnable without a shell; undefined if none. */
export function findExecutable(names: readonly string[], search: ExecutableSearch): ResolvedExecutable | undefined {
  const dirs = pathEntries(search);
  for (const name of names) {
    for (const dir of dirs) {
      if (search.platform !== "win32") {
        const file = search.join(dir, name);
        if (search.isExecutableFile(file)) return { file, prefixArgs: [], env: {} };
        continue;
      }
      for (const extension of [".exe", ".com"]) {
        const file = search.join(dir, name + extension);
        if (search.isExecutableFile(file)) return { file, prefixArgs: [], env: {} };
      }
      for (const extension of [".cmd", ".bat"]) {
        const file = search.join(dir, name + extension);
        if (search.isExecutableFile(file)) return resolveBatchLauncher(file, search);
      }
    }
  }
  return undefined;
}

// `"%~dp0\..\python.exe" -IBm azure.cli %*` (the Azure CLI MSI's wbin\az.cmd).
const PYTHON_LAUNCH = /"%~dp0\\?((?:[^"%\r\n\\]+\\)*python\.exe)"\s+(-[A-Za-z]*m)\s+azure\.cli\s+%\*/i;
const SET_INSTALLER = /^\s*@?set\s+(AZ_INSTALLER)=([A-Za-z0-9_]+)\s*$/im;

function resolveBatchLauncher(file: string, search: ExecutableSearch): ResolvedExecutable {
  const text = search.readText(file) ?? "";
  const match = PYTHON_LAUNCH.exec(text);
  if (match !== null) {
    const python = search.join(search.dirname(file), match[1]!);
    if (search.isExecutableFile(python)) {
      const installer = SET_INSTALLER.exec(text);
      return { file: python, prefixArgs: [match[2]!, "azure.cli"], env: installer ? { [installer[1]!]: installer[2]! } : {} };
    }
  }
  throw new CredentialUnavailableError(
    `Found ${file}, a batch file azid does not recognise as the Azure CLI launcher. azid never runs developer tools through cmd.exe ` +
      "(it would reinterpret characters such as & | % ^ in arguments). Install the Azure CLI with its MSI installer (https://aka.ms/azure-cli), " +
      "or put a directory with an .exe first on PATH.",
  );
}
