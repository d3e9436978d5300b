// The user sign-in credentials (DeviceCode, InteractiveBrowser, UsernamePassword, AuthorizationCode,
// SharedTokenCache) build their UserTokenClient (providers/userTokens.ts, with the grants and id-token
// code it pulls in) on first use, from the lazy chunk, so `require()` does not compile it for the many
// processes that never sign a user in. The constructor still checks the options at once, with the
// same errors createUserTokenClient throws; once loaded, calls go straight to the client.
import type { UserCredentialSetup, UserTokenClient } from "../providers/userTokens.js";
import type { AuthenticationRecord } from "../sources/entra/authenticationRecord.js";
import { validate as validateRecord } from "../sources/entra/authenticationRecord.js";
import { resolveAuthorityHost } from "../sources/entra/authority.js";
import { checkTenantId } from "../core/tenants.js";
import { resolvePersistence } from "../core/persistenceOptions.js";
import { closedError } from "../core/closable.js";
import { connectAzureLoggerLater } from "../core/azureLoggerBridge.js";
import { connectAzureTracing } from "../core/azureTracingBridge.js";
import type { AccessToken, GetTokenOptions } from "../core/types.js";

/** A UserTokenClient created on the first getToken/authenticate; close() before that needs no load. */
export class DeferredUserTokenClient {
  readonly #setup: UserCredentialSetup;
  #client: UserTokenClient | undefined;
  #loading: Promise<UserTokenClient> | undefined;
  #closed = false;

  constructor(setup: UserCredentialSetup) {
    // createUserTokenClient's own checks, so a bad option still fails at construction.
    const { credentialName, tenantId, options } = setup;
    checkTenantId(tenantId);
    if (options?.authenticationRecord !== undefined) validateRecord(options.authenticationRecord, `${credentialName}: authenticationRecord`);
    resolveAuthorityHost(options?.authorityHost);
    resolvePersistence(options, credentialName);
    // The optional peers' bridges start now, as for the other credentials (whose TokenProvider is built
    // at construction): this client's providers come only after the first sign-in.
    connectAzureLoggerLater();
    connectAzureTracing();
    this.#setup = setup;
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const client = this.#client;
    if (client !== undefined) return client.getToken(scopes, options);
    return this.#load().then((loaded) => loaded.getToken(scopes, options));
  }

  authenticate(scopes: string | string[], options?: GetTokenOptions): Promise<AuthenticationRecord> {
    const client = this.#client;
    if (client !== undefined) return client.authenticate(scopes, options);
    return this.#load().then((loaded) => loaded.authenticate(scopes, options));
  }

  /** As UserTokenClient.close(): later calls reject with CredentialClosedError. */
  close(): void | Promise<void> {
    this.#closed = true;
    if (this.#client !== undefined) return this.#client.close();
    // Still loading: #load closes the client it makes; wait for that (its persistent store included).
    return this.#loading?.then(
      (client) => client.close(),
      () => undefined,
    );
  }

  #load(): Promise<UserTokenClient> {
    if (this.#closed) return Promise.reject(closedError(this.#setup.credentialName));
    this.#loading ??= import("../lazy.js").then(({ createUserTokenClient }) => {
      const client = createUserTokenClient(this.#setup);
      if (this.#closed) client.close();
      this.#client = client;
      return client;
    });
    return this.#loading;
  }
}
