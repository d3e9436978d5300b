// Where the shared MSAL token cache lives (protocols.md 7.4). Separate from the reader so that
// constructing SharedTokenCacheCredential validates the name without loading the file code.
import { CredentialUnavailableError } from "../../core/errors.js";

export const SHARED_CACHE_NAME = "msal.cache";

/** `~/.IdentityService/<name>`, or `%LOCALAPPDATA%\.IdentityService\<name>` on Windows. */
export function sharedCachePath(name: string = SHARED_CACHE_NAME): string {
  if (!/^[\w.-]{1,100}$/.test(name) || name.startsWith(".")) {
    throw new RangeError(
      `tokenCachePersistenceOptions.name must be a plain file name of letters, digits, '_', '-' and '.' (received ${JSON.stringify(name.slice(0, 100))}).`,
    );
  }
  const windows = process.platform === "win32";
  const base = windows ? process.env.LOCALAPPDATA : (process.env.HOME ?? homeDirectory());
  if (base === undefined || base === "") {
    throw new CredentialUnavailableError(`SharedTokenCacheCredential cannot locate the shared token cache: ${windows ? "LOCALAPPDATA" : "HOME"} is not set.`);
  }
  return `${base}${windows ? "\\" : "/"}.IdentityService${windows ? "\\" : "/"}${name}`;
}

function homeDirectory(): string | undefined {
  try {
    return (process.getBuiltinModule?.("node:os") as typeof import("node:os") | undefined)?.homedir();
  } catch {
    return undefined;
  }
}
