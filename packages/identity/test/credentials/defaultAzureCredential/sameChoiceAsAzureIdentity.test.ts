// The drop-in promise for DefaultAzureCredential: on a developer machine with both a Visual Studio
// sign-in (the shared token cache, ~/.IdentityService/msal.cache, written by the emulator into a
// temporary HOME) and a signed-in `az` (the fake), azid's DefaultAzureCredential picks the same
// identity as @azure/identity 4.13.1's, whose chain has no SharedTokenCacheCredential. Each library
// runs in its own child process; managed identity points at a closed loopback port, so nothing
// leaves loopback. Opting in to Python's member then does pick the cached account.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, describe, it } from "node:test";
import { DEFAULT_USER_IDENTITY_CLIENT_ID, DEFAULT_USER_IDENTITY_OBJECT_ID } from "@azid/emulator";
import { useEmulator } from "../../support/emulator.js";
import { FAKE_TOOLS } from "../../support/toolHarness.js";
import { parseChildJson, runNodeScript } from "../../integration/nodeChild.js";

const CHILD = fileURLToPath(new URL("./sameChoiceClient.mjs", import.meta.url));
const env = useEmulator();
const home = mkdtempSync(join(tmpdir(), "azid-same-choice-"));
after(() => rmSync(home, { recursive: true, force: true }));

interface Identity {
  upn?: string;
  oid?: string;
  tid?: string;
  appid?: string;
}

function developerMachine(): NodeJS.ProcessEnv {
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(AZURE_|IDENTITY_|IMDS_|MSI_|AZID_FAKE)/.test(key)) childEnv[key] = value;
  return {
    ...childEnv,
    // The fake az is a Node script that az's callers start in another directory: load tsx by its path.
    NODE_OPTIONS: (process.env.NODE_OPTIONS ?? "").replace(/--import[= ]tsx\b/, `--import ${import.meta.resolve("tsx")}`),
    HOME: home,
    PATH: [FAKE_TOOLS, dirname(process.execPath)].join(":"),
    AZID_FAKE_AZD: "not-logged-in",
    AZID_FAKE_PWSH: "not-logged-in",
    NODE_EXTRA_CA_CERTS: env.emu.caCertPath,
    AZURE_AUTHORITY_HOST: env.emu.url,
    AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:1", // refused: never the real IMDS
  };
}

const run = async (lib: "azure" | "azid", options: Record<string, unknown> = {}, extraEnv: NodeJS.ProcessEnv = {}) =>
  parseChildJson<Identity>(await runNodeScript(CHILD, [lib, JSON.stringify(options)], { ...developerMachine(), ...extraEnv }));

describe("DefaultAzureCredential chooses as @azure/identity 4.13.1 does", () => {
  it("a Visual Studio sign-in in the shared token cache and a signed-in az: both use az, not the cached account", async () => {
    const seeded = await env.emu.writeSharedTokenCache({ path: join(home, ".IdentityService", "msal.cache") });
    const [azure, azid] = await Promise.all([run("azure"), run("azid")]);
    assert.notEqual(azure.upn, seeded.username, "@azure/identity has no SharedTokenCacheCredential");
    assert.deepEqual(azid, azure);

    // The cache file is real and usable: asked for, azid's Python member takes the cached account.
    const optedIn = await run("azid", { excludeSharedTokenCacheCredential: false });
    assert.equal(optedIn.upn, seeded.username);
  });

  // @azure/identity's own per-member options of DefaultAzureCredential, each picking an identity az would not give.
  it("managedIdentityClientId: with the emulator's IMDS reachable, both take that user-assigned identity's token", async () => {
    const imds = env.emu.managedIdentity.env("imds");
    const options = { managedIdentityClientId: DEFAULT_USER_IDENTITY_CLIENT_ID };
    const [azure, azid] = await Promise.all([run("azure", options, imds), run("azid", options, imds)]);
    assert.equal(azure.oid, DEFAULT_USER_IDENTITY_OBJECT_ID, JSON.stringify(azure));
    assert.deepEqual(azid, azure);
  });

  it("workloadIdentityClientId and tenantId: with a federated token file, both exchange it for that app's token in that tenant", async () => {
    const subject = `system:serviceaccount:same:${randomUUID().slice(0, 8)}`;
    const { clientId } = env.addApp({
      secrets: [],
      federatedCredentials: [{ issuer: env.emu.federation.issuerUrl(), subject, audiences: ["api://AzureADTokenExchange"] }],
    });
    const file = join(home, `${randomUUID()}.token`);
    writeFileSync(file, env.emu.federation.mint({ subject }));
    // disableInstanceDiscovery: msal-node would otherwise ask login.microsoftonline.com about the emulator's authority.
    const options = { workloadIdentityClientId: clientId, tenantId: env.tenantId, disableInstanceDiscovery: true };
    const tokenFile = { AZURE_FEDERATED_TOKEN_FILE: file };
    const [azure, azid] = await Promise.all([run("azure", options, tokenFile), run("azid", options, tokenFile)]);
    assert.deepEqual({ appid: azure.appid, tid: azure.tid }, { appid: clientId, tid: env.tenantId }, JSON.stringify(azure));
    assert.deepEqual(azid, azure);
  });
});
