// Where the cache lives: <LOCALAPPDATA or HOME>/.IdentityService/<name>.nocae|.cae, the path MSAL
// Python's azure-identity and @azure/identity (+ identity-cache-persistence) use, so one `name`
// means one file across them. (Go's azidentity/cache differs: ~/.cache/.IdentityService/<name> on
// Linux, no ".nocae" suffix.)
import { homedir } from "node:os";
import { join } from "node:path";
import { PersistenceUnavailableError } from "./errors.js";

export const DEFAULT_CACHE_NAME = "msal.cache";

/** The .IdentityService directory for this user (or under `base` when given). */
export function identityServiceDirectory(base?: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (base !== undefined) return join(base, ".IdentityService");
  const root = platform === "win32" ? env.LOCALAPPDATA : (env.HOME ?? safeHomedir());
  if (root === undefined || root === "") {
    const variable = platform === "win32" ? "LOCALAPPDATA" : "HOME";
    throw new PersistenceUnavailableError("no-home", `The persistent token cache has no home: ${variable} is not set.`, [
      `set ${variable} to this user's ${platform === "win32" ? "local application data folder" : "home directory"}`,
    ]);
  }
  return join(root, ".IdentityService");
}

/** `<name>.nocae` or `<name>.cae`; the name is checked so it can never leave the directory. */
export function cacheFileName(name: string, cae: boolean): string {
  if (typeof name !== "string" || !/^[\w.-]{1,100}$/.test(name) || name.startsWith(".")) {
    const shown = typeof name === "string" ? JSON.stringify(name.slice(0, 100)) : typeof name;
    throw new RangeError(
      `tokenCachePersistenceOptions.name must be a plain file name of 1-100 letters, digits, '_', '-' and '.', not starting with '.' (received ${shown}).`,
    );
  }
  return `${name}.${cae ? "cae" : "nocae"}`;
}

function safeHomedir(): string | undefined {
  try {
    return homedir();
  } catch {
    return undefined;
  }
}
