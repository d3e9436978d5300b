// Reads the token caches Microsoft's own tools leave, so SharedTokenCacheCredential can sign in as an
// account they signed in. On Linux their caches live in the Secret Service, not in the file (the
// file under .IdentityService is only a "changed" signal there). The two item layouts:
//
//   MSAL Python's msal-extensions, as azure-identity for Python sets it up: schema name (libsecret's
//   "xdg:schema" attribute) = the cache file name, "<name>.nocae" or "<name>.cae" (plain "<name>"
//   before the CAE split), attribute MsalClientID = "Microsoft.Developer.IdentityService", label
//   "MSALCache", in the default collection; the secret is the MSAL cache JSON.
//
//   @azure/identity-cache-persistence (msal-node-extensions, whose keytar stores it): schema
//   "org.freedesktop.Secret.Generic", attributes service = "Microsoft.Developer.IdentityService" and
//   account = "MSALCache", label "Microsoft.Developer.IdentityService/MSALCache". One item whatever
//   the cache name or CAE (a quirk of that package: all its caches share it, the last writer wins).
//
// Lookups go through `secret-tool` (Debian's libsecret-tools), libsecret's own client, because they
// need arbitrary attributes, which @napi-rs/keyring's fixed service/username layout cannot express.
// On macOS both tools use the Keychain item service "Microsoft.Developer.IdentityService", account
// "MSALCache", read through @napi-rs/keyring. Windows (a DPAPI-encrypted file) is not readable here.
// Last, a plaintext cache file (the unencrypted opt-in of either tool) is read if it is JSON.
import { execFile } from "node:child_process";
import { utimes } from "node:fs/promises";
import { join } from "node:path";
import type { MicrosoftCacheOrigin, MicrosoftSharedCache } from "./contract.js";
import { readCacheFile } from "./cacheFile.js";
import { DEFAULT_MAX_FILE_BYTES, ensureCacheDirectory } from "./fileGuard.js";
import { PersistenceUnavailableError } from "./errors.js";
import { loadNapiKeyring, type KeyringBinding } from "./keyStore.js";
import { cacheFileName, identityServiceDirectory } from "./location.js";
import { acquireLock } from "./lockFile.js";

export const MICROSOFT_SERVICE = "Microsoft.Developer.IdentityService";
export const MICROSOFT_ACCOUNT = "MSALCache";

export interface MicrosoftSharedCacheOptions {
  name: string;
  cae: boolean;
  baseDirectory?: string;
  maxFileBytes?: number;
  platform?: NodeJS.Platform;
  /** macOS: the Keychain binding (a stand-in in tests). */
  loadBinding?: () => Promise<KeyringBinding>;
}

interface SecretLookup {
  origin: MicrosoftCacheOrigin;
  attributes: string[];
  /** The label that tool gives its item (kept when azid writes a rotated token back). */
  label: string;
}

/** The libsecret lookups, most specific first. */
export function microsoftLibsecretLookups(name: string, cae: boolean): SecretLookup[] {
  const python = (schema: string): SecretLookup => ({
    origin: "msal-extensions-libsecret",
    attributes: ["xdg:schema", schema, "MsalClientID", MICROSOFT_SERVICE],
    label: MICROSOFT_ACCOUNT,
  });
  return [
    python(cacheFileName(name, cae)),
    ...(cae ? [] : [python(name)]),
    {
      origin: "identity-cache-persistence-libsecret",
      attributes: ["xdg:schema", "org.freedesktop.Secret.Generic", "service", MICROSOFT_SERVICE, "account", MICROSOFT_ACCOUNT],
      label: `${MICROSOFT_SERVICE}/${MICROSOFT_ACCOUNT}`,
    },
  ];
}

export function openMicrosoftSharedCache(options: MicrosoftSharedCacheOptions): MicrosoftSharedCache {
  const platform = options.platform ?? process.platform;
  const directory = identityServiceDirectory(options.baseDirectory);
  const fileName = cacheFileName(options.name, options.cae);
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const location = join(directory, fileName);
  let foundIn: SecretLookup | undefined;
  return {
    location,
    async read() {
      foundIn = undefined;
      if (platform === "linux") {
        for (const lookup of microsoftLibsecretLookups(options.name, options.cae)) {
          const text = await secretToolLookup(lookup.attributes, maxBytes);
          if (text !== undefined && text !== "") {
            foundIn = lookup;
            return { text, origin: lookup.origin };
          }
        }
      } else if (platform === "darwin") {
        const binding = await (options.loadBinding ?? loadNapiKeyring)();
        const text = await new binding.AsyncEntry(MICROSOFT_SERVICE, MICROSOFT_ACCOUNT).getSecret();
        if (text !== null && text.length > 0) return { text: Buffer.from(text).toString("utf8"), origin: "macos-keychain" as const };
      }
      for (const candidate of [fileName, options.cae ? undefined : options.name]) {
        if (candidate === undefined) continue;
        const snapshot = await readCacheFile(join(directory, candidate), maxBytes);
        const text = snapshot?.bytes.toString("utf8");
        if (text !== undefined && isJsonObject(text)) return { text, origin: "plaintext-file" as const };
      }
      return undefined;
    },
    // MSAL Python's SharedTokenCacheCredential writes acquired tokens back to the cache it read
    // (Azure/azure-sdk-for-python#11853, through msal-extensions): the same item, under the same
    // lock file msal-extensions takes (<signal file>.lockfile), read again inside the lock; then the
    // signal file's time is touched, which is how those tools notice a change.
    async modify(update) {
      const lookup = foundIn;
      if (lookup === undefined) return false;
      await ensureCacheDirectory(directory); // @azure/identity-cache-persistence may have left no folder at all
      const held = await acquireLock(`${location}.lockfile`, { timeoutMs: 2_000 });
      try {
        const current = await secretToolLookup(lookup.attributes, maxBytes);
        if (current === undefined || current === "") return false;
        const next = update(current);
        if (next === undefined) return false;
        await secretToolStore(lookup.attributes, lookup.label, next);
        const now = new Date();
        await utimes(location, now, now).catch(() => undefined); // no signal file: nothing to touch
        return true;
      } finally {
        await held.release();
      }
    },
  };
}

/** Creates or replaces (same attributes) the item in the default collection; the secret goes through stdin. */
function secretToolStore(attributes: string[], label: string, secret: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile("secret-tool", ["store", `--label=${label}`, ...attributes], { timeout: 30_000, windowsHide: true }, (error, _stdout, stderr) => {
      if (error === null) return resolve();
      reject(
        new PersistenceUnavailableError(
          "no-keyring",
          `Cannot write the Microsoft tools' token cache to the Secret Service: ${String(stderr).split("\n")[0]!.slice(0, 200) || "secret-tool failed"}.`,
          ["unlock the login keyring (log in to the desktop session)"],
        ),
      );
    });
    child.stdin?.end(secret, "utf8");
  });
}

/** The secret of the item with exactly these attributes, or undefined when there is none. */
function secretToolLookup(attributes: string[], maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    execFile(
      "secret-tool",
      ["lookup", ...attributes],
      { timeout: 30_000, maxBuffer: maxBytes, encoding: "utf8", windowsHide: true },
      (error, stdout, stderr) => {
        if (error === null) return resolve(stdout);
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
          return reject(
            new PersistenceUnavailableError(
              "reader-missing",
              "Reading the token caches Microsoft tools keep in the Secret Service needs secret-tool, which is not installed.",
              ["install it: sudo apt-get install libsecret-tools"],
            ),
          );
        }
        // Exit status 1 with nothing said: no such item, or (secret-tool says nothing then either) an
        // item in a locked collection. Anything on stderr is the keyring failing.
        if (error.code === 1 && stderr.trim() === "") {
          return void itemExists(attributes).then((exists) =>
            exists
              ? reject(
                  new PersistenceUnavailableError("keyring-locked", "The Microsoft tools' token cache is in a locked keyring collection.", [
                    "unlock the login keyring (log in to the desktop session)",
                  ]),
                )
              : resolve(undefined),
          );
        }
        const detail = stderr.split("\n")[0]!.slice(0, 200);
        const locked = /lock|prompt|dismiss/i.test(detail);
        reject(
          new PersistenceUnavailableError(
            locked ? "keyring-locked" : "no-keyring",
            `Cannot read the Microsoft tools' token cache from the Secret Service: ${detail || "secret-tool failed"}.`,
            [
              locked
                ? "unlock the login keyring (log in to the desktop session)"
                : "run where the keyring those tools used is reachable (the desktop session's D-Bus)",
            ],
          ),
        );
      },
    );
  });
}

/** Whether an item with these attributes exists (its secret may be unreadable: locked). */
function itemExists(attributes: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    execFile("secret-tool", ["search", ...attributes], { timeout: 30_000, encoding: "utf8", windowsHide: true }, (_error, stdout) =>
      resolve(/^\[\//m.test(stdout)),
    );
  });
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
