// Refresh-token rotation and revocation, and the on-behalf-of grant, over real HTTPS.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PASSWORD, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_TENANT_ID, DEFAULT_USERNAME } from "@azid/emulator";
import { send, startTestEmulator, tokenPath } from "./support/client.js";

const OBO = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const SECOND_USER = "carol@azid.onmicrosoft.com";

describe("refresh token rotation and revocation", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator();
    emu.config.tenants[0]!.users.push({ username: SECOND_USER, password: "carol-password" });
  });
  after(() => emu.stop());

  const ropc = (username = DEFAULT_USERNAME, password = DEFAULT_PASSWORD) =>
    send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: {
        client_id: DEFAULT_PUBLIC_CLIENT_ID,
        grant_type: "password",
        username,
        password,
        scope: "https://storage.azure.com/.default openid offline_access",
      },
    });
  const refresh = (refreshToken: string, extra: Record<string, string> = {}) =>
    send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: {
        client_id: DEFAULT_PUBLIC_CLIENT_ID,
        grant_type: "refresh_token",
        refresh_token: refreshToken,
        scope: "https://vault.azure.net/.default openid profile offline_access",
        client_info: "1",
        ...extra,
      },
    });

  it("rotates: every redemption returns a new refresh token, and older ones keep working", async () => {
    const first = String((await ropc()).json.refresh_token);
    const second = await refresh(first);
    assert.equal(second.status, 200, second.body);
    const rotated = String(second.json.refresh_token);
    assert.notEqual(rotated, first);
    assert.equal((await refresh(rotated)).status, 200);
    assert.equal((await refresh(first)).status, 200, "the old one is still valid, as in Entra");
  });

  it("accepts a claims challenge on refresh and honours cp1", async () => {
    const rt = String((await ropc()).json.refresh_token);
    const claims = JSON.stringify({ access_token: { nbf: { essential: true, value: "1700000000" }, xms_cc: { values: ["cp1"] } } });
    const res = await refresh(rt, { claims });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(emu.decodeToken(String(res.json.access_token)).payload.xms_cc, ["cp1"]);
  });

  it("revokeRefreshTokens(username) rejects that user's earlier tokens with AADSTS50173 + bad_token; later ones and other users' work", async () => {
    const alice = String((await ropc()).json.refresh_token);
    const carol = String((await ropc(SECOND_USER, "carol-password")).json.refresh_token);
    emu.revokeRefreshTokens(DEFAULT_USERNAME);
    const revoked = await refresh(alice);
    assert.equal(revoked.status, 400);
    assert.equal(revoked.json.error, "invalid_grant");
    assert.deepEqual(revoked.json.error_codes, [50173]);
    assert.equal(revoked.json.suberror, "bad_token");
    assert.equal((await refresh(carol)).status, 200);
    const fresh = String((await ropc()).json.refresh_token);
    assert.equal((await refresh(fresh)).status, 200, "a token issued after the revocation works");

    emu.revokeRefreshTokens();
    assert.deepEqual((await refresh(carol)).json.error_codes, [50173]);
    assert.deepEqual((await refresh(fresh)).json.error_codes, [50173]);
  });

  it("the control API revokes too", async () => {
    const rt = String((await ropc()).json.refresh_token);
    assert.equal((await send(emu, "/_emulator/refresh-tokens/revoke", { json: { username: DEFAULT_USERNAME } })).status, 200);
    assert.deepEqual((await refresh(rt)).json.error_codes, [50173]);
  });
});

describe("on-behalf-of", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(() => emu.stop());

  /** What the web API received from its caller: a user token for the API itself. */
  const userTokenFor = async (scope: string, target = emu) => {
    const res = await send(target, tokenPath(DEFAULT_TENANT_ID), {
      form: { client_id: DEFAULT_PUBLIC_CLIENT_ID, grant_type: "password", username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD, scope },
    });
    assert.equal(res.status, 200, res.body);
    return String(res.json.access_token);
  };
  const exchange = (assertion: string, extra: Record<string, string> = {}, target = emu) =>
    send(target, tokenPath(DEFAULT_TENANT_ID), {
      form: {
        client_id: DEFAULT_CLIENT_ID,
        client_secret: DEFAULT_CLIENT_SECRET,
        grant_type: OBO,
        requested_token_use: "on_behalf_of",
        assertion,
        scope: "https://storage.azure.com/.default openid offline_access",
        client_info: "1",
        ...extra,
      },
    });

  it("exchanges a user token addressed to api://<client id> (or the bare client id) for a downstream token as the same user", async () => {
    for (const scope of [`api://${DEFAULT_CLIENT_ID}/.default`, `${DEFAULT_CLIENT_ID}/.default`]) {
      const assertion = await userTokenFor(scope);
      const res = await exchange(assertion);
      assert.equal(res.status, 200, res.body);
      const access = emu.decodeToken(String(res.json.access_token)).payload;
      assert.equal(access.aud, "https://storage.azure.com");
      assert.equal(access.upn, DEFAULT_USERNAME);
      assert.equal(access.appid, DEFAULT_CLIENT_ID);
      assert.equal(access.appidacr, "1");
      assert.equal(access.scp, "user_impersonation");
      assert.equal(typeof res.json.refresh_token, "string");
    }
  });

  it("rejects a token for another audience with AADSTS50013", async () => {
    const res = await exchange(await userTokenFor("https://storage.azure.com/.default"));
    assert.equal(res.status, 400);
    assert.equal(res.json.error, "invalid_grant");
    assert.deepEqual(res.json.error_codes, [50013]);
    assert.match(String(res.json.error_description), /audience in the assertion was 'https:\/\/storage.azure.com'/);
  });

  it("rejects an expired assertion with AADSTS500133", async () => {
    const shortLived = await startTestEmulator({ accessTokenLifetimeSeconds: 1 });
    try {
      const assertion = await userTokenFor(`api://${DEFAULT_CLIENT_ID}/.default`, shortLived);
      await sleep(1100);
      const res = await exchange(assertion, {}, shortLived);
      assert.equal(res.status, 400);
      assert.equal(res.json.error, "invalid_grant");
      assert.deepEqual(res.json.error_codes, [500133]);
    } finally {
      await shortLived.stop();
    }
  });

  it("rejects forged or app-only assertions, wrong requested_token_use, and an unauthenticated or public client", async () => {
    const good = await userTokenFor(`api://${DEFAULT_CLIENT_ID}/.default`);
    const [h, p] = good.split(".");
    const forged = `${h}.${p}.${Buffer.from("not a signature").toString("base64url")}`;
    assert.deepEqual((await exchange(forged)).json.error_codes, [50013]);
    assert.equal((await exchange(good, { requested_token_use: "something_else" })).json.error, "invalid_request");
    const appOnly = await send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: {
        client_id: DEFAULT_CLIENT_ID,
        client_secret: DEFAULT_CLIENT_SECRET,
        grant_type: "client_credentials",
        scope: `api://${DEFAULT_CLIENT_ID}/.default`,
      },
    });
    assert.deepEqual((await exchange(String(appOnly.json.access_token))).json.error_codes, [50013]);
    const noSecret = await send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: {
        client_id: DEFAULT_CLIENT_ID,
        grant_type: OBO,
        requested_token_use: "on_behalf_of",
        assertion: good,
        scope: "https://storage.azure.com/.default",
      },
    });
    assert.deepEqual(noSecret.json.error_codes, [7000218]);
    const publicClient = await send(emu, tokenPath(DEFAULT_TENANT_ID), {
      form: {
        client_id: DEFAULT_PUBLIC_CLIENT_ID,
        grant_type: OBO,
        requested_token_use: "on_behalf_of",
        assertion: good,
        scope: "https://storage.azure.com/.default",
      },
    });
    assert.equal(publicClient.status, 401);
  });

  it("honours cp1 on the exchange", async () => {
    const res = await exchange(await userTokenFor(`api://${DEFAULT_CLIENT_ID}/.default`), {
      claims: JSON.stringify({ access_token: { xms_cc: { values: ["cp1"] } } }),
    });
    assert.deepEqual(emu.decodeToken(String(res.json.access_token)).payload.xms_cc, ["cp1"]);
  });
});
