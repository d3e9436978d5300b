// Signs a user in through the system browser: authorization code + PKCE against a loopback
// redirect (http://localhost:<port>). Silent first (cached token, then the refresh token); the
// browser opens only when a person must act, and a sign-in never waits longer than timeoutInMs.
import type { AuthenticationRecord } from "../sources/entra/authenticationRecord.js";
import type { InteractiveCredentialOptions } from "../providers/userTokens.js";
import { DeferredUserTokenClient } from "./userTokenClientLoader.js";
import type { BrowserOpener } from "../sources/browserSignIn/openBrowser.js";
import type { BrowserPageTexts } from "../sources/browserSignIn/pages.js";
import type { BrowserLoginStyle } from "../sources/spaSignIn/spaSignIn.js";
import { credentialLogger } from "../core/logger.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { CredentialPersistenceOptions } from "../core/options.js";
import { defaultTenant, resolveClientId } from "./deviceCodeCredential.js";
import { closeParts } from "../core/closable.js";
import { rejectBrokerOptions, type BrokerOptions } from "../core/unsupportedOptions.js";

export type { BrowserLoginStyle, BrowserOpener };

/** @azure/identity's type of the same name: the option holding the texts of the pages shown after the redirect. */
export interface BrowserCustomizationOptions {
  /** Texts of the pages the browser shows after the redirect (plain text, escaped). */
  browserCustomizationOptions?: BrowserPageTexts;
}

/** Options of {@link InteractiveBrowserCredential} in Node.js. */
export interface InteractiveBrowserCredentialNodeOptions extends InteractiveCredentialOptions, CredentialPersistenceOptions {
  /** Default: "organizations" with the default client id, else "common". */
  tenantId?: string;
  /** Default: the developer sign-on client (04b07795-8ddb-461a-bbee-02f9e1bf7b46). */
  clientId?: string;
  /** `http://localhost:PORT` (or a function returning it); without a port a free one is used. */
  redirectUri?: string | (() => string);
  /** Pre-fills the account on the sign-in page (and sends prompt=login, as @azure/identity). */
  loginHint?: string;
  /** Texts of the pages the browser shows after the redirect (plain text, escaped). */
  browserCustomizationOptions?: BrowserPageTexts;
  /** `{ enabled: false }` is accepted; `enabled: true` (the WAM broker) throws UnsupportedOptionError: azid has no broker. */
  brokerOptions?:
    | BrokerOptions
    | {
        /** Must be `false`. */
        enabled: boolean;
        [key: string]: unknown;
      };
  /** azid extension: `domain_hint` for /authorize (e.g. "contoso.com" to skip home-realm discovery). */
  domainHint?: string;
  /** azid extension: the OpenID `prompt` (`login`, `select_account`, `consent`, `none`); default as @azure/identity. */
  prompt?: string;
  /** azid extension: how long the user has to finish signing in (default 5 minutes). */
  timeoutInMs?: number;
  /** azid extension: opens the sign-in URL (default: the system browser, started without a shell). */
  browserOpener?: BrowserOpener;
}

/** The browser-bundle options of @azure/identity; on Node only the shared fields mean anything. */
export interface InteractiveBrowserCredentialInBrowserOptions extends InteractiveCredentialOptions {
  /** The SPA's app registration (required in a browser). */
  clientId: string;
  /** Default: "common". */
  tenantId?: string;
  /** A redirect URI registered for the SPA. Default: the page's origin. */
  redirectUri?: string | (() => string);
  /** Sign in in a popup (default) or by redirecting the page. */
  loginStyle?: BrowserLoginStyle;
  /** Pre-fills the account on the sign-in page. */
  loginHint?: string;
  /** azid extension, browser build: where the account and its refresh token live, "memory" (default) or "sessionStorage" (kept across reloads of the tab). */
  cacheLocation?: "memory" | "sessionStorage";
  /** azid extension, browser build: how long the user has to finish signing in (default 5 minutes). */
  timeoutInMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/**
 * A user signing in with the system browser: the credential starts a loopback server on
 * `http://localhost`, opens the sign-in page (authorization code flow with PKCE), and receives the
 * code on the redirect. After that, tokens come silently from the refresh token. In a browser build
 * it signs in a single-page app by redirect or popup. {@link CredentialUnavailableError} where no
 * browser can be opened (use {@link DeviceCodeCredential}); see
 * docs/troubleshooting.md#interactivebrowsercredential.
 *
 * @example
 * ```ts
 * const credential = new InteractiveBrowserCredential({ tenantId: "organizations", loginHint: "alice@contoso.com" });
 * const { token } = await credential.getToken("https://graph.microsoft.com/User.Read");
 * ```
 */
export class InteractiveBrowserCredential implements TokenCredential {
  readonly #client: DeferredUserTokenClient;

  constructor(options?: InteractiveBrowserCredentialNodeOptions | InteractiveBrowserCredentialInBrowserOptions) {
    const name = "InteractiveBrowserCredential";
    const node = (options ?? {}) as InteractiveBrowserCredentialNodeOptions;
    rejectBrokerOptions(name, node.brokerOptions);
    const clientId = resolveClientId(node.clientId, name);
    const timeoutMs = node.timeoutInMs ?? DEFAULT_TIMEOUT_MS;
    if (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs <= 0)
      throw new RangeError(`${name}: timeoutInMs must be a positive number of milliseconds (received ${String(timeoutMs)}).`);
    if (node.browserOpener !== undefined && typeof node.browserOpener !== "function")
      throw new TypeError(`${name}: browserOpener must be a function (url) => Promise<void>.`);
    const redirectOption = node.redirectUri;
    const logger = credentialLogger(name);
    if (node.redirectUri !== undefined && typeof node.redirectUri !== "function") parseRedirectUri(node.redirectUri); // fail at construction
    for (const field of ["loginHint", "domainHint", "prompt"] as const) {
      if (node[field] !== undefined && typeof node[field] !== "string")
        throw new TypeError(`${name}: ${field} must be a string (received ${typeof node[field]}).`);
    }
    this.#client = new DeferredUserTokenClient({
      credentialName: name,
      clientId,
      tenantId: node.tenantId ?? defaultTenant(clientId),
      options,
      interact: async (request, grants) => {
        const redirect = parseRedirectUri(typeof redirectOption === "function" ? redirectOption() : redirectOption);
        const { runBrowserSignIn, openSystemBrowser, browserCommand } = await import("../lazy.js");
        // Without an injected opener, fail now (not after a timeout) where no browser can appear.
        if (node.browserOpener === undefined) browserCommand(process.platform, process.env, (await import("node:os")).release());
        return runBrowserSignIn({
          grants,
          tenantId: request.tenantId,
          scopes: request.scopes,
          claims: request.claims,
          loginHint: node.loginHint ?? request.loginHint,
          domainHint: node.domainHint,
          prompt: node.prompt,
          redirect,
          openBrowser: node.browserOpener ?? openSystemBrowser,
          pages: node.browserCustomizationOptions,
          timeoutMs: Math.min(timeoutMs, request.timeoutMs ?? Number.POSITIVE_INFINITY),
          abortSignal: request.abortSignal,
          logger,
        });
      },
    });
  }

  /** A token from the cache or the refresh token; else (unless disableAutomaticAuthentication) a browser sign-in. */
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.#client.getToken(scopes, options);
  }

  /** Always opens the browser and returns the signed-in account. */
  authenticate(scopes: string | string[], options?: GetTokenOptions): Promise<AuthenticationRecord | undefined> {
    return this.#client.authenticate(scopes, options);
  }

  /** Stops this credential and releases what it holds (azid extension); getToken then rejects with CredentialClosedError. */
  close(): Promise<void> {
    return closeParts(this.#client);
  }

  /** `await using credential = new ...` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** `http://localhost[:port][/path]` (or 127.0.0.1) → where the loopback listens; port 0 = any free port. */
export function parseRedirectUri(value: string | undefined): { port: number; path: string } {
  if (value === undefined) return { port: 0, path: "/" };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError(`InteractiveBrowserCredential: redirectUri must be a URL like http://localhost:8400 (received a value that is not a URL).`);
  }
  if (url.protocol !== "http:" || !["localhost", "127.0.0.1"].includes(url.hostname) || url.search || url.hash) {
    throw new RangeError(
      `InteractiveBrowserCredential: redirectUri must be http://localhost[:PORT][/path] (received ${url.protocol}//${url.host}): the sign-in redirect is received by a loopback server in this process.`,
    );
  }
  return { port: url.port === "" ? 0 : Number(url.port), path: url.pathname || "/" };
}
