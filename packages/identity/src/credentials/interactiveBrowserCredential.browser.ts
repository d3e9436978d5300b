// InteractiveBrowserCredential in a web page (the `browser` build picks this file in place of
// interactiveBrowserCredential.ts, so index.ts exports it):
// a single-page app signs its user in with a popup (default) or by redirecting the page, with the
// authorization code flow, PKCE S256, state and nonce (sources/spaSignIn/). Tokens come from the one
// cache first, then the refresh token (silent renewal; Entra issues SPA redirect URIs 24-hour ones),
// and only then from a new sign-in (providers/userTokens.ts, shared with the Node credential).
//
// A redirect sign-in ends when the app loads again: the constructor starts handling the response
// in the address bar (as @azure/identity does), and the first getToken()/authenticate() waits for it.
import type { TokenCredentialOptions } from "../core/options.js";
import { RefreshTokenStore, tokenCache } from "../core/cache/tokenCache.js";
import { credentialLogger } from "../core/logger.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import { createUserTokenClient, type UserTokenClient } from "../providers/userTokens.js";
import { resolveAuthorityHost } from "../sources/entra/authority.js";
import type { AuthenticationRecord } from "../sources/entra/authenticationRecord.js";
import { recordFor } from "../sources/entra/authenticationRecord.js";
import { browserWindow } from "../sources/spaSignIn/browserWindow.js";
import { loadSession, saveSession } from "../sources/spaSignIn/sessionCache.js";
import { completeRedirectSignIn, redeemSignIn, runSpaSignIn, type BrowserLoginStyle, type ReturnedSignIn } from "../sources/spaSignIn/spaSignIn.js";
import type { InteractiveBrowserCredentialInBrowserOptions } from "./interactiveBrowserCredential.js";

export type { BrowserLoginStyle };

/** The Node build's InteractiveBrowserCredentialInBrowserOptions (cacheLocation and timeoutInMs are azid's) with the shared credential options. */
export interface InteractiveBrowserCredentialBrowserOptions extends InteractiveBrowserCredentialInBrowserOptions, TokenCredentialOptions {}

const NAME = "InteractiveBrowserCredential";
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

export class InteractiveBrowserCredential implements TokenCredential {
  readonly #client: UserTokenClient;
  readonly #authorityHost: string;
  readonly #clientId: string;
  readonly #persist: boolean;
  /** The redirect sign-in this page load completes, if any; awaited by the first calls. */
  #returning: Promise<AuthenticationRecord | undefined> | undefined;
  /** A checked redirect response, redeemed by the next interaction instead of a new sign-in. */
  #returned: ReturnedSignIn | undefined;

  constructor(options: InteractiveBrowserCredentialBrowserOptions) {
    const clientId = options?.clientId;
    if (typeof clientId !== "string" || clientId === "") {
      throw new TypeError(
        `${NAME}: clientId is required in the browser: the id of an app registration with this page's address as a "Single-page application" redirect URI.`,
      );
    }
    const loginStyle: BrowserLoginStyle = options.loginStyle ?? "popup";
    if (loginStyle !== "popup" && loginStyle !== "redirect") {
      throw new TypeError(`${NAME}: invalid loginStyle ${JSON.stringify(loginStyle)}; use "popup" or "redirect".`);
    }
    const cacheLocation = options.cacheLocation ?? "memory";
    if (cacheLocation !== "memory" && cacheLocation !== "sessionStorage") {
      throw new TypeError(`${NAME}: invalid cacheLocation ${JSON.stringify(cacheLocation)}; use "memory" or "sessionStorage".`);
    }
    const timeoutMs = options.timeoutInMs ?? DEFAULT_TIMEOUT_MS;
    if (typeof timeoutMs !== "number" || !(timeoutMs > 0))
      throw new RangeError(`${NAME}: timeoutInMs must be a positive number (received ${String(timeoutMs)}).`);
    this.#clientId = clientId;
    this.#authorityHost = resolveAuthorityHost(options.authorityHost);
    this.#persist = cacheLocation === "sessionStorage";
    const stored = this.#persist ? loadSession(this.#authorityHost, clientId) : undefined;
    if (stored !== undefined && options.authenticationRecord === undefined) {
      tokenCache.refreshTokens.set(this.#refreshKey(stored.account.homeAccountId), stored.refreshToken);
    }
    const logger = credentialLogger(NAME);
    this.#client = createUserTokenClient({
      credentialName: NAME,
      clientId,
      tenantId: options.tenantId ?? "common",
      options: { ...options, ...(options.authenticationRecord === undefined && stored !== undefined ? { authenticationRecord: stored.account } : {}) },
      interact: (request, grants) => {
        const returned = this.#returned;
        this.#returned = undefined;
        if (returned !== undefined) return redeemSignIn(grants, returned);
        const redirect = options.redirectUri;
        return runSpaSignIn({
          grants,
          loginStyle,
          redirectUri: (typeof redirect === "function" ? redirect() : redirect) ?? browserWindow().location.origin,
          tenantId: request.tenantId,
          scopes: request.scopes,
          claims: request.claims,
          loginHint: options.loginHint ?? request.loginHint,
          timeoutMs: Math.min(timeoutMs, request.timeoutMs ?? Number.POSITIVE_INFINITY),
          abortSignal: request.abortSignal,
          logger,
        });
      },
      onRefreshTokenRotated: async () => this.#save(),
    });
    // The code of a redirect sign-in is redeemed by the interaction authenticate() starts, with this client's settings.
    const returning = completeRedirectSignIn(clientId).then(async (returned) => {
      if (returned === undefined) return undefined;
      this.#returned = returned;
      const { scopes, tenantId } = returned.pending;
      return this.#client.authenticate(scopes, tenantId === options.tenantId ? {} : { tenantId });
    });
    returning.catch(() => undefined); // reported to the first getToken()/authenticate(), never as an unhandled rejection
    this.#returning = returning;
  }

  /** A token from the cache or the refresh token; else (unless disableAutomaticAuthentication) a sign-in by popup or redirect. */
  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    await this.#redirectReturn();
    try {
      return await this.#client.getToken(scopes, options);
    } finally {
      this.#save();
    }
  }

  /** Signs the user in (popup or redirect) and returns the account; right after a redirect sign-in, the account it brought back. */
  async authenticate(scopes: string | string[], options?: GetTokenOptions): Promise<AuthenticationRecord | undefined> {
    const returned = await this.#redirectReturn();
    if (returned !== undefined) return returned;
    try {
      return await this.#client.authenticate(scopes, options);
    } finally {
      this.#save();
    }
  }

  /** The redirect sign-in this page load completed (once), or its error (once). */
  async #redirectReturn(): Promise<AuthenticationRecord | undefined> {
    const returning = this.#returning;
    if (returning === undefined) return undefined;
    try {
      return await returning;
    } finally {
      if (this.#returning === returning) this.#returning = undefined;
      this.#save();
    }
  }

  #refreshKey(homeAccountId: string): string {
    return RefreshTokenStore.key(new URL(this.#authorityHost).host, this.#clientId, homeAccountId);
  }

  /** cacheLocation "sessionStorage": the account and its newest refresh token, or nothing once it is gone. */
  #save(): void {
    if (!this.#persist) return;
    const account = this.#client.account;
    const refreshToken = account === undefined ? undefined : tokenCache.refreshTokens.get(this.#refreshKey(account.homeAccountId));
    saveSession(
      this.#authorityHost,
      this.#clientId,
      account === undefined || refreshToken === undefined ? undefined : { account: recordFor(account, this.#authorityHost, this.#clientId), refreshToken },
    );
  }
}
