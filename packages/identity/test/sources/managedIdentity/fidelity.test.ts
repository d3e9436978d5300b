// Side by side with Microsoft's @azure/identity 4.13.1 against the same emulator hosts: both get a
// token for the same identity, and azid sends the same protocol fields (method, path, api-version,
// resource, selector, secret header). Also: our credential is a core-auth TokenCredential and
// accepts every constructor form of @azure/identity's.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { isTokenCredential, type TokenCredential as CoreTokenCredential } from "@azure/core-auth";
import { DEFAULT_USER_IDENTITY_CLIENT_ID, type ManagedIdentityHost, type RecordedRequest } from "@azid/emulator";
import {
  ManagedIdentityCredential,
  type ManagedIdentityCredentialClientIdOptions,
  type ManagedIdentityCredentialObjectIdOptions,
  type ManagedIdentityCredentialResourceIdOptions,
} from "../../../src/index.js";
import { parseChildJson, runNodeScript } from "../../integration/nodeChild.js";
import { decodeJwt, useEmulator } from "../../support/emulator.js";
import { CLOSED_LOOPBACK, runOn, useManagedIdentityEnvironment } from "./environment.js";

const STORAGE = "https://storage.azure.com/.default";
const CHILD = fileURLToPath(new URL("./azureIdentityChild.mjs", import.meta.url));
const env = useEmulator();
useManagedIdentityEnvironment();

// Type level: these are @azure/identity's constructor forms; the file fails the typecheck if one stops compiling.
const forms: CoreTokenCredential[] = [
  new ManagedIdentityCredential(),
  new ManagedIdentityCredential("client-id", { retryOptions: { maxRetries: 2 } }),
  new ManagedIdentityCredential({ clientId: "client-id" } satisfies ManagedIdentityCredentialClientIdOptions),
  new ManagedIdentityCredential({ resourceId: "/subscriptions/x" } satisfies ManagedIdentityCredentialResourceIdOptions),
  new ManagedIdentityCredential({ objectId: "object-id" } satisfies ManagedIdentityCredentialObjectIdOptions),
];

function protocolFields(r: RecordedRequest) {
  // msal-node sends a form Content-Type even on GETs (an empty form); not a protocol field.
  return {
    method: r.method,
    path: r.path.replace(/\/$/, ""),
    query: r.query,
    form: r.form !== undefined && Object.keys(r.form).length > 0 ? r.form : undefined,
    secret: r.headers.secret,
    identityHeader: r.headers["x-identity-header"],
  };
}

async function sideBySide(host: ManagedIdentityHost, clientId?: string) {
  const vars = runOn(env.emu, host);
  const route = (r: RecordedRequest) => r.route === host;
  let before = env.emu.requests.length;
  const result = await runNodeScript(CHILD, [], {
    ...process.env,
    ...vars,
    AZURE_POD_IDENTITY_AUTHORITY_HOST: vars.AZURE_POD_IDENTITY_AUTHORITY_HOST ?? CLOSED_LOOPBACK,
    AZID_TEST_SCOPE: STORAGE,
    AZID_TEST_MI_CLIENT_ID: clientId ?? "",
  });
  const theirs = parseChildJson<{ token?: string; error?: { message: string } }>(result);
  assert.equal(theirs.error, undefined, theirs.error?.message);
  const theirRequests = env.emu.requests.slice(before).filter(route);
  before = env.emu.requests.length;
  const ours = await (clientId ? new ManagedIdentityCredential(clientId) : new ManagedIdentityCredential()).getToken(STORAGE);
  const ourRequests = env.emu.requests.slice(before).filter(route);
  assert.deepEqual(ourRequests.map(protocolFields), theirRequests.map(protocolFields));
  const [a, b] = [decodeJwt(theirs.token!).payload, decodeJwt(ours.token).payload];
  assert.deepEqual([b.oid, b.appid, b.aud], [a.oid, a.appid, a.aud]);
}

describe("fidelity with @azure/identity", () => {
  it("is a core-auth TokenCredential", () => {
    for (const credential of forms) assert.ok(isTokenCredential(credential));
  });
  it("App Service, user-assigned by client id: the same request and identity", () => sideBySide("appService", DEFAULT_USER_IDENTITY_CLIENT_ID));
  it("IMDS, system-assigned: the same request and identity", () => sideBySide("imds"));
  it("Cloud Shell: the same request and identity", () => sideBySide("cloudShell"));
});
