// Steps of the keyring tests, each run as its own process inside a test keyring session and printing
// one JSON line. The cache lives under $HOME/.IdentityService (the real default location).
//   write <text>  |  read  |  warm-read  |  open <allowUnencrypted: yes|no> [warm]  |  microsoft <name> <cae: yes|no>
//   key-set <client: azid|napi> <account> <hex>  |  key-get <client: azid|napi> <account>
import { createPersistenceProvider } from "../../src/provider.js";
import { KEYRING_SERVICE, loadNapiKeyring, osKeyStore } from "../../src/keyStore.js";

const [step, arg1, arg2] = process.argv.slice(2);
const provider = createPersistenceProvider({ keyring: { timeoutMs: 10_000 } });
const print = (value: unknown) => process.stdout.write(`${JSON.stringify({ step, ...(value as object) })}\n`);
const describe = (error: unknown) => {
  const e = error as { name?: string; reason?: string; message?: string; fixes?: string[] };
  return { error: { name: e.name, reason: e.reason, message: e.message, fixes: e.fixes } };
};

try {
  if (step === "write") {
    const store = await provider.open({ name: "msal.cache", cae: false, allowUnencryptedStorage: false });
    await store.modify(() => arg1!);
    print({ location: store.location, encrypted: store.encrypted });
  } else if (step === "read") {
    const store = await provider.open({ name: "msal.cache", cae: false, allowUnencryptedStorage: false });
    print({ text: await store.read() });
  } else if (step === "warm-read") {
    // As @azid/identity does: warm() when the credential is built, open() and read() when a token is asked for.
    provider.warm({ name: "msal.cache", cae: false, allowUnencryptedStorage: false });
    const store = await provider.open({ name: "msal.cache", cae: false, allowUnencryptedStorage: false });
    print({ text: await store.read() });
  } else if (step === "open") {
    // "warm": as a credential's construction does first (warm() looks for the key, open() follows).
    if (arg2 === "warm") provider.warm({ name: "msal.cache", cae: false, allowUnencryptedStorage: arg1 === "yes" });
    const store = await provider.open({ name: "msal.cache", cae: false, allowUnencryptedStorage: arg1 === "yes" });
    await store.modify(() => '{"written":true}');
    print({ encrypted: store.encrypted, location: store.location });
  } else if (step === "microsoft") {
    const cache = await provider.openMicrosoftSharedCache({ name: arg1!, cae: arg2 === "yes" });
    print({ location: cache.location, found: (await cache.read()) ?? null });
  } else if (step === "key-set" || step === "key-get") {
    // The same key item through azid's own D-Bus client or through @napi-rs/keyring (keyring-rs).
    const [client, account, hex] = process.argv.slice(3);
    const napi = client === "napi" ? await loadNapiKeyring() : undefined;
    const store = napi ? undefined : osKeyStore(account!, { platform: "linux", timeoutMs: 10_000 });
    const entry = napi ? new napi.AsyncEntry(KEYRING_SERVICE, account!, { linux: { store: "secret-service" } }) : undefined;
    if (step === "key-set") {
      const key = Buffer.from(hex!, "hex");
      await (entry ? entry.setSecret(key) : store!.save(key));
      print({ client });
    } else {
      const key = entry ? await entry.getSecret() : await store!.load();
      print({ client, hex: key == null ? null : Buffer.from(key).toString("hex") });
    }
  } else {
    throw new Error(`unknown step ${step}`);
  }
} catch (error) {
  print(describe(error));
}
