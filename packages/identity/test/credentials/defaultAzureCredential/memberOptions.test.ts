// Python's per-member DefaultAzureCredential options, plumbed to the member they name. Workload
// identity runs against the emulator (a token file from its own issuer); the others are checked on
// the member the chain builds.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, describe, it } from "node:test";
import { DEFAULT_USER_IDENTITY_CLIENT_ID, DEFAULT_USER_IDENTITY_OBJECT_ID } from "@azid/emulator";
import { DefaultAzureCredential } from "../../../src/index.js";
import { createMember, managedIdentitySelector, type ChainOptions } from "../../../src/credentials/defaultAzureCredential/members.js";
import { planDefaultChain } from "../../../src/credentials/defaultAzureCredential/plan.js";
import { decodeJwt, useEmulator } from "../../support/emulator.js";

const env = useEmulator();
const dir = mkdtempSync(join(tmpdir(), "azid-dac-members-"));
const saved = { ...process.env };
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe("DefaultAzureCredential per-member options (Python's)", () => {
  it("workloadIdentityTenantId and workloadIdentityClientId reach WorkloadIdentityCredential; tenantId does not override them", async () => {
    const subject = `system:serviceaccount:apps:${randomUUID().slice(0, 8)}`;
    const { clientId } = env.addApp({
      secrets: [],
      federatedCredentials: [{ issuer: env.emu.federation.issuerUrl(), subject, audiences: ["api://AzureADTokenExchange"] }],
    });
    const file = join(dir, `${randomUUID()}.token`);
    writeFileSync(file, env.emu.federation.mint({ subject }) + "\n");
    process.env.AZURE_FEDERATED_TOKEN_FILE = file;
    const credential = new DefaultAzureCredential({
      ...env.options,
      tenantId: "11111111-1111-1111-1111-111111111111",
      workloadIdentityTenantId: env.tenantId,
      workloadIdentityClientId: clientId,
      excludeEnvironmentCredential: true,
      excludeBrokerCredential: true,
    });
    const { credential: source } = await credential.getTokenWithSource("https://storage.azure.com/.default");
    assert.equal(source.constructor.name, "WorkloadIdentityCredential");
    const sent = env.tokenRequests().at(-1)!;
    assert.equal(sent.path, `/${env.tenantId}/oauth2/v2.0/token`);
    assert.equal(sent.form!.client_id, clientId);
    await credential.close();
  });

  it("sharedTokenCacheUsername picks the account of a shared cache holding two (without it the member refuses to guess)", async () => {
    const home = join(dir, `home-${randomUUID()}`);
    mkdirSync(home);
    process.env.HOME = home;
    process.env.AZURE_TOKEN_CREDENTIALS = "SharedTokenCacheCredential";
    const bob = { username: `bob-${randomUUID().slice(0, 8)}@azid.onmicrosoft.com`, password: "pw-bob" };
    env.emu.config.tenants[0]!.users.push(bob);
    const path = join(home, ".IdentityService", "msal.cache");
    await env.emu.writeSharedTokenCache({ path });
    await env.emu.writeSharedTokenCache({ path, username: bob.username, merge: true });
    const unnamed = new DefaultAzureCredential(env.options);
    await assert.rejects(unnamed.getToken("https://storage.azure.com/.default"), /multiple accounts/);
    const named = new DefaultAzureCredential({ ...env.options, sharedTokenCacheUsername: bob.username });
    const token = await named.getToken("https://storage.azure.com/.default");
    assert.equal(decodeJwt(token.token).payload.upn, bob.username);
    await Promise.all([unnamed.close(), named.close()]);
  });

  it("interactiveBrowserTenantId and interactiveBrowserClientId reach the sign-in the member starts; tenantId does not override them", async () => {
    const tenant = env.tenantId;
    const clientId = randomUUID();
    let opened!: (url: string) => void;
    const browserOpened = new Promise<string>((resolve) => (opened = resolve));
    const options = {
      ...env.options,
      tenantId: "11111111-1111-1111-1111-111111111111",
      interactiveBrowserTenantId: tenant,
      interactiveBrowserClientId: clientId,
      browserOpener: async (url: string) => opened(url),
    } as ChainOptions;
    const { credential, constructionError } = createMember("InteractiveBrowserCredential", options, { probeImds: false });
    assert.equal(constructionError, undefined);
    const pending = credential.getToken("https://storage.azure.com/.default").catch((e: unknown) => e);
    // Waits for the browser to be opened (no time budget): a sign-in that ends first fails the test with its error.
    const authorizeUrl = await Promise.race([
      browserOpened,
      pending.then((outcome) => assert.fail(`the sign-in ended before a browser was opened: ${String(outcome)}`)),
    ]);
    await (credential as unknown as { close(): Promise<void> }).close();
    await pending;
    const url = new URL(authorizeUrl);
    assert.equal(url.pathname, `/${tenant}/oauth2/v2.0/authorize`);
    assert.equal(url.searchParams.get("client_id"), clientId);
  });

  it("visualStudioCodeTenantId reaches VisualStudioCodeCredential and wins over tenantId", async () => {
    // "adfs" is the one tenant VisualStudioCodeCredential refuses before reading VS Code's sign-in: it shows which tenant the member got.
    const withOption = createMember(
      "VisualStudioCodeCredential",
      { ...env.options, tenantId: env.tenantId, visualStudioCodeTenantId: "adfs" },
      { probeImds: false },
    );
    await assert.rejects(withOption.credential.getToken("https://storage.azure.com/.default"), /does not support ADFS/);
    const withoutOption = createMember("VisualStudioCodeCredential", { ...env.options, tenantId: "adfs" }, { probeImds: false });
    await assert.rejects(withoutOption.credential.getToken("https://storage.azure.com/.default"), /does not support ADFS/);
    const other = createMember(
      "VisualStudioCodeCredential",
      { ...env.options, tenantId: "adfs", visualStudioCodeTenantId: env.tenantId },
      { probeImds: false },
    );
    await assert.rejects(other.credential.getToken("https://storage.azure.com/.default"), (e: Error) => !/ADFS/.test(e.message));
  });

  it("excludeBrokerCredential (Python's exclude_broker_credential) is accepted and changes nothing: the same members in the same order, the same token source", async () => {
    const { clientId, secret } = env.addApp();
    Object.assign(process.env, { AZURE_TENANT_ID: env.tenantId, AZURE_CLIENT_ID: clientId, AZURE_CLIENT_SECRET: secret });
    const plan = (options: ChainOptions) =>
      planDefaultChain({ ...env.options, ...options }).credentials.map((c) => `${c.name}: ${c.excludedBecause ?? "tried"}`);
    // The default chain, and Python's with its opt-in members on (.NET's broker rides on the interactive browser credential: it stays).
    for (const base of [{}, { excludeInteractiveBrowserCredential: false, excludeSharedTokenCacheCredential: false }] as ChainOptions[]) {
      const without = plan(base);
      assert.ok(without.length > 0, "an empty plan");
      for (const excludeBrokerCredential of [true, false])
        assert.deepEqual(plan({ ...base, excludeBrokerCredential }), without, JSON.stringify({ ...base, excludeBrokerCredential }));
    }
    for (const excludeBrokerCredential of [undefined, true, false]) {
      const credential = new DefaultAzureCredential({ ...env.options, ...(excludeBrokerCredential === undefined ? {} : { excludeBrokerCredential }) });
      const { token, credential: source } = await credential.getTokenWithSource("https://storage.azure.com/.default");
      assert.equal(source.constructor.name, "EnvironmentCredential", `excludeBrokerCredential: ${excludeBrokerCredential}`);
      assert.equal(decodeJwt(token.token).payload.appid, clientId);
      await credential.close();
    }
  });

  it("managedIdentityObjectId reaches the managed identity endpoint: the emulator's IMDS gets object_id and issues that identity's token", async () => {
    Object.assign(process.env, env.emu.managedIdentity.env("imds"), { AZURE_TOKEN_CREDENTIALS: "ManagedIdentityCredential" });
    const before = env.emu.requests.length;
    const credential = new DefaultAzureCredential({ ...env.options, managedIdentityObjectId: DEFAULT_USER_IDENTITY_OBJECT_ID });
    const { token, credential: source } = await credential.getTokenWithSource("https://storage.azure.com/.default");
    assert.equal(source.constructor.name, "ManagedIdentityCredential");
    const sent = env.emu.requests.slice(before).filter((r) => r.route === "imds");
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.query.object_id, DEFAULT_USER_IDENTITY_OBJECT_ID);
    assert.equal(sent[0]!.query.client_id, undefined);
    const { payload } = decodeJwt(token.token);
    assert.equal(payload.oid, DEFAULT_USER_IDENTITY_OBJECT_ID);
    assert.equal(payload.appid, DEFAULT_USER_IDENTITY_CLIENT_ID);
    await credential.close();
  });

  it("managedIdentityObjectId selects a user-assigned identity by object id (a resource id still wins)", () => {
    assert.deepEqual(managedIdentitySelector({ managedIdentityObjectId: "oid-1" }), { objectId: "oid-1" });
    assert.deepEqual(managedIdentitySelector({ managedIdentityObjectId: "oid-1", managedIdentityResourceId: "/r" }), { resourceId: "/r" });
  });
});
