// close() and [Symbol.asyncDispose] (`await using credential = ...`) for every credential: what a
// closed credential answers with, and how a credential closes the parts it holds (its TokenProvider,
// its sign-in client, a chain's members).

/** What getToken rejects with after close() (or after `await using` left its block). */
export class CredentialClosedError extends Error {
  /** Always `ERR_CREDENTIAL_CLOSED`. */
  readonly code = "ERR_CREDENTIAL_CLOSED" as const;
  constructor(credentialName: string) {
    super(`${credentialName} was closed (close() or [Symbol.asyncDispose]); create a new credential to get tokens again.`);
    this.name = "CredentialClosedError";
  }
}

export function closedError(credentialName: string): CredentialClosedError {
  return new CredentialClosedError(credentialName);
}

/** Anything with a close(): azid's credentials and providers, and a user's own credential in a chain. */
export interface Closable {
  close(): void | Promise<void>;
}

function isClosable(value: unknown): value is Closable {
  return typeof value === "object" && value !== null && typeof (value as Closable).close === "function";
}

/** Closes every part that can be closed, all at once; resolves when all have (the first failure rejects). */
export async function closeParts(...parts: unknown[]): Promise<void> {
  await Promise.all(parts.map((part) => (isClosable(part) ? part.close() : undefined)));
}
