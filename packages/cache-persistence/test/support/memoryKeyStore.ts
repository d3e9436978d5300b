// A KeyStore in memory, for tests about files and locks (the keyring itself is tested against a real
// gnome-keyring in keyring.test.ts). `failing` makes it behave like an unreachable keyring.
import { PersistenceUnavailableError } from "../../src/errors.js";
import type { KeyStore } from "../../src/keyStore.js";

export function memoryKeyStore(options: { failing?: boolean } = {}): { store: (path: string) => KeyStore; keys: Map<string, Uint8Array> } {
  const keys = new Map<string, Uint8Array>();
  const fail = () => {
    throw new PersistenceUnavailableError("no-keyring", "Encrypted token cache persistence is unavailable (test keyring switched off).", ["opt in"]);
  };
  return {
    keys,
    store: (path) => ({
      description: `memory (${path})`,
      load: async () => (options.failing ? fail() : keys.get(path)),
      save: async (key) => (options.failing ? fail() : void keys.set(path, Uint8Array.from(key))),
    }),
  };
}
