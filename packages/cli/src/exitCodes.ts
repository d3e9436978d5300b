// Exit codes, one per kind of failure, so scripts can tell "sign in first" from "access refused".
export const EXIT = {
  ok: 0,
  /** Anything else (a bug, an unexpected error, a bad scope). */
  other: 1,
  /** A usage mistake: unknown flag, missing value. */
  usage: 2,
  /** No credential is configured or signed in here (CredentialUnavailableError, or a chain where all were). */
  unavailable: 3,
  /** A configured credential was refused (AuthenticationError) or needs an interactive sign-in. */
  authenticationFailed: 4,
} as const;

/** The exit code for an error thrown by a credential. */
export function exitCodeFor(error: unknown): number {
  const name = error instanceof Error ? error.name : "";
  if (name === "CredentialUnavailableError" || name === "AggregateAuthenticationError") return EXIT.unavailable;
  if (name === "AuthenticationError" || name === "AuthenticationRequiredError") return EXIT.authenticationFailed;
  return EXIT.other;
}
