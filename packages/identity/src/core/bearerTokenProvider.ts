// getBearerTokenProvider: a `() => Promise<string>` for code that wants a bearer string (OpenAI
// clients, fetch wrappers). azid credentials cache and refresh themselves, so this is a thin call.
import type { AbortSignalLike, TokenCredential } from "./types.js";

/** Options of {@link getBearerTokenProvider}. */
export interface GetBearerTokenProviderOptions {
  /** Passed to every `getToken` call the provider makes. */
  abortSignal?: AbortSignalLike;
  /** Accepted for compatibility; azid does not trace. */
  tracingOptions?: {
    /** Ignored. */
    tracingContext?: unknown;
  };
}

/**
 * Turns a credential into a `() => Promise<string>` that returns a bearer token for `scopes`, for
 * clients that take a token function (OpenAI's, fetch wrappers). Each call asks the credential, which
 * serves from its cache and refreshes ahead of expiry. Throws `TypeError` when `credential` is not a
 * {@link TokenCredential}; the function rejects with the credential's error.
 *
 * @example
 * ```ts
 * const getToken = getBearerTokenProvider(new DefaultAzureCredential(), "https://cognitiveservices.azure.com/.default");
 * const response = await fetch(url, { headers: { authorization: `Bearer ${await getToken()}` } });
 * ```
 */
export function getBearerTokenProvider(credential: TokenCredential, scopes: string | string[], options?: GetBearerTokenProviderOptions): () => Promise<string> {
  if (typeof credential?.getToken !== "function") throw new TypeError("getBearerTokenProvider: the first argument must be a TokenCredential.");
  const getTokenOptions = options?.abortSignal !== undefined ? { abortSignal: options.abortSignal } : undefined;
  return async () => {
    const token = await credential.getToken(scopes, getTokenOptions);
    if (token === null) throw new Error("Failed to get access token");
    return token.token;
  };
}
