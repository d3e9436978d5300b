// Reading the caches Microsoft's tools keep in the Secret Service, in their exact item layouts,
// written here with secret-tool (libsecret's own client) into a test keyring:
//   MSAL Python's msal-extensions: schema "<name>.nocae", MsalClientID, label "MSALCache";
//   @azure/identity-cache-persistence (keytar): schema org.freedesktop.Secret.Generic,
//   service + account, label "Microsoft.Developer.IdentityService/MSALCache".
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runWithTestKeyring } from "./support/withTestKeyring.mjs";
import { microsoftLibsecretLookups } from "../src/microsoftSharedCache.js";

const scenario = fileURLToPath(new URL("./support/keyringScenario.ts", import.meta.url));
const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
const read = (name: string, cae: "yes" | "no") => `${q(process.execPath)} ${q(scenario)} microsoft ${name} ${cae}`;
const PYTHON = JSON.stringify({ Account: { a: { username: "python@contoso.com" } } });
const PYTHON_CAE = JSON.stringify({ Account: { a: { username: "python-cae@contoso.com" } } });
const NODE = JSON.stringify({ Account: { a: { username: "node@contoso.com" } } });
const storePython = (schema: string, text: string) =>
  `printf %s ${q(text)} | secret-tool store --label=MSALCache xdg:schema ${schema} MsalClientID Microsoft.Developer.IdentityService`;
const storeNode = (text: string) =>
  `printf %s ${q(text)} | secret-tool store --label=Microsoft.Developer.IdentityService/MSALCache xdg:schema org.freedesktop.Secret.Generic service Microsoft.Developer.IdentityService account MSALCache`;

interface Found {
  found: { text: string; origin: string } | null;
  location?: string;
  error?: { reason: string; message: string };
}
const results = (stdout: string) =>
  stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Found);

test("the lookups are the two tools' exact layouts", () => {
  assert.deepEqual(
    microsoftLibsecretLookups("msal.cache", false).map((l) => l.attributes.join(" ")),
    [
      "xdg:schema msal.cache.nocae MsalClientID Microsoft.Developer.IdentityService",
      "xdg:schema msal.cache MsalClientID Microsoft.Developer.IdentityService",
      "xdg:schema org.freedesktop.Secret.Generic service Microsoft.Developer.IdentityService account MSALCache",
    ],
  );
});

test("MSAL Python's item is found by cache name and CAE; @azure/identity-cache-persistence's is the fallback; nothing → undefined", async () => {
  const script = [
    read("msal.cache", "no"), // empty keyring, no file
    storeNode(NODE),
    read("msal.cache", "no"), // only the Node layout
    storePython("msal.cache.nocae", PYTHON),
    storePython("msal.cache.cae", PYTHON_CAE),
    read("msal.cache", "no"),
    read("msal.cache", "yes"),
    read("other-app", "no"), // Python's items are per name; the Node item is shared by every name
  ].join(" && ");
  const run = await runWithTestKeyring("sh", ["-c", script]);
  assert.equal(run.code, 0, run.stderr.slice(-1500));
  const [none, nodeOnly, python, pythonCae, otherName] = results(run.stdout);
  assert.equal(none?.found, null, JSON.stringify(none));
  assert.equal(none.location, `${run.home}/.IdentityService/msal.cache.nocae`);
  assert.deepEqual(nodeOnly?.found, { text: NODE, origin: "identity-cache-persistence-libsecret" });
  assert.deepEqual(python?.found, { text: PYTHON, origin: "msal-extensions-libsecret" });
  assert.deepEqual(pythonCae?.found, { text: PYTHON_CAE, origin: "msal-extensions-libsecret" });
  assert.deepEqual(otherName?.found, { text: NODE, origin: "identity-cache-persistence-libsecret" });
});

test("azure-identity before the CAE split stored under the plain cache name; it is still found", async () => {
  const run = await runWithTestKeyring("sh", ["-c", `${storePython("msal.cache", PYTHON)} && ${read("msal.cache", "no")}`]);
  assert.deepEqual(results(run.stdout)[0]?.found, { text: PYTHON, origin: "msal-extensions-libsecret" });
});

test("a locked keyring is a typed error, not 'no cache'", async () => {
  const run = await runWithTestKeyring("sh", ["-c", read("msal.cache", "no")], { keyring: "locked" });
  const [result] = results(run.stdout);
  // Searching a locked collection finds nothing to unlock when the item is absent; with an item it must prompt.
  assert.ok(result?.found === null || result?.error?.reason === "keyring-locked", JSON.stringify(result));
  const withItem = await runWithTestKeyring("sh", [
    "-c",
    `${storePython("msal.cache.nocae", PYTHON)} && gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets --method org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" >/dev/null && ${read("msal.cache", "no")}`,
  ]);
  const [locked] = results(withItem.stdout);
  assert.equal(locked?.error?.reason, "keyring-locked", withItem.stdout + withItem.stderr.slice(-800));
  assert.equal(locked.error.message.includes("python@contoso.com"), false);
});
