// Azure Arc-enabled servers (the HIMDS agent, API 2020-06-01), a challenge in two requests:
//   1. GET {IDENTITY_ENDPOINT}?api-version=2020-06-01&resource=R   Metadata: true
//      -> 401  WWW-Authenticate: Basic realm=<path of a key file the agent just wrote>
//   2. the same request plus  Authorization: Basic <file contents, verbatim>
// The server names a file that the client reads and sends back to it. Whoever answers on the agent's
// port could name any file (an SSH key, /etc/shadow when running as root) and receive its contents, so
// the path is checked before anything is read: it must resolve (after `..`) to a direct child of the
// agent's token directory (/var/opt/azcmagent/tokens, or %ProgramData%\AzureConnectedMachineAgent\Tokens),
// end in `.key`, and be a regular file (not a symbolic link) of at most 4096 bytes. The file is opened
// with O_NOFOLLOW and checked again on the open descriptor, so it cannot be swapped in between.
// System-assigned only (the selector matrix in protocols.md §3.9).
import { AuthenticationError } from "../../core/errors.js";
import { nodeFs } from "../../core/nodeBuiltins.js";
import { nonBlockingReadFlags } from "../../core/regularFile.js";
import { describeRequest, displayEndpoint, hostTokenUrl, httpOriginOf, type HostTokenRequest, type ManagedIdentityHost } from "./host.js";
import { requestHostToken, sendHostRequest, tokenFromResponse, type HostCall } from "./hostRequest.js";

const API_VERSION = "2020-06-01";
const MAX_KEY_BYTES = 4096;
/** Where msal-node looks for the agent when the environment does not name it. */
export const ARC_DEFAULT_ENDPOINT = "http://127.0.0.1:40342/metadata/identity/oauth2/token";
export const HIMDS_EXECUTABLES: Partial<Record<NodeJS.Platform, readonly string[]>> = {
  linux: ["/opt/azcmagent/bin/himds", "/var/opt/azcmagent/bin/himds"],
  win32: [`${process.env.ProgramFiles ?? "C:\\Program Files"}\\AzureConnectedMachineAgent\\himds.exe`],
};

/**
 * The directory the agent writes its challenge key files in: fixed per platform. Deliberately not an
 * environment variable: a variable that relaxes this check would be a way to make a process send any
 * file to whoever answers on the agent's port. Code may name another directory (an agent installed
 * elsewhere, an emulator) with ManagedIdentityCredential's azureArcTokenDirectory option.
 */
export function agentTokenDirectory(platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === "linux") return "/var/opt/azcmagent/tokens";
  if (platform === "win32") return `${process.env.ProgramData ?? "C:\\ProgramData"}\\AzureConnectedMachineAgent\\Tokens`;
  return undefined;
}

/** `tokenDirectory`: where a challenge's key file must be (default: the agent's, agentTokenDirectory()). */
export function azureArcHost(endpoint: URL, tokenDirectory: string | undefined = agentTokenDirectory()): ManagedIdentityHost {
  const host: ManagedIdentityHost = {
    kind: "azureArc",
    displayName: "Azure Arc",
    endpoint: displayEndpoint(endpoint),
    supportedSelectors: [],
    secrets: [],
    transport: httpOriginOf(endpoint),
    async fetchToken(request: HostTokenRequest) {
      const url = hostTokenUrl(endpoint, API_VERSION, request);
      const challenge: HostCall = { host, request, method: "GET", url, headers: { metadata: "true" } };
      const sentAt = Date.now();
      const { response, attempts } = await sendHostRequest(challenge);
      if (response.status !== 401) return tokenFromResponse(challenge, response, attempts, sentAt);

      const context = `ManagedIdentityCredential: ${describeRequest(host, request)}`;
      const realm = parseArcChallenge(response.headers["www-authenticate"]);
      if (realm === undefined) {
        throw new AuthenticationError(401, {
          error: "invalid_challenge",
          errorDescription: `${context}: the agent answered 401 without a usable 'WWW-Authenticate: Basic realm=<key file>' challenge. Is IDENTITY_ENDPOINT the Azure Connected Machine agent (himds)?`,
        });
      }
      const key = await readChallengeKey(realm, context, tokenDirectory);
      // The key is a secret from here on: redact it from anything the answer makes us say.
      const answered: HostCall = { ...challenge, host: { ...host, secrets: [key] }, headers: { metadata: "true", authorization: `Basic ${key}` } };
      return requestHostToken(answered);
    },
  };
  return host;
}

const CHALLENGE_PREFIX = /^Basic\s+realm\s*=\s*/i;
const MAX_CHALLENGE_LENGTH = 4096;

/**
 * The key file named by the agent's `WWW-Authenticate: Basic realm=<path>` (the path optionally in
 * quotes), or undefined. Linear in the header's length: a backtracking pattern here let a hostile
 * listener spend about a second of CPU per answer with 16 KB of blanks.
 */
export function parseArcChallenge(header: string | undefined): string | undefined {
  if (header === undefined || header.length > MAX_CHALLENGE_LENGTH) return undefined;
  const text = header.trim();
  const prefix = CHALLENGE_PREFIX.exec(text);
  if (prefix === null) return undefined;
  let realm = text.slice(prefix[0].length);
  if (realm.startsWith('"')) realm = realm.slice(1);
  if (realm.endsWith('"')) realm = realm.slice(0, -1);
  realm = realm.trim();
  return realm === "" || realm.includes('"') ? undefined : realm;
}

/** Reads the key file a challenge names, after checking it is one the agent wrote (see the top of this file). */
export async function readChallengeKey(realm: string, context: string, directory: string | undefined): Promise<string> {
  const fs = nodeFs();
  const path = await import("node:path");
  const platformPath = process.platform === "win32" ? path.win32 : path.posix;
  const shown = JSON.stringify(realm.slice(0, 300));
  const refuse = (why: string) =>
    new AuthenticationError(401, {
      error: "invalid_challenge",
      errorDescription: `${context}: refused the challenge's key file ${shown}: ${why}. Only a file the Azure Connected Machine agent wrote is sent back; is something else listening on the agent's port?`,
    });
  if (directory === undefined) throw refuse(`Azure Arc is supported on Linux and Windows, not ${process.platform}`);
  if (!platformPath.isAbsolute(realm)) throw refuse("not an absolute path");
  const resolved = platformPath.resolve(realm);
  const parent = platformPath.dirname(resolved);
  const expected = platformPath.resolve(directory);
  const inside = process.platform === "win32" ? parent.toLowerCase() === expected.toLowerCase() : parent === expected;
  if (!inside) throw refuse(`it is not in the agent's token directory ${expected}`);
  if (!resolved.toLowerCase().endsWith(".key")) throw refuse("the name does not end in .key");

  let stat: import("node:fs").Stats;
  try {
    stat = await fs.promises.lstat(resolved);
  } catch (error) {
    throw unreadable(error, resolved, context, refuse);
  }
  if (stat.isSymbolicLink()) throw refuse("it is a symbolic link");
  if (!stat.isFile()) throw refuse("it is not a regular file");
  if (stat.size > MAX_KEY_BYTES) throw refuse(`it has ${stat.size} bytes, more than ${MAX_KEY_BYTES}`);

  let handle: import("node:fs/promises").FileHandle;
  try {
    // O_NONBLOCK: if the file became a FIFO after the lstat, open(2) must not wait for a writer.
    handle = await fs.promises.open(resolved, nonBlockingReadFlags() | (fs.constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    throw unreadable(error, resolved, context, refuse);
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile() || opened.size > MAX_KEY_BYTES) throw refuse("the file changed while it was being opened");
    const buffer = Buffer.alloc(MAX_KEY_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_KEY_BYTES) throw refuse(`it has more than ${MAX_KEY_BYTES} bytes`);
    if (bytesRead === 0) throw refuse("it is empty");
    return buffer.subarray(0, bytesRead).toString("utf8");
  } finally {
    await handle.close();
  }
}

function unreadable(error: unknown, file: string, context: string, refuse: (why: string) => AuthenticationError): AuthenticationError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") {
    return new AuthenticationError(401, {
      error: "permission_denied",
      errorDescription: `${context}: cannot read the agent's key file ${file} (${code}). Reading it requires root or membership in the 'himds' group on Linux, or Administrators / 'Hybrid agent extension applications' on Windows.`,
    });
  }
  if (code === "ELOOP") return refuse("it is a symbolic link");
  return refuse(`it cannot be read (${code ?? String(error)})`);
}
