// Tries credentials in order. "Unavailable" (not configured here) and "authentication required"
// move on to the next; any other failure stops the chain, because a configured credential that
// fails should be fixed, not silently replaced by another identity.
import { AggregateAuthenticationError, CredentialUnavailableError, isChainContinue } from "../core/errors.js";
import { credentialLogger, type CredentialLogger } from "../core/logger.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import { closedError, closeParts } from "../core/closable.js";
import { withGetTokenSpan } from "../core/tracing.js";

/**
 * Tries credentials in order until one returns a token. A {@link CredentialUnavailableError} (not
 * set up here) moves on to the next; any other error stops the chain and is rethrown, because a
 * configured credential that fails should be fixed, not replaced by another identity. When all are
 * unavailable: {@link AggregateAuthenticationError} with one error per credential.
 *
 * @example
 * ```ts
 * const credential = new ChainedTokenCredential(new ManagedIdentityCredential(), new AzureCliCredential());
 * ```
 */
export class ChainedTokenCredential implements TokenCredential {
  readonly #sources: TokenCredential[];
  readonly #logger: CredentialLogger;
  #closed = false;

  constructor(...sources: TokenCredential[]) {
    if (sources.length === 0) throw new TypeError("ChainedTokenCredential: pass at least one credential.");
    sources.forEach((source, i) => {
      if (typeof source?.getToken !== "function")
        throw new TypeError(`ChainedTokenCredential: argument ${i} is not a TokenCredential (it has no getToken method).`);
    });
    this.#sources = sources;
    this.#logger = credentialLogger(this.constructor.name);
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return withGetTokenSpan(`${this.constructor.name}.getToken`, options, (inner) => this.getTokenWithSource(scopes, inner).then((r) => r.token));
  }

  /** Like getToken, and says which credential produced the token. */
  async getTokenWithSource(
    scopes: string | string[],
    options?: GetTokenOptions,
  ): Promise<{
    /** The token. */
    token: AccessToken;
    /** The member of the chain that produced it. */
    credential: TokenCredential;
  }> {
    this.throwIfClosed();
    const errors: Error[] = [];
    const found = await walkChain(this.#sources, {
      name: (source) => source.constructor.name,
      getToken: (source) => source.getToken(scopes, options),
      onContinue: (source, error) => errors.push(labelled(error, source)),
      onStop: (source, error) =>
        this.#logger.info(
          `getToken() => ${source.constructor.name} failed; stopping the chain: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
        ),
    });
    if (found !== undefined) {
      this.#logger.info(`getToken() => acquired a token from ${found.member.constructor.name}.`);
      return { token: found.token, credential: found.member };
    }
    const message = `${this.constructor.name === "ChainedTokenCredential" ? "ChainedTokenCredential" : this.constructor.name} authentication failed.`;
    const aggregate = new AggregateAuthenticationError(errors, message);
    this.#logger.info(`getToken() => ${aggregate.message}`);
    throw aggregate;
  }

  /** Rejects every call after close(), even when a member (a user's own credential) has no close() of its own. */
  protected throwIfClosed(): void {
    if (this.#closed) throw closedError(this.constructor.name);
  }

  /** Closes every member (azid extension); getToken then rejects with CredentialClosedError. */
  close(): Promise<void> {
    this.#closed = true;
    return closeParts(...this.#sources);
  }

  /** `await using credential = new ...` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

export interface ChainWalk<T> {
  name(member: T): string;
  getToken(member: T): Promise<AccessToken | null>;
  /** The member is unavailable here (`returnedNull`: it returned no token): the walk goes on to the next. */
  onContinue(member: T, error: Error, returnedNull: boolean): void;
  /** The member failed for real: the walk stops and rethrows `error`. */
  onStop(member: T, error: unknown): void;
}

/**
 * The one chain walk (ChainedTokenCredential, DefaultAzureCredential): asks each member in order and
 * returns the first token; moves on only when errors.ts's isChainContinue says so; `undefined` when
 * every member was skipped.
 */
export async function walkChain<T>(members: readonly T[], walk: ChainWalk<T>): Promise<{ token: AccessToken; member: T } | undefined> {
  for (const member of members) {
    let token: AccessToken | null;
    try {
      token = await walk.getToken(member);
    } catch (error) {
      if (isChainContinue(error)) {
        walk.onContinue(member, error as Error, false);
        continue;
      }
      walk.onStop(member, error);
      throw error;
    }
    if (token !== null) return { token, member };
    walk.onContinue(member, new CredentialUnavailableError(`${walk.name(member)} returned no token.`), true);
  }
  return undefined;
}

/** Prefixes the reason with the credential that gave it, so the aggregate message reads per credential. */
function labelled(error: Error, source: TokenCredential): Error {
  const name = source.constructor.name;
  if (error.message.startsWith(name)) return error;
  const copy = new CredentialUnavailableError(`${name}: ${error.message}`, { cause: error });
  copy.name = error.name;
  return copy;
}
