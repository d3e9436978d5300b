// SharedTokenCacheCredential on Linux when Microsoft's tools reached the keyring: MSAL Python's
// msal-extensions keeps the whole cache in a Secret Service item (schema "msal.cache.nocae",
// MsalClientID) and @azure/identity-cache-persistence in its generic item; on disk there is nothing or
// an empty marker. With @azid/cache-persistence registered, the credential reads the item and signs in
// (against the emulator, whose refresh token the item holds). Each case runs in a throwaway D-Bus
// session with its own gnome-keyring; the items are written by secret-tool, libsecret's own client.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { startEmulator, type Emulator } from "@azid/emulator";
import { runWithTestKeyring } from "./support/withTestKeyring.mjs";

const CHILD = fileURLToPath(new URL("./support/credentialChild.ts", import.meta.url));
const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
let emu: Emulator;
let dataDir: string;
let cacheText: string;
let username: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "azid-shared-keyring-"));
  emu = await startEmulator({ dataDir });
  const path = join(dataDir, "msal.cache");
  username = (await emu.writeSharedTokenCache({ path })).username;
  cacheText = readFileSync(path, "utf8");
});
after(async () => {
  await emu?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const PYTHON_ITEM = "xdg:schema msal.cache.nocae MsalClientID Microsoft.Developer.IdentityService";
const NODE_ITEM = "xdg:schema org.freedesktop.Secret.Generic service Microsoft.Developer.IdentityService account MSALCache";
const refreshTokens = (text: string) =>
  Object.values((JSON.parse(text) as { RefreshToken: Record<string, { secret: string }> }).RefreshToken).map((t) => t.secret);

async function signInWith(storeItem: string, marker: boolean, lookupAfter?: string) {
  const job = JSON.stringify({ action: "shared", tenantId: "", clientId: "", scope: "https://storage.azure.com/.default", name: "unused", unencrypted: false });
  const script = [
    `printf %s ${q(cacheText)} | ${storeItem}`,
    marker ? 'mkdir -p "$HOME/.IdentityService" && : > "$HOME/.IdentityService/msal.cache" && chmod 600 "$HOME/.IdentityService/msal.cache"' : "true",
    `${q(process.execPath)} ${q(CHILD)} ${q(job)}`,
    ...(lookupAfter !== undefined ? [`echo ITEM`, `secret-tool lookup ${lookupAfter}`] : []),
  ].join(" && ");
  const run = await runWithTestKeyring("sh", ["-c", script], { env: { ...process.env, NODE_EXTRA_CA_CERTS: emu.caCertPath, AZURE_AUTHORITY_HOST: emu.url } });
  const line = run.stdout.split("\n").find((l) => l.startsWith("{"));
  assert.ok(line, `no result: ${run.stderr.slice(-1500)}`);
  const item = run.stdout.split("ITEM\n")[1];
  return { ...(JSON.parse(line) as { username?: string; error?: string }), item };
}

test("MSAL Python's keyring item, with an empty marker file on disk: signed in as its account", async () => {
  const result = await signInWith("secret-tool store --label=MSALCache xdg:schema msal.cache.nocae MsalClientID Microsoft.Developer.IdentityService", true);
  assert.equal(result.error, undefined);
  assert.equal(result.username, username);
});

test("@azure/identity-cache-persistence's keyring item, no file at all: signed in as its account", async () => {
  const result = await signInWith(
    "secret-tool store --label=Microsoft.Developer.IdentityService/MSALCache xdg:schema org.freedesktop.Secret.Generic service Microsoft.Developer.IdentityService account MSALCache",
    false,
  );
  assert.equal(result.error, undefined);
  assert.equal(result.username, username);
});

test("the rotated refresh token goes back into the keyring item it was read from (as MSAL Python's credential writes through msal-extensions), the rest kept", async () => {
  for (const [label, attributes, marker] of [
    ["MSALCache", PYTHON_ITEM, true],
    ["Microsoft.Developer.IdentityService/MSALCache", NODE_ITEM, false],
  ] as const) {
    const result = await signInWith(`secret-tool store --label=${label} ${attributes}`, marker, attributes);
    assert.equal(result.error, undefined);
    assert.ok(result.item, "the item is still there");
    const [before] = refreshTokens(cacheText);
    const [after] = refreshTokens(result.item);
    assert.ok(after !== undefined && after !== before, `${label}: the item holds the rotated refresh token`);
    assert.deepEqual(Object.keys(JSON.parse(result.item) as object).sort(), Object.keys(JSON.parse(cacheText) as object).sort());
  }
});
