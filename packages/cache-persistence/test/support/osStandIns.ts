// Stand-ins for the OS credential stores that cannot run here, implementing @napi-rs/keyring's
// AsyncEntry as it behaves on each platform, after the platform's documentation:
//   macOS Keychain (SecItemCopyMatching / SecItemAdd on a generic password keyed by service and
//   account): a missing item is errSecItemNotFound, which the library returns as null; a locked
//   keychain with no UI allowed fails with errSecInteractionNotAllowed (-25308, "User interaction is
//   not allowed."), which the library reports as a platform failure.
//   Windows Credential Manager (CredReadW / CredWriteW, generic credential, target "<account>.<service>"
//   by the library's default): ERROR_NOT_FOUND reads as null; a blob longer than
//   CRED_MAX_CREDENTIAL_BLOB_SIZE (5 * 512 = 2,560 bytes) is refused; the blob is DPAPI-protected
//   per user by the system, which the stand-in cannot imitate and need not.
import type { KeyringBinding } from "../../src/keyStore.js";

export interface StandIn {
  binding: KeyringBinding;
  items: Map<string, Uint8Array>;
  constructed: Array<{ service: string; username: string; options: unknown }>;
  locked: boolean;
}

export function macKeychainStandIn(): StandIn {
  const state: StandIn = { binding: undefined as unknown as KeyringBinding, items: new Map(), constructed: [], locked: false };
  const failure = () => new Error("Platform secure storage failure: User interaction is not allowed.");
  state.binding = {
    AsyncEntry: class {
      private readonly id: string;
      constructor(service: string, username: string, options?: unknown) {
        state.constructed.push({ service, username, options });
        this.id = `${service}\u0000${username}`;
      }
      async getSecret() {
        if (state.locked) throw failure();
        const item = state.items.get(this.id);
        return item === undefined ? null : Array.from(item);
      }
      async setSecret(secret: Uint8Array) {
        if (state.locked) throw failure();
        state.items.set(this.id, Uint8Array.from(secret));
      }
    },
  };
  return state;
}

export function windowsCredentialManagerStandIn(): StandIn & { unavailable: boolean } {
  const state = {
    binding: undefined as unknown as KeyringBinding,
    items: new Map<string, Uint8Array>(),
    constructed: [] as StandIn["constructed"],
    locked: false,
    unavailable: false,
  };
  state.binding = {
    AsyncEntry: class {
      private readonly target: string;
      constructor(service: string, username: string, options?: unknown) {
        state.constructed.push({ service, username, options });
        this.target = `${username}.${service}`;
      }
      async getSecret() {
        if (state.unavailable)
          throw new Error(
            "Couldn't access platform secure storage: A specified logon session does not exist. It may already have been terminated. (os error 1312)",
          );
        const item = state.items.get(this.target);
        return item === undefined ? null : Array.from(item);
      }
      async setSecret(secret: Uint8Array) {
        if (state.unavailable)
          throw new Error(
            "Couldn't access platform secure storage: A specified logon session does not exist. It may already have been terminated. (os error 1312)",
          );
        if (secret.length > 2560) throw new Error("Attribute 'secret' is longer than platform limit of 2560 chars");
        state.items.set(this.target, Uint8Array.from(secret));
      }
    },
  };
  return state;
}
