// The shared MSAL cache as Microsoft's tools leave it on Linux when they reach the keyring: MSAL
// Python's msal-extensions and @azure/identity-cache-persistence keep the whole cache in a Secret
// Service item and only an empty "signal" file on disk. The plaintext file is read first (msalCacheFile.ts);
// when it is missing or that empty marker, a registered persistence plugin that can read those items
// (`openMicrosoftSharedCache`, docs/design/plugins.md) is asked. A locked keyring is reported as such,
// never as "no cache". A rotated refresh token goes back where the cache was found (msalCacheFile.ts's
// writeRotatedRefreshToken, through the plugin's modify() for a keyring item).
import { CredentialUnavailableError } from "../../core/errors.js";
import { pluginRegistry, type MicrosoftSharedCache } from "../../core/plugins.js";
import { keyringWriters, parseSharedCache, readSharedCache, type SharedCacheContents } from "./msalCacheFile.js";

export interface SharedCacheFound extends SharedCacheContents {
  /** Where the cache came from: the plaintext file, or a keyring item (rotated tokens go back to that item when the plugin can write it). */
  origin: "plaintext-file" | "keyring";
  location: string;
}

export async function readSharedCacheOrKeyring(path: string, name: string): Promise<SharedCacheFound | undefined> {
  let file: SharedCacheContents | undefined;
  let fileError: unknown;
  try {
    file = await readSharedCache(path);
  } catch (error) {
    fileError = error; // e.g. not JSON: maybe another tool's encrypted form; the keyring may still hold the cache
  }
  if (file !== undefined && (file.accounts.length > 0 || file.refreshTokens.length > 0)) return { ...file, origin: "plaintext-file", location: path };
  const open = pluginRegistry.persistence?.openMicrosoftSharedCache;
  if (open !== undefined) {
    let found: { text: string } | undefined;
    let location = path;
    let shared: MicrosoftSharedCache | undefined;
    try {
      shared = await open.call(pluginRegistry.persistence, { name, cae: false });
      location = shared.location;
      found = await shared.read();
    } catch (error) {
      throw new CredentialUnavailableError(
        `SharedTokenCacheCredential authentication unavailable: the keyring that may hold the shared token cache could not be read: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    if (found !== undefined) {
      const contents = parseSharedCache(found.text, location);
      if (shared?.modify !== undefined) {
        const writable = shared;
        keyringWriters.set(path, (update) => writable.modify!(update));
      } else keyringWriters.delete(path);
      return { ...contents, modifiedMs: Date.now(), origin: "keyring", location };
    }
  }
  if (fileError !== undefined) throw fileError;
  return file === undefined ? undefined : { ...file, origin: "plaintext-file", location: path };
}
