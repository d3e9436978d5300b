// getBearerTokenProvider: a `() => Promise<string>` for code that wants a bearer string (OpenAI
// clients, fetch wrappers). azid credentials cache and refresh themselves, so this is a thin call.
import type { AbortSignalLike, TokenCredential } from "./types.js";

export interface GetBearerTokenProviderOptions {
  abortSignal?: AbortSignalLike;
  tracingOptions?: { tracingContext?: unknown };
}

export function getBearerTokenProvider(credential: TokenCredential, scopes: string | string[], options?: GetBearerTokenProviderOptions): () => Promise<string> {
  if (typeof credential?.getToken !== "function") throw new TypeError("getBearerTokenProvider: the first argument must be a TokenCredential.");
  const getTokenOptions = options?.abortSignal !== undefined ? { abortSignal: options.abortSignal } : undefined;
  return async () => {
    const token = await credential.getToken(scopes, getTokenOptions);
    if (token === null) throw new Error("Failed to get access token");
    return token.token;
  };
}
