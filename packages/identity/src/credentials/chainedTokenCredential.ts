// Tries credentials in order. "Unavailable" (not configured here) and "authentication required"
// move on to the next; any other failure stops the chain, because a configured credential that
// fails should be fixed, not silently replaced by another identity.
import { AggregateAuthenticationError, AuthenticationRequiredErrorName, CredentialUnavailableError, CredentialUnavailableErrorName } from "../errors.js";
import { credentialLogger, type CredentialLogger } from "../logger.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../types.js";

export class ChainedTokenCredential implements TokenCredential {
  readonly #sources: TokenCredential[];
  readonly #logger: CredentialLogger;

  constructor(...sources: TokenCredential[]) {
    if (sources.length === 0) throw new TypeError("ChainedTokenCredential: pass at least one credential.");
    sources.forEach((source, i) => {
      if (typeof source?.getToken !== "function") throw new TypeError(`ChainedTokenCredential: argument ${i} is not a TokenCredential (it has no getToken method).`);
    });
    this.#sources = sources;
    this.#logger = credentialLogger(this.constructor.name);
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const { token } = await this.getTokenWithSource(scopes, options);
    return token;
  }

  /** Like getToken, and says which credential produced the token. */
  async getTokenWithSource(scopes: string | string[], options?: GetTokenOptions): Promise<{ token: AccessToken; credential: TokenCredential }> {
    const errors: Error[] = [];
    for (const source of this.#sources) {
      let token: AccessToken | null;
      try {
        token = await source.getToken(scopes, options);
      } catch (error) {
        if (error instanceof Error && (error.name === CredentialUnavailableErrorName || error.name === AuthenticationRequiredErrorName)) {
          errors.push(labelled(error, source));
          continue;
        }
        this.#logger.info(`getToken() => ${source.constructor.name} failed; stopping the chain: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
        throw error;
      }
      if (token !== null) {
        this.#logger.info(`getToken() => acquired a token from ${source.constructor.name}.`);
        return { token, credential: source };
      }
      errors.push(new CredentialUnavailableError(`${source.constructor.name} returned no token.`));
    }
    const message = `${this.constructor.name === "ChainedTokenCredential" ? "ChainedTokenCredential" : this.constructor.name} authentication failed.`;
    const aggregate = new AggregateAuthenticationError(errors, message);
    this.#logger.info(`getToken() => ${aggregate.message}`);
    throw aggregate;
  }
}

/** Prefixes the reason with the credential that gave it, so the aggregate message reads per credential. */
function labelled(error: Error, source: TokenCredential): Error {
  const name = source.constructor.name;
  if (error.message.startsWith(name)) return error;
  const copy = new CredentialUnavailableError(`${name}: ${error.message}`, { cause: error });
  copy.name = error.name;
  return copy;
}
