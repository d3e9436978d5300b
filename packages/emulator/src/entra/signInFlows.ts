// What the sign-in pages share between requests: one "flow" per rendered page (its id is the
// form's anti-CSRF token and is bound to the browser's cookie), the consent users gave, and the
// sign-in form itself (pick an account, password, consent, cancel) for /authorize and /devicelogin.
import { randomBytes } from "node:crypto";
import type { AppRegistration, TenantConfig, UserConfig } from "../config.js";
import { htmlResponse, type HttpResponse } from "../http/response.js";
import { consentPage, signInPage } from "../pages/signInPages.js";
import { delegatedPermissions } from "./scopes.js";
import { secretsEqual } from "./secretComparison.js";
import { findUser } from "./tenants.js";

const FLOW_LIFETIME_MS = 30 * 60_000;
const BROWSER_COOKIE = "azid-emulator-browser";

/** Who the page signs in, to which app, and what happens afterwards (set once known). */
export interface SignInTarget {
  /** where the user may live: the requested tenant, or every tenant for /common and /organizations */
  tenants: TenantConfig[];
  app: AppRegistration;
  scope: string;
  /** prompt=consent: ask even if the user consented before */
  forceConsent: boolean;
}

export interface SignInFlow<T> {
  readonly id: string;
  readonly browser: string;
  readonly expiresAt: number;
  target?: SignInTarget;
  /** set once the password checked out while consent is still pending */
  user?: { tenant: TenantConfig; user: UserConfig };
  /** what the route needs to finish (the authorize request, the device code) */
  data: T;
}

export class SignInFlows {
  private readonly flows = new Map<string, SignInFlow<unknown>>();
  private readonly consents = new Set<string>();

  create<T>(browser: string, data: T, target?: SignInTarget): SignInFlow<T> {
    const now = Date.now();
    for (const [id, flow] of this.flows) if (flow.expiresAt <= now) this.flows.delete(id);
    const flow: SignInFlow<T> = {
      id: randomBytes(24).toString("base64url"),
      browser,
      expiresAt: now + FLOW_LIFETIME_MS,
      data,
      ...(target === undefined ? {} : { target }),
    };
    this.flows.set(flow.id, flow);
    return flow;
  }

  /** The flow a posted form belongs to, only from the browser it was rendered for. */
  find<T>(id: string | undefined, browser: string | undefined): SignInFlow<T> | undefined {
    const flow = id === undefined ? undefined : this.flows.get(id);
    if (flow === undefined || flow.expiresAt <= Date.now() || browser === undefined || flow.browser !== browser) return undefined;
    return flow as SignInFlow<T>;
  }

  end(flow: SignInFlow<unknown>): void {
    this.flows.delete(flow.id);
  }

  hasConsent(tenant: TenantConfig, app: AppRegistration, user: UserConfig): boolean {
    return this.consents.has(consentKey(tenant, app, user));
  }

  recordConsent(tenant: TenantConfig, app: AppRegistration, user: UserConfig): void {
    this.consents.add(consentKey(tenant, app, user));
  }
}

function consentKey(tenant: TenantConfig, app: AppRegistration, user: UserConfig): string {
  return `${tenant.id}|${app.clientId.toLowerCase()}|${user.username.toLowerCase()}`;
}

/** The browser's session id from its cookie, and a Set-Cookie header when it has none yet. */
export function browserSession(headers: Record<string, string>, secure: boolean): { id: string; setCookie?: Record<string, string> } {
  const existing = readCookie(headers.cookie, BROWSER_COOKIE);
  if (existing !== undefined && /^[A-Za-z0-9_-]{32}$/.test(existing)) return { id: existing };
  const id = randomBytes(24).toString("base64url");
  return { id, setCookie: { "set-cookie": `${BROWSER_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}` } };
}

export function readBrowserCookie(headers: Record<string, string>): string | undefined {
  return readCookie(headers.cookie, BROWSER_COOKIE);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

/** What the sign-in form's post led to. */
export type SignInOutcome = { kind: "page"; response: HttpResponse } | { kind: "cancelled" } | { kind: "signedIn"; tenant: TenantConfig; user: UserConfig };

export function renderSignIn(
  action: string,
  flow: SignInFlow<unknown>,
  target: SignInTarget,
  username: string,
  error?: string,
  headers: Record<string, string> = {},
): HttpResponse {
  const accounts = target.tenants.flatMap((tenant) =>
    tenant.users.map((user) => ({ username: user.username, ...(user.displayName === undefined ? {} : { displayName: user.displayName }) })),
  );
  const appName = target.app.displayName ?? target.app.clientId;
  return htmlResponse(200, signInPage({ action, flowId: flow.id, appName, username, accounts, ...(error === undefined ? {} : { error }) }), headers);
}

/**
 * One post of the sign-in form. MFA-required users sign in here like anyone else: interaction is
 * how they satisfy the policy that makes ROPC fail for them.
 */
export function processSignInForm(
  flows: SignInFlows,
  action: string,
  flow: SignInFlow<unknown>,
  target: SignInTarget,
  form: Record<string, string>,
): SignInOutcome {
  const button = form.action ?? (form.pick === undefined ? "sign-in" : "pick");
  if (form.pick !== undefined) return { kind: "page", response: renderSignIn(action, flow, target, form.pick) };
  if (button === "cancel") return { kind: "cancelled" };

  if (button === "accept") {
    if (flow.user === undefined) return { kind: "page", response: renderSignIn(action, flow, target, "", "Sign in first.") };
    flows.recordConsent(flow.user.tenant, target.app, flow.user.user);
    return { kind: "signedIn", ...flow.user };
  }

  const username = (form.username ?? "").trim();
  const password = form.password ?? "";
  if (username === "") return { kind: "page", response: renderSignIn(action, flow, target, "", "Enter a valid email address or username.") };
  const found = findUser(target.tenants, username);
  if (found === undefined) {
    return {
      kind: "page",
      response: renderSignIn(
        action,
        flow,
        target,
        username,
        `AADSTS50034: We couldn't find an account with that username (${username}). Try another, or pick an account below.`,
      ),
    };
  }
  if (password === "") return { kind: "page", response: renderSignIn(action, flow, target, username, "Please enter your password.") };
  if (!secretsEqual(found.user.password, password)) {
    return { kind: "page", response: renderSignIn(action, flow, target, username, "AADSTS50126: Your account or password is incorrect.") };
  }
  if (target.forceConsent || (target.app.requireUserConsent === true && !flows.hasConsent(found.tenant, target.app, found.user))) {
    flow.user = found;
    return {
      kind: "page",
      response: htmlResponse(
        200,
        consentPage({
          action,
          flowId: flow.id,
          appName: target.app.displayName ?? target.app.clientId,
          username: found.user.username,
          permissions: delegatedPermissions(target.scope),
        }),
      ),
    };
  }
  return { kind: "signedIn", ...found };
}
