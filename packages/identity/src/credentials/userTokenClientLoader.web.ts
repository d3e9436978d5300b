// The web and browser builds have no lazy chunk (one bundle): the client is built at construction,
// as before. Same surface as userTokenClientLoader.ts.
import { createUserTokenClient, type UserCredentialSetup, type UserTokenClient } from "../providers/userTokens.js";
import type { AuthenticationRecord } from "../sources/entra/authenticationRecord.js";
import type { AccessToken, GetTokenOptions } from "../core/types.js";

/** Built at once here; the Node build defers it to first use. */
export class DeferredUserTokenClient {
  readonly #client: UserTokenClient;

  constructor(setup: UserCredentialSetup) {
    this.#client = createUserTokenClient(setup);
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.#client.getToken(scopes, options);
  }

  authenticate(scopes: string | string[], options?: GetTokenOptions): Promise<AuthenticationRecord> {
    return this.#client.authenticate(scopes, options);
  }

  close(): void {
    this.#client.close();
  }
}
