// Signs a user in with a code entered on another device (https://microsoft.com/devicelogin): for
// SSH sessions, containers and other places without a browser. Silent first (cached token, then
// the refresh token); the device code is shown only when a person must act.
import type { DeviceCodeInfo, DeviceCodePromptCallback } from "../sources/entra/deviceCodeFlow.js";
import type { AuthenticationRecord } from "../sources/entra/authenticationRecord.js";
import type { InteractiveCredentialOptions } from "../providers/userTokens.js";
import { DeferredUserTokenClient } from "./userTokenClientLoader.js";
import { DeveloperSignOnClientId } from "../core/tenants.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { CredentialPersistenceOptions } from "../core/options.js";
import { closeParts } from "../core/closable.js";

export type { DeviceCodeInfo, DeviceCodePromptCallback };

/** Options of {@link DeviceCodeCredential}. */
export interface DeviceCodeCredentialOptions extends InteractiveCredentialOptions, CredentialPersistenceOptions {
  /** Default: "organizations" with the default client id, else "common" (as @azure/identity). */
  tenantId?: string;
  /** Default: the developer sign-on client (04b07795-8ddb-461a-bbee-02f9e1bf7b46, as Azure CLI). */
  clientId?: string;
  /** Shows the code to the user. Default: prints `message` to stderr. */
  userPromptCallback?: DeviceCodePromptCallback;
}

const defaultPrompt: DeviceCodePromptCallback = (info) => {
  process.stderr.write(`${info.message}\n`);
};

/**
 * A user signing in on another device: the credential shows a code and a URL
 * (https://microsoft.com/devicelogin), the user enters the code there, and the credential polls until
 * the sign-in completes. For CLIs and machines without a browser. After the first sign-in, tokens
 * come silently from the refresh token; to stay signed in across runs, keep the
 * {@link AuthenticationRecord} that `authenticate()` returns and enable `tokenCachePersistenceOptions`
 * (docs/caching.md).
 *
 * @example
 * ```ts
 * const credential = new DeviceCodeCredential({
 *   tenantId: "organizations",
 *   userPromptCallback: (info) => console.log(info.message),
 * });
 * const record = await credential.authenticate("https://graph.microsoft.com/User.Read");
 * ```
 */
export class DeviceCodeCredential implements TokenCredential {
  readonly #client: DeferredUserTokenClient;

  constructor(options?: DeviceCodeCredentialOptions) {
    const name = "DeviceCodeCredential";
    const clientId = resolveClientId(options?.clientId, name);
    const prompt = options?.userPromptCallback ?? defaultPrompt;
    if (typeof prompt !== "function") throw new TypeError(`${name}: userPromptCallback must be a function (received ${typeof prompt}).`);
    this.#client = new DeferredUserTokenClient({
      credentialName: name,
      clientId,
      tenantId: options?.tenantId ?? defaultTenant(clientId),
      options,
      interact: async (request, grants) => ({
        response: await (
          await import("../lazy.js")
        ).runDeviceCodeFlow({
          grants,
          tenantId: request.tenantId,
          scopes: request.scopes,
          claims: request.claims,
          prompt,
          abortSignal: request.abortSignal,
          timeoutMs: request.timeoutMs,
        }),
      }),
    });
  }

  /** A token from the cache or the refresh token; else (unless disableAutomaticAuthentication) a device code sign-in. */
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.#client.getToken(scopes, options);
  }

  /** Always shows a device code and returns the signed-in account. */
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

export function resolveClientId(clientId: unknown, credentialName: string): string {
  if (clientId === undefined) return DeveloperSignOnClientId;
  if (typeof clientId !== "string" || clientId.trim() === "")
    throw new TypeError(
      `${credentialName}: clientId must be a non-empty string when given (received ${clientId === "" ? "an empty string" : typeof clientId}).`,
    );
  return clientId;
}

/** As @azure/identity: the developer sign-on client is a work-or-school app; others may also serve personal accounts. */
export function defaultTenant(clientId: string): string {
  return clientId === DeveloperSignOnClientId ? "organizations" : "common";
}
