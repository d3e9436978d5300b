// The cache key in the Secret Service (org.freedesktop.Secret.*: gnome-keyring, KWallet, KeePassXC),
// spoken directly over the session bus with dbusConnection.ts: no native module to load, and one
// short connection per operation (about a millisecond), where a native binding costs tens of
// milliseconds to load and to open its session. The "plain" session algorithm: the secret crosses
// the user's private session bus as is, which is what libsecret falls back to and what any process
// of this user could read from the keyring anyway.
//
// The item is the one @napi-rs/keyring (keyring-rs) creates, so either client finds the other's:
// schema org.freedesktop.Secret.Generic, attributes service + username, label
// "keyring:<username>@<service>", in the default collection.
import { PersistenceUnavailableError } from "../errors.js";
import type { KeyStore } from "../keyStoreInterface.js";
import { DBusConnection, DBusError } from "./dbusConnection.js";
import type { DBusValue } from "./dbusWire.js";

const BUS = "org.freedesktop.secrets";
const SERVICE = { destination: BUS, path: "/org/freedesktop/secrets", interface: "org.freedesktop.Secret.Service" };
const DEFAULT_COLLECTION = "/org/freedesktop/secrets/aliases/default";

class LockedError extends Error {}

export function secretServiceKeyStore(
  service: string,
  account: string,
  options: { timeoutMs: number; unavailable: (reason: "no-keyring" | "keyring-locked", detail: string) => PersistenceUnavailableError },
): KeyStore {
  const attributes: DBusValue[] = [
    ["service", service],
    ["username", account],
  ];

  async function withSession<T>(what: string, run: (c: DBusConnection, session: Promise<string>, deadline: Promise<never>) => Promise<T>): Promise<T> {
    let connection: DBusConnection | undefined;
    let sessionPath: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      connection = await DBusConnection.open(process.env.DBUS_SESSION_BUS_ADDRESS);
      // The deadline starts with the connection (open() waits for nothing), so no bus at all costs no timer.
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new LockedError(`no answer within ${options.timeoutMs} ms (an unlock prompt left unanswered?)`)), options.timeoutMs);
      });
      deadline.catch(() => undefined);
      const c = connection;
      // Not awaited here: the session is opened in the same round trip as run()'s first call.
      const session = c
        .call({ ...SERVICE, member: "OpenSession", signature: "sv", body: ["plain", { signature: "s", value: "" }] })
        .then(([, path]) => (sessionPath = path as string));
      session.catch(() => undefined);
      return await Promise.race([run(c, session, deadline), deadline]);
    } catch (error) {
      if (error instanceof PersistenceUnavailableError) throw error;
      const detail = error instanceof Error ? error.message.split("\n")[0]!.slice(0, 200) : String(error);
      const locked = error instanceof LockedError || (error instanceof DBusError && /IsLocked/.test(error.errorName));
      throw options.unavailable(locked ? "keyring-locked" : "no-keyring", `Cannot ${what} the token cache key in the Secret Service (D-Bus): ${detail}.`);
    } finally {
      clearTimeout(timer);
      // Close the Secret Service session before hanging up (sent, not awaited): gnome-keyring logs
      // GLib criticals when a client vanishes with its session still open.
      if (connection !== undefined && sessionPath !== undefined) {
        connection.call({ destination: BUS, path: sessionPath, interface: "org.freedesktop.Secret.Session", member: "Close" }).catch(() => undefined);
      }
      connection?.close();
    }
  }

  /** Unlocks the objects; a locked keyring asks the user through the desktop's prompt (none when headless). */
  async function unlock(c: DBusConnection, objects: string[], deadline: Promise<never>): Promise<void> {
    const [, prompt] = await c.call({ ...SERVICE, member: "Unlock", signature: "ao", body: [objects] });
    if (prompt !== "/") await runPrompt(c, prompt as string, deadline);
  }

  async function runPrompt(c: DBusConnection, prompt: string, deadline: Promise<never>): Promise<void> {
    await c.call({
      destination: "org.freedesktop.DBus",
      path: "/org/freedesktop/DBus",
      interface: "org.freedesktop.DBus",
      member: "AddMatch",
      signature: "s",
      body: [`type='signal',interface='org.freedesktop.Secret.Prompt',member='Completed',path='${prompt}'`],
    });
    const completed = new Promise<boolean>((resolve) => {
      c.onSignal = (signal) => {
        if (signal.path === prompt && signal.member === "Completed") resolve(signal.body[0] === true);
      };
    });
    await c.call({ destination: BUS, path: prompt, interface: "org.freedesktop.Secret.Prompt", member: "Prompt", signature: "s", body: [""] });
    if (await Promise.race([completed, deadline]))
      throw new LockedError("the keyring is locked and its unlock prompt was dismissed (or no prompt can be shown here)");
  }

  /** The key; `prompt: false` gives up (undefined) where a locked item would need the unlock prompt. */
  const read = (prompt: boolean) =>
    withSession("read", async (c, session, deadline) => {
      const [unlocked, locked] = (await c.call({ ...SERVICE, member: "SearchItems", signature: "a{ss}", body: [attributes] })) as [string[], string[]];
      const item = unlocked[0] ?? locked[0];
      if (item === undefined) return undefined;
      if (unlocked.length === 0) {
        if (!prompt) return undefined;
        await unlock(c, [item], deadline);
      }
      const [secret] = (await c.call({
        destination: BUS,
        path: item,
        interface: "org.freedesktop.Secret.Item",
        member: "GetSecret",
        signature: "o",
        body: [await session],
      })) as [[string, Buffer, Buffer, string]];
      return Uint8Array.from(secret[2]);
    });

  return {
    description: `the Secret Service (D-Bus) (service "${service}", account "${account}")`,
    load: () => read(true),
    loadWithoutPrompt: () => read(false),
    save: (key) =>
      withSession("store", async (c, session, deadline) => {
        await unlock(c, [DEFAULT_COLLECTION], deadline);
        const properties: DBusValue[] = [
          ["org.freedesktop.Secret.Item.Label", { signature: "s", value: `keyring:${account}@${service}` }],
          ["org.freedesktop.Secret.Item.Attributes", { signature: "a{ss}", value: [["xdg:schema", "org.freedesktop.Secret.Generic"], ...attributes] }],
        ];
        const secret: DBusValue[] = [await session, Buffer.alloc(0), Buffer.from(key), "application/octet-stream"];
        const [, prompt] = await c.call({
          destination: BUS,
          path: DEFAULT_COLLECTION,
          interface: "org.freedesktop.Secret.Collection",
          member: "CreateItem",
          signature: "a{sv}(oayays)b",
          body: [properties, secret, true],
        });
        if (prompt !== "/") await runPrompt(c, prompt as string, deadline);
      }),
  };
}
