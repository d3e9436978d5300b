// Pre-seeds a signed-in user in an MSAL token cache file (protocols.md 7, A.5), as a Microsoft
// developer tool (Visual Studio) leaves it in ~/.IdentityService/msal.cache after a sign-in: an
// Account, its IdToken, a family refresh token and the AppMetadata, in MSAL Python's plaintext
// format. Whatever reads the file (SharedTokenCacheCredential) then redeems the refresh token here.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { VISUAL_STUDIO_CLIENT_ID, type EmulatorConfig } from "../config.js";
import { pairwiseSubject, userObjectId } from "../principals.js";
import type { SigningKey } from "../tokens/signingKey.js";
import { mintIdToken, mintRefreshToken } from "../tokens/userTokens.js";
import type { RefreshTokenRevocations } from "./refreshTokenRevocations.js";
import { findApp, findUser } from "./tenants.js";

export interface SharedTokenCacheOptions {
  /** The cache file to write, e.g. `<HOME>/.IdentityService/msal.cache` of a test's home directory. */
  path: string;
  /** default: the first user of the first tenant */
  username?: string;
  /** the app that "signed in"; default Visual Studio (872cd9fa-…, family "1") */
  clientId?: string;
  /** keep the accounts already in the file (default: replace the file) */
  merge?: boolean;
}

export interface SharedTokenCacheSettings {
  url: string;
  config: EmulatorConfig;
  signingKey: SigningKey;
  revocations: RefreshTokenRevocations;
}

export interface SeededAccount {
  path: string;
  username: string;
  tenantId: string;
  homeAccountId: string;
  clientId: string;
}

export async function writeSharedTokenCache(settings: SharedTokenCacheSettings, options: SharedTokenCacheOptions): Promise<SeededAccount> {
  if (typeof options?.path !== "string" || options.path === "")
    throw new TypeError("writeSharedTokenCache: path is required (never defaults to the real ~/.IdentityService).");
  const username = options.username ?? settings.config.tenants[0]?.users[0]?.username;
  if (username === undefined) throw new RangeError("writeSharedTokenCache: the configuration has no user.");
  const found = findUser(settings.config.tenants, username);
  if (found === undefined) throw new RangeError(`writeSharedTokenCache: no configured user ${JSON.stringify(username)}.`);
  const clientId = options.clientId ?? VISUAL_STUDIO_CLIENT_ID;
  const app = findApp(found.tenant, clientId);
  if (app === undefined) throw new RangeError(`writeSharedTokenCache: no app ${clientId} in tenant ${found.tenant.id}.`);

  const { tenant, user } = found;
  const objectId = userObjectId(tenant.id, user);
  const homeAccountId = `${objectId}.${tenant.id}`;
  const environment = new URL(settings.url).host;
  const now = String(Math.floor(Date.now() / 1000));
  const signedIn = {
    tenantId: tenant.id,
    objectId,
    subject: pairwiseSubject(objectId, app.clientId),
    username: user.username,
    ...(user.displayName ? { name: user.displayName } : {}),
  };
  const familyId = app.familyId;
  const key = (...parts: string[]) => parts.join("-").toLowerCase();

  const cache = options.merge ? await existing(options.path) : {};
  const section = (name: string) => (cache[name] ??= {});
  section("Account")[key(homeAccountId, environment, tenant.id)] = {
    home_account_id: homeAccountId,
    environment,
    realm: tenant.id,
    local_account_id: objectId,
    username: user.username,
    authority_type: "MSSTS",
    ...(user.displayName ? { name: user.displayName } : {}),
    account_source: "authorization_code",
  };
  section("IdToken")[key(homeAccountId, environment, "idtoken", app.clientId, tenant.id, "")] = {
    home_account_id: homeAccountId,
    environment,
    credential_type: "IdToken",
    client_id: app.clientId,
    secret: mintIdToken(settings.signingKey, `${settings.url}/${tenant.id}/v2.0`, app.clientId, signedIn),
    realm: tenant.id,
  };
  section("RefreshToken")[key(homeAccountId, environment, "refreshtoken", app.clientId, "", "")] = {
    home_account_id: homeAccountId,
    environment,
    credential_type: "RefreshToken",
    client_id: app.clientId,
    secret: mintRefreshToken(settings.signingKey, { tenantId: tenant.id, clientId: app.clientId, username: user.username }, settings.revocations.issueTime()),
    ...(familyId !== undefined ? { family_id: familyId } : {}),
    last_modification_time: now,
  };
  section("AppMetadata")[`appmetadata-${environment}-${app.clientId}`] = {
    client_id: app.clientId,
    environment,
    ...(familyId !== undefined ? { family_id: familyId } : {}),
  };

  await mkdir(dirname(options.path), { recursive: true, mode: 0o700 });
  const temporary = `${options.path}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temporary, JSON.stringify(cache, null, 4), { mode: 0o600 });
  await rename(temporary, options.path);
  return { path: options.path, username: user.username, tenantId: tenant.id, homeAccountId, clientId: app.clientId };
}

async function existing(path: string): Promise<Record<string, Record<string, unknown>>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, "utf8"));
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, Record<string, unknown>>) : {};
  } catch {
    return {};
  }
}
