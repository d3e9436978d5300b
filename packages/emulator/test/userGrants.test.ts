import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AZURE_CLI_CLIENT_ID,
  VISUAL_STUDIO_CLIENT_ID,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_PASSWORD,
  DEFAULT_PUBLIC_CLIENT_ID,
  DEFAULT_TENANT_ID,
  DEFAULT_USER_OBJECT_ID,
  DEFAULT_USERNAME,
} from "@azid/emulator";
import { send, startTestEmulator, tokenPath } from "./support/client.js";

const MFA_USER = "bob@azid.onmicrosoft.com";

describe("password (ROPC) and refresh_token grants", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator();
    emu.config.tenants[0]!.users.push({ username: MFA_USER, password: "bob-password", mfaRequired: true });
  });
  after(() => emu.stop());

  const ropc = (extra: Record<string, string> = {}, tenant = DEFAULT_TENANT_ID) =>
    send(emu, tokenPath(tenant), {
      form: {
        client_id: DEFAULT_PUBLIC_CLIENT_ID,
        username: DEFAULT_USERNAME,
        password: DEFAULT_PASSWORD,
        scope: "https://storage.azure.com/user_impersonation openid profile offline_access",
        response_type: "id_token token",
        grant_type: "password",
        client_info: "1",
        ...extra,
      },
      headers: { "x-anchormailbox": `UPN: ${DEFAULT_USERNAME}` },
    });

  it("signs in a public client's user with MSAL's ROPC body", async () => {
    const res = await ropc();
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json.token_type, "Bearer");
    assert.equal(res.json.scope, "https://storage.azure.com/user_impersonation openid profile");
    assert.equal(typeof res.json.refresh_token, "string");

    const access = emu.decodeToken(String(res.json.access_token)).payload;
    assert.equal(access.aud, "https://storage.azure.com");
    assert.equal(access.scp, "user_impersonation");
    assert.equal(access.oid, DEFAULT_USER_OBJECT_ID);
    assert.equal(access.upn, DEFAULT_USERNAME);
    assert.equal(access.appidacr, "0");
    assert.equal(access.idtyp, "user");
    assert.equal(access.roles, undefined);

    const id = emu.decodeToken(String(res.json.id_token)).payload;
    assert.equal(id.aud, DEFAULT_PUBLIC_CLIENT_ID);
    assert.equal(id.iss, `${emu.url}/${DEFAULT_TENANT_ID}/v2.0`);
    assert.equal(id.preferred_username, DEFAULT_USERNAME);
    assert.equal(id.oid, DEFAULT_USER_OBJECT_ID);
    assert.equal(id.tid, DEFAULT_TENANT_ID);

    const info = JSON.parse(Buffer.from(String(res.json.client_info), "base64url").toString("utf8")) as unknown;
    assert.deepEqual(info, { uid: DEFAULT_USER_OBJECT_ID, utid: DEFAULT_TENANT_ID });
    assert.ok(!String(res.json.client_info).includes("="), "base64url without padding");
  });

  it("finds the user's tenant on /organizations and omits client_info unless asked", async () => {
    const res = await ropc({ client_info: "0" }, "organizations");
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json.client_info, undefined);
    assert.equal(emu.decodeToken(String(res.json.access_token)).payload.tid, DEFAULT_TENANT_ID);
  });

  it("lets a confidential client sign in a user with its secret", async () => {
    const res = await ropc({ client_id: DEFAULT_CLIENT_ID, client_secret: DEFAULT_CLIENT_SECRET, scope: "User.Read openid" });
    assert.equal(res.status, 200, res.body);
    const access = emu.decodeToken(String(res.json.access_token)).payload;
    assert.equal(access.aud, "https://graph.microsoft.com");
    assert.equal(access.scp, "User.Read");
    assert.equal(access.appidacr, "1");
  });

  it("rejects a wrong password with AADSTS50126", async () => {
    const res = await ropc({ password: "wrong" });
    assert.equal(res.status, 400);
    assert.equal(res.json.error, "invalid_grant");
    assert.deepEqual(res.json.error_codes, [50126]);
  });

  it("requires MFA for a protected user: AADSTS50076 with suberror basic_action", async () => {
    const res = await ropc({ username: MFA_USER, password: "bob-password" });
    assert.equal(res.status, 400);
    assert.equal(res.json.error, "invalid_grant");
    assert.deepEqual(res.json.error_codes, [50076]);
    assert.equal(res.json.suberror, "basic_action");
  });

  it("rejects an unknown user and a confidential client without its secret", async () => {
    assert.deepEqual((await ropc({ username: "nobody@azid.onmicrosoft.com" })).json.error_codes, [50034]);
    const res = await ropc({ client_id: DEFAULT_CLIENT_ID });
    assert.equal(res.status, 401);
    assert.deepEqual(res.json.error_codes, [7000218]);
  });

  it("redeems the refresh token, and only for the client it was issued to", async () => {
    const first = await ropc();
    const refresh = (extra: Record<string, string>) =>
      send(emu, tokenPath(DEFAULT_TENANT_ID), {
        form: {
          client_id: DEFAULT_PUBLIC_CLIENT_ID,
          grant_type: "refresh_token",
          refresh_token: String(first.json.refresh_token),
          scope: "https://vault.azure.net/user_impersonation openid profile offline_access",
          client_info: "1",
          ...extra,
        },
      });
    const res = await refresh({});
    assert.equal(res.status, 200, res.body);
    assert.equal(emu.decodeToken(String(res.json.access_token)).payload.aud, "https://vault.azure.net");
    assert.equal(typeof res.json.refresh_token, "string");

    const mismatch = await refresh({ client_id: DEFAULT_CLIENT_ID, client_secret: DEFAULT_CLIENT_SECRET });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.json.error, "invalid_grant");

    const garbage = await refresh({ refresh_token: String(first.json.access_token) });
    assert.equal(garbage.json.error, "invalid_grant");
  });

  it("adds xms_cc to user tokens when cp1 is requested", async () => {
    const res = await ropc({ claims: JSON.stringify({ access_token: { xms_cc: { values: ["cp1"] } } }) });
    assert.deepEqual(emu.decodeToken(String(res.json.access_token)).payload.xms_cc, ["cp1"]);
  });

  it("family refresh tokens (FOCI): a Visual Studio token is redeemed by the Azure CLI client, with foci in the answer; a non-family token is not", async () => {
    const refresh = (refreshToken: string, clientId: string) =>
      send(emu, tokenPath(DEFAULT_TENANT_ID), {
        form: {
          client_id: clientId,
          grant_type: "refresh_token",
          refresh_token: refreshToken,
          scope: "https://management.azure.com/.default offline_access",
          client_info: "1",
        },
      });
    const visualStudio = await ropc({ client_id: VISUAL_STUDIO_CLIENT_ID });
    assert.equal(visualStudio.status, 200, visualStudio.body);
    assert.equal(visualStudio.json.foci, "1");
    const asCli = await refresh(String(visualStudio.json.refresh_token), AZURE_CLI_CLIENT_ID);
    assert.equal(asCli.status, 200, asCli.body);
    assert.equal(asCli.json.foci, "1");
    assert.equal(emu.decodeToken(String(asCli.json.access_token)).payload.appid, AZURE_CLI_CLIENT_ID);
    const publicApp = await ropc();
    assert.equal(publicApp.json.foci, undefined);
    const crossed = await refresh(String(publicApp.json.refresh_token), AZURE_CLI_CLIENT_ID);
    assert.equal(crossed.status, 400);
    assert.deepEqual(crossed.json.error_codes, [70000]);
  });
});
