// Steps of the keyring tests, each run as its own process inside a test keyring session and printing
// one JSON line. The cache lives under $HOME/.IdentityService (the real default location).
//   write <text>  |  read  |  open <allowUnencrypted: yes|no>  |  microsoft <name> <cae: yes|no>
import { createPersistenceProvider } from "../../src/provider.js";

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
  } else if (step === "open") {
    const store = await provider.open({ name: "msal.cache", cae: false, allowUnencryptedStorage: arg1 === "yes" });
    await store.modify(() => '{"written":true}');
    print({ encrypted: store.encrypted, location: store.location });
  } else if (step === "microsoft") {
    const cache = await provider.openMicrosoftSharedCache({ name: arg1!, cae: arg2 === "yes" });
    print({ location: cache.location, found: (await cache.read()) ?? null });
  } else {
    throw new Error(`unknown step ${step}`);
  }
} catch (error) {
  print(describe(error));
}
