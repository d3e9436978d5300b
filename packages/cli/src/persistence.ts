// `azid token --persist`: the token cache outlives the process, so the next `azid token` answers from
// it without a request (and a user signs in once, not on every run). Opt-in, because it writes tokens
// to disk: encrypted with a key in the OS keyring (@azid/cache-persistence), or, with
// --allow-unencrypted-storage where no keyring runs (SSH, containers, CI), a plaintext 0600 file.
// Cache: ~/.IdentityService/azid-cli.nocae. A user's sign-in also leaves its AuthenticationRecord (which
// account, never a secret) next to it, so the next run knows whom to sign in silently.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import {
  DefaultAzureCredential,
  DeviceCodeCredential,
  EnvironmentCredential,
  InteractiveBrowserCredential,
  WorkloadIdentityCredential,
  deserializeAuthenticationRecord,
  serializeAuthenticationRecord,
  useIdentityPlugin,
  type AuthenticationRecord,
  type GetTokenOptions,
  type TokenCredential,
} from "@azid/identity";
import { UsageError } from "./args.js";
import { authorityOptions } from "./credentialOptions.js";

export const CLI_CACHE_NAME = "azid-cli";
/** The credentials whose tokens @azure/identity and azure-identity can persist; the developer tools keep their own caches. */
export const PERSISTENT_CREDENTIALS = ["default", "env", "wi", "browser", "devicecode"];

export interface PersistentCredential {
  credential: TokenCredential;
  /** For user sign-ins: signs in (once, then remembered) before the first token. */
  prepare?: (scopes: string[], options: GetTokenOptions) => Promise<void>;
}

export async function persistentCredential(name: string, allowUnencryptedStorage: boolean): Promise<PersistentCredential> {
  if (!PERSISTENT_CREDENTIALS.includes(name)) {
    throw new UsageError(
      `--persist applies to --credential ${PERSISTENT_CREDENTIALS.join(", ")}; '${name}' keeps tokens in its own tool or host (received --credential ${name})`,
    );
  }
  useIdentityPlugin(await loadPlugin());
  const options = {
    ...authorityOptions(),
    tokenCachePersistenceOptions: { enabled: true, name: CLI_CACHE_NAME, unsafeAllowUnencryptedStorage: allowUnencryptedStorage },
  };
  switch (name) {
    case "default":
      return { credential: new DefaultAzureCredential(options) };
    case "env":
      return { credential: new EnvironmentCredential(options) };
    case "wi":
      return { credential: new WorkloadIdentityCredential(options) };
    default:
      return userCredential(name, options);
  }
}

/** @azid/cache-persistence is an optional peer: only --persist needs it (and its keyring binding on macOS/Windows). */
async function loadPlugin(): Promise<(context: unknown) => void> {
  try {
    return (await import("@azid/cache-persistence")).cachePersistencePlugin;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new UsageError("--persist needs the @azid/cache-persistence package next to azid: npm install @azid/cache-persistence");
  }
}

function userCredential(name: string, options: object): PersistentCredential {
  const recordPath = join(
    process.platform === "win32" ? (process.env.LOCALAPPDATA ?? homedir()) : homedir(),
    ".IdentityService",
    `${CLI_CACHE_NAME}.${name}.record.json`,
  );
  const record = readRecord(recordPath);
  const userOptions = { ...options, ...(record !== undefined ? { authenticationRecord: record } : {}) };
  const credential =
    name === "browser"
      ? new InteractiveBrowserCredential(userOptions)
      : new DeviceCodeCredential({ ...userOptions, userPromptCallback: (info) => void process.stderr.write(`${info.message}\n`) });
  if (record !== undefined) return { credential };
  return {
    credential,
    prepare: async (scopes, getTokenOptions) => {
      const signedIn = await credential.authenticate(scopes, getTokenOptions);
      if (signedIn === undefined) return;
      mkdirSync(join(recordPath, ".."), { recursive: true, mode: 0o700 });
      writeFileSync(recordPath, serializeAuthenticationRecord(signedIn), { mode: 0o600 });
    },
  };
}

function readRecord(path: string): AuthenticationRecord | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    return deserializeAuthenticationRecord(text);
  } catch {
    process.stderr.write(`azid: ignoring ${path}: not an AuthenticationRecord; signing in again.\n`);
    return undefined;
  }
}
