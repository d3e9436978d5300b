// The MSAL unified token cache (the JSON msal-node, MSAL Python, MSAL.NET and the Azure CLI share):
// sections AccessToken, RefreshToken, IdToken, Account and AppMetadata, each a map from a key to an
// entry with snake_case fields. Keys are written as msal-node 7 builds them
// (`<home_account_id>-<environment>-<credential_type>-<client_id|family_id>-<realm>-<target>-<scheme>`,
// lowercased; accounts `<home_account_id>-<environment>-<home tenant>`; `appmetadata-<environment>-<client_id>`),
// but entries are found by their fields, never by key, so caches written by Python (keys without the
// trailing scheme) read the same. Everything this module does not write is kept as it was.
import { expiryProblem } from "../../core/expiry.js";
import { refreshSchedule } from "../../core/cache/tokenCache.js";
import type { AccessToken } from "../../core/types.js";

export type UnifiedCache = Record<string, unknown>;
type Entry = Record<string, unknown>;

/** Hosts one cache entry may be recorded under for the public cloud (MSAL's aliases). */
const PUBLIC_CLOUD_ALIASES = ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"];
/** MSAL leaves these out of an access token's target when it looks one up. */
const OIDC_SCOPES = new Set(["openid", "profile", "offline_access"]);
/** Authorities that are not a tenant: the token's realm is the account's tenant. */
const TENANT_ALIASES = new Set(["common", "organizations", "consumers"]);

export function parseUnifiedCache(text: string | undefined): UnifiedCache {
  if (text === undefined || text.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {}; // a corrupt cache reads as empty and is replaced by the next write (plugins.md)
  }
}

export function serializeUnifiedCache(cache: UnifiedCache): string {
  return JSON.stringify(cache);
}

export function environmentsFor(environment: string): string[] {
  const host = environment.toLowerCase();
  if (PUBLIC_CLOUD_ALIASES.includes(host)) return PUBLIC_CLOUD_ALIASES;
  // msal-node records `host:port`, MSAL Python the host name alone (an emulator, Azure Stack on a port).
  const bare = host.replace(/:\d+$/, "");
  return bare === host ? [host] : [host, bare];
}

/** The realm MSAL records a token under: the tenant asked for, or the account's own for `common` & co. */
export function realmFor(tenantId: string, accountTenantId: string | undefined): string {
  return TENANT_ALIASES.has(tenantId.toLowerCase()) && accountTenantId !== undefined ? accountTenantId : tenantId;
}

export interface AccessTokenQuery {
  environment: string;
  clientId: string;
  /** "" for app-only tokens. */
  homeAccountId: string;
  realm: string;
  scopes: readonly string[];
  /** On-behalf-of tokens: the hash of the user assertion (msal-node's `userAssertionHash`). */
  userAssertionHash?: string;
  now: number;
}

/**
 * A cached access token for the query that is still before its refresh point (past it, the caller
 * should refresh; the entry is still returned as `fallback` while usable, as MSAL does).
 */
export function findAccessToken(cache: UnifiedCache, query: AccessTokenQuery): { token: AccessToken; fresh: boolean } | undefined {
  const environments = environmentsFor(query.environment);
  const wanted = query.scopes.map((s) => s.toLowerCase()).filter((s) => !OIDC_SCOPES.has(s));
  let best: { token: AccessToken; fresh: boolean } | undefined;
  for (const entry of Object.values(section(cache, "AccessToken"))) {
    if (!isRecord(entry) || !matchesCredential(entry, "accesstoken", environments, query.clientId, query.homeAccountId)) continue;
    if (str(entry.realm).toLowerCase() !== query.realm.toLowerCase()) continue;
    if ((entry.userAssertionHash ?? entry.user_assertion_hash ?? undefined) !== query.userAssertionHash) continue;
    if (str(entry.token_type) !== "" && str(entry.token_type).toLowerCase() !== "bearer") continue;
    const target = new Set(str(entry.target).toLowerCase().split(/\s+/));
    if (wanted.length === 0 || !wanted.every((scope) => target.has(scope))) continue;
    const secret = str(entry.secret);
    const expiresOn = seconds(entry.expires_on);
    // An absurd expiry (1e308, milliseconds as seconds) is not believed: core/expiry.ts, one rule for every source.
    if (secret === "" || expiresOn === undefined || expiryProblem(expiresOn * 1000, query.now) !== undefined) continue;
    const token: AccessToken = { token: secret, expiresOnTimestamp: expiresOn * 1000, tokenType: "Bearer" };
    const refreshOn = seconds(entry.refresh_on);
    if (refreshOn !== undefined) token.refreshAfterTimestamp = refreshOn * 1000;
    const cachedAt = (seconds(entry.cached_at) ?? query.now / 1000) * 1000;
    const { refreshAt, usableUntil } = refreshSchedule(token, Math.min(cachedAt, query.now));
    if (query.now >= usableUntil) continue;
    const candidate = { token: { ...token, refreshAfterTimestamp: refreshAt }, fresh: query.now < refreshAt };
    if (best === undefined || candidate.token.expiresOnTimestamp > best.token.expiresOnTimestamp) best = candidate;
  }
  return best;
}

/** The account's refresh token for this client (or a family token, which any member of the family may redeem). */
export function findRefreshToken(cache: UnifiedCache, query: { environment: string; clientId: string; homeAccountId: string }): string | undefined {
  const environments = environmentsFor(query.environment);
  let family: string | undefined;
  for (const entry of Object.values(section(cache, "RefreshToken"))) {
    if (!isRecord(entry) || str(entry.home_account_id) !== query.homeAccountId || !environments.includes(str(entry.environment).toLowerCase())) continue;
    if (str(entry.credential_type).toLowerCase() !== "refreshtoken" || str(entry.secret) === "") continue;
    if (str(entry.client_id).toLowerCase() === query.clientId.toLowerCase()) return str(entry.secret);
    if (str(entry.family_id) === "1") family ??= str(entry.secret);
  }
  return family;
}

export interface AccessTokenWrite {
  environment: string;
  clientId: string;
  homeAccountId: string;
  realm: string;
  scopes: readonly string[];
  token: AccessToken;
  userAssertionHash?: string;
  now: number;
}

/** Stores an access token, replacing those of the same identity whose scopes overlap it (as MSAL does). */
export function writeAccessToken(cache: UnifiedCache, write: AccessTokenWrite): void {
  const tokens = ensureSection(cache, "AccessToken");
  const environments = environmentsFor(write.environment);
  const scopes = write.scopes.map((s) => s.toLowerCase());
  for (const [key, entry] of Object.entries(tokens)) {
    if (!isRecord(entry) || !matchesCredential(entry, "accesstoken", environments, write.clientId, write.homeAccountId)) continue;
    if (str(entry.realm).toLowerCase() !== write.realm.toLowerCase()) continue;
    if ((entry.userAssertionHash ?? entry.user_assertion_hash ?? undefined) !== write.userAssertionHash) continue;
    const target = str(entry.target).toLowerCase().split(/\s+/);
    const expired = (seconds(entry.expires_on) ?? 0) * 1000 <= write.now;
    if (expired || target.some((scope) => scopes.includes(scope) && !OIDC_SCOPES.has(scope))) delete tokens[key];
  }
  const target = write.scopes.join(" ");
  const entry: Entry = {
    home_account_id: write.homeAccountId,
    environment: write.environment,
    credential_type: "AccessToken",
    client_id: write.clientId,
    secret: write.token.token,
    realm: write.realm,
    target,
    cached_at: String(Math.floor(write.now / 1000)),
    expires_on: String(Math.floor(write.token.expiresOnTimestamp / 1000)),
    extended_expires_on: String(Math.floor(write.token.expiresOnTimestamp / 1000)),
    token_type: "Bearer",
  };
  if (write.token.refreshAfterTimestamp !== undefined) entry.refresh_on = String(Math.floor(write.token.refreshAfterTimestamp / 1000));
  if (write.userAssertionHash !== undefined) entry.userAssertionHash = write.userAssertionHash;
  // On-behalf-of tokens of different users share every other key part here (azid stores them without
  // the user's account), so the assertion hash ends the key, as msal-node appends extra key components.
  const key = credentialKey(write.homeAccountId, write.environment, "AccessToken", write.clientId, write.realm, target);
  tokens[write.userAssertionHash === undefined ? key : `${key}-${write.userAssertionHash}`] = entry;
}

export interface UserEntriesWrite {
  environment: string;
  clientId: string;
  homeAccountId: string;
  /** The account's tenant (the id token's `tid`). */
  realm: string;
  username: string;
  refreshToken?: string | undefined;
  idToken?: string | undefined;
  clientInfo?: string | undefined;
  /** The id token's `oid` (else `sub`). */
  localAccountId: string;
  displayName?: string | undefined;
}

/** Stores a signed-in account's refresh token, id token, Account and AppMetadata entries. */
export function writeUserEntries(cache: UnifiedCache, write: UserEntriesWrite): void {
  const { environment, clientId, homeAccountId, realm } = write;
  const environments = environmentsFor(environment);
  if (write.refreshToken !== undefined) {
    const tokens = ensureSection(cache, "RefreshToken");
    for (const [key, entry] of Object.entries(tokens)) {
      // One refresh token per account and client: the newest (Entra rotates them), whoever wrote the older.
      if (isRecord(entry) && matchesCredential(entry, "refreshtoken", environments, clientId, homeAccountId) && str(entry.family_id) === "") delete tokens[key];
    }
    tokens[credentialKey(homeAccountId, environment, "RefreshToken", clientId, "", "")] = {
      home_account_id: homeAccountId,
      environment,
      credential_type: "RefreshToken",
      client_id: clientId,
      secret: write.refreshToken,
      last_modification_time: String(Math.floor(Date.now() / 1000)),
    };
  }
  if (write.idToken !== undefined) {
    const tokens = ensureSection(cache, "IdToken");
    for (const [key, entry] of Object.entries(tokens)) {
      if (isRecord(entry) && matchesCredential(entry, "idtoken", environments, clientId, homeAccountId) && str(entry.realm) === realm) delete tokens[key];
    }
    tokens[credentialKey(homeAccountId, environment, "IdToken", clientId, realm, "")] = {
      home_account_id: homeAccountId,
      environment,
      credential_type: "IdToken",
      client_id: clientId,
      secret: write.idToken,
      realm,
    };
  }
  const homeTenant = homeAccountId.split(".")[1] || realm;
  const accounts = ensureSection(cache, "Account");
  const account: Entry = {
    home_account_id: homeAccountId,
    environment,
    realm,
    local_account_id: write.localAccountId,
    username: write.username,
    authority_type: "MSSTS",
  };
  if (write.displayName !== undefined) account.name = write.displayName;
  if (write.clientInfo !== undefined) account.client_info = write.clientInfo;
  const accountKey = [homeAccountId, environment, homeTenant].join("-").toLowerCase();
  accounts[accountKey] = { ...(isRecord(accounts[accountKey]) ? accounts[accountKey] : {}), ...account };
  const metadata = ensureSection(cache, "AppMetadata");
  const metadataKey = `appmetadata-${environment}-${clientId}`.toLowerCase();
  if (!isRecord(metadata[metadataKey])) metadata[metadataKey] = { client_id: clientId, environment };
}

/** Drops a refresh token Entra rejected, if the cache still holds that very one (another process may have rotated it). */
export function removeRefreshToken(cache: UnifiedCache, query: { environment: string; homeAccountId: string; secret: string }): void {
  const tokens = ensureSection(cache, "RefreshToken");
  const environments = environmentsFor(query.environment);
  for (const [key, entry] of Object.entries(tokens)) {
    if (!isRecord(entry) || str(entry.home_account_id) !== query.homeAccountId || !environments.includes(str(entry.environment).toLowerCase())) continue;
    if (entry.secret === query.secret) delete tokens[key];
  }
}

function credentialKey(homeAccountId: string, environment: string, type: string, clientId: string, realm: string, target: string): string {
  return [homeAccountId, environment, type, clientId, realm, target, ""].join("-").toLowerCase();
}

function matchesCredential(entry: Entry, type: string, environments: string[], clientId: string, homeAccountId: string): boolean {
  return (
    str(entry.credential_type).toLowerCase() === type &&
    str(entry.client_id).toLowerCase() === clientId.toLowerCase() &&
    str(entry.home_account_id) === homeAccountId &&
    environments.includes(str(entry.environment).toLowerCase())
  );
}

function section(cache: UnifiedCache, name: string): Record<string, unknown> {
  const value = cache[name];
  return isRecord(value) ? value : {};
}

function ensureSection(cache: UnifiedCache, name: string): Record<string, unknown> {
  const value = cache[name];
  if (isRecord(value)) return value;
  const created: Record<string, unknown> = {};
  cache[name] = created;
  return created;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** MSAL writes epoch seconds as strings (msal-node, Python) or numbers (some older writers). */
function seconds(value: unknown): number | undefined {
  const number = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : typeof value === "number" ? value : NaN;
  return Number.isFinite(number) && number > 0 ? number : undefined;
}
