// Remembers certificate-assertion ids (`jti`) until the assertion expires, so a captured assertion
// cannot be presented twice. Note msal-node reuses its assertion for up to 10 minutes, so replay
// rejection is opt-in (rejectReplayedAssertions: true), e.g. to prove a client never reuses one.

export class AssertionReplayCache {
  private readonly seen = new Map<string, number>();

  /** Records the id; false if it was already used by the same client and has not expired. */
  remember(clientId: string, jti: string, expiresAtSeconds: number): boolean {
    const now = Date.now() / 1000;
    for (const [key, expiry] of this.seen) if (expiry <= now) this.seen.delete(key);
    const key = `${clientId.toLowerCase()}\u0000${jti}`;
    if (this.seen.has(key)) return false;
    this.seen.set(key, expiresAtSeconds);
    return true;
  }
}
