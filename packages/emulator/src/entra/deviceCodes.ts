// Device codes between the start of a sign-in and the client's last poll: what /devicecode issued,
// what a person did with it on /devicelogin (or a test through emu.deviceCode), and when the client
// last polled. The store is its own file so the emulator context can hold it without importing the
// handlers that use it.
import { randomBytes, randomInt } from "node:crypto";
import type { AppRegistration, TenantConfig } from "../config.js";
import { splitScopes } from "./scopes.js";
import { findUser } from "./tenants.js";

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
    if (found === undefined)
      throw new RangeError(username === undefined ? "No user is configured to approve the device code" : `No configured user "${username}" can sign in here`);
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
