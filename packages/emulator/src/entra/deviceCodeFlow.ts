// Device code (protocols.md 1.5.5): POST /{tenant}/oauth2/v2.0/devicecode starts a sign-in that a
// person finishes at /devicelogin (or a test with emu.deviceCode.approve), while the client polls
// the token endpoint with grant_type device_code (or its URN): authorization_pending until then,
// slow_down when it polls faster than `interval`, then tokens once, or declined / expired.
import { randomBytes, randomInt } from "node:crypto";
import type { AppRegistration, TenantConfig } from "../config.js";
import type { EmulatorContext } from "../context.js";
import { jsonResponse, type HttpResponse } from "../http/response.js";
import { requestsCaeCapability } from "./claimsRequest.js";
import { authenticateClient, requiredParameter } from "./clientAuthentication.js";
import { aadsts } from "./errors.js";
import { requireKnownResource } from "./resources.js";
import { delegatedScopes, splitScopes } from "./scopes.js";
import { candidateTenants, findAppForUserFlow, findUser, resolveTenant, type ResolvedTenant } from "./tenants.js";
import { issueUserTokens } from "./userGrants.js";

export interface DeviceCodeSettings {
  lifetimeSeconds: number;
  intervalSeconds: number;
  /** answer slow_down to polls closer together than the interval */
  slowDown: boolean;
}

export interface DeviceAuthorization {
  readonly deviceCode: string;
  readonly userCode: string;
  /** where the user may sign in */
  readonly tenants: TenantConfig[];
  /** the tenant the app was found in (where its credentials are checked) */
  readonly appTenant: TenantConfig;
  readonly app: AppRegistration;
  readonly scope: string;
  readonly cae: boolean;
  readonly expiresAt: number;
  readonly intervalSeconds: number;
  status: "pending" | "approved" | "denied";
  user?: { tenant: TenantConfig; username: string; mfa: boolean };
  lastPollAt?: number;
}

/** Letters and digits that cannot be confused with each other when read aloud or typed. */
const USER_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const USER_CODE_LENGTH = 9;
/** Poll timing measured at arrival jitters by network and event-loop delays; forgive a little. */
const SLOW_DOWN_TOLERANCE_MS = 200;

export class DeviceCodes {
  private readonly byDeviceCode = new Map<string, DeviceAuthorization>();

  constructor(readonly settings: DeviceCodeSettings) {}

  start(request: Omit<DeviceAuthorization, "deviceCode" | "userCode" | "expiresAt" | "intervalSeconds" | "status">): DeviceAuthorization {
    const now = Date.now();
    for (const [code, entry] of this.byDeviceCode) if (entry.expiresAt + 60_000 <= now) this.byDeviceCode.delete(code);
    let userCode: string;
    do userCode = Array.from({ length: USER_CODE_LENGTH }, () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)]).join("");
    while (this.byUserCode(userCode) !== undefined);
    const entry: DeviceAuthorization = {
      ...request,
      deviceCode: `DAQABIQEAAAD${randomBytes(48).toString("base64url")}`,
      userCode,
      expiresAt: now + this.settings.lifetimeSeconds * 1000,
      intervalSeconds: this.settings.intervalSeconds,
      status: "pending",
    };
    this.byDeviceCode.set(entry.deviceCode, entry);
    return entry;
  }

  byCode(deviceCode: string): DeviceAuthorization | undefined {
    return this.byDeviceCode.get(deviceCode);
  }

  /** Codes are matched as people type them: any case, with or without spaces and dashes. */
  byUserCode(userCode: string): DeviceAuthorization | undefined {
    const wanted = userCode.replace(/[\s-]/g, "").toUpperCase();
    for (const entry of this.byDeviceCode.values()) if (entry.userCode === wanted) return entry;
    return undefined;
  }

  /** A code a person may still act on: known, unexpired and pending. Throws RangeError otherwise. */
  actionable(userCode: string): DeviceAuthorization {
    const entry = this.byUserCode(userCode);
    if (entry === undefined) throw new RangeError(`No device code with user code "${userCode}"`);
    if (entry.expiresAt <= Date.now()) throw new RangeError(`The device code "${entry.userCode}" has expired`);
    if (entry.status !== "pending") throw new RangeError(`The device code "${entry.userCode}" was already ${entry.status}`);
    return entry;
  }

  /** Signs `username` (default: the first configured user) in on the code's page. */
  approve(userCode: string, username?: string): void {
    const entry = this.actionable(userCode);
    const found = username === undefined ? firstUser(entry.tenants) : findUser(entry.tenants, username);
    if (found === undefined) throw new RangeError(username === undefined ? "No user is configured to approve the device code" : `No configured user "${username}" can sign in here`);
    // An MFA-required user signing in on a page is taken to have completed MFA there.
    entry.user = { tenant: found.tenant, username: found.user.username, mfa: found.user.mfaRequired === true };
    entry.status = "approved";
  }

  deny(userCode: string): void {
    this.actionable(userCode).status = "denied";
  }

  pending(): Array<{ userCode: string; clientId: string; scopes: string[] }> {
    const now = Date.now();
    return [...this.byDeviceCode.values()]
      .filter((entry) => entry.status === "pending" && entry.expiresAt > now)
      .map((entry) => ({ userCode: entry.userCode, clientId: entry.app.clientId, scopes: splitScopes(entry.scope) }));
  }

  remove(entry: DeviceAuthorization): void {
    this.byDeviceCode.delete(entry.deviceCode);
  }
}

function firstUser(tenants: TenantConfig[]) {
  for (const tenant of tenants) {
    const user = tenant.users[0];
    if (user !== undefined) return { tenant, user };
  }
  return undefined;
}

/** POST /{tenant}/oauth2/v2.0/devicecode */
export function startDeviceCode(context: EmulatorContext, tenantSegment: string, form: Record<string, string>): HttpResponse {
  const resolved = resolveTenant(context.config, tenantSegment);
  const clientId = requiredParameter(form, "client_id");
  const scope = requiredParameter(form, "scope");
  const scopes = delegatedScopes(scope); // invalid scopes fail now, not at the end of the sign-in
  const cae = requestsCaeCapability(form.claims);
  const found = findAppForUserFlow(context.config, resolved, clientId);
  if (found === undefined) throw aadsts.appNotFound(clientId, resolved.kind === "tenant" ? resolved.tenant.id : resolved.alias);
  requireKnownResource(context.config, candidateTenants(context.config, resolved), scopes.resource);

  const entry = context.interactive.deviceCodes.start({ tenants: candidateTenants(context.config, resolved), appTenant: found.tenant, app: found.app, scope, cae });
  const verificationUri = `${context.url}/devicelogin`;
  return jsonResponse(200, {
    user_code: entry.userCode,
    device_code: entry.deviceCode,
    verification_uri: verificationUri,
    expires_in: context.interactive.deviceCodes.settings.lifetimeSeconds,
    interval: entry.intervalSeconds,
    message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${entry.userCode} to authenticate.`,
  });
}

/** grant_type=device_code or urn:ietf:params:oauth:grant-type:device_code */
export async function deviceCodeGrant(context: EmulatorContext, resolved: ResolvedTenant, form: Record<string, string>): Promise<HttpResponse> {
  const clientId = requiredParameter(form, "client_id");
  const deviceCode = requiredParameter(form, "device_code");
  const codes = context.interactive.deviceCodes;
  const entry = codes.byCode(deviceCode);
  if (entry === undefined || entry.app.clientId.toLowerCase() !== clientId.toLowerCase() || !inTenant(entry, resolved)) throw aadsts.badVerificationCode();
  const { app, appidacr } = await authenticateClient(context, entry.appTenant, form, false);

  const now = Date.now();
  if (now >= entry.expiresAt) throw aadsts.expiredDeviceCode();
  const previous = entry.lastPollAt;
  entry.lastPollAt = now;
  if (codes.settings.slowDown && previous !== undefined && now - previous < entry.intervalSeconds * 1000 - SLOW_DOWN_TOLERANCE_MS) throw aadsts.slowDown(entry.intervalSeconds);
  if (entry.status === "pending") throw aadsts.authorizationPending();
  if (entry.status === "denied") throw aadsts.authorizationDeclined();

  const signedIn = entry.user!;
  const user = findUser([signedIn.tenant], signedIn.username)?.user;
  if (user === undefined) throw aadsts.userNotFound(signedIn.username, signedIn.tenant.id);
  codes.remove(entry); // tokens once; the code is unknown afterwards
  const scope = form.scope === undefined || form.scope === "" ? entry.scope : form.scope;
  return issueUserTokens(context, {
    tenant: signedIn.tenant,
    app,
    user,
    appidacr,
    scope,
    cae: entry.cae || requestsCaeCapability(form.claims),
    wantsClientInfo: form.client_info === "1",
    mfa: signedIn.mfa,
  });
}

function inTenant(entry: DeviceAuthorization, resolved: ResolvedTenant): boolean {
  return resolved.kind === "multi" || entry.tenants.some((tenant) => tenant.id === resolved.tenant.id);
}
