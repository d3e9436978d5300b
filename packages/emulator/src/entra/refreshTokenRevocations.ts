// emu.revokeRefreshTokens(): what "revoke sessions" or a password reset does in Entra. Refresh
// tokens are self-contained, so revocation is a per-user "valid from" time (Entra's
// TokensValidFrom) that each redeemed token's issue time is compared with.

export class RefreshTokenRevocations {
  private everyone = 0;
  private readonly users = new Map<string, number>();
  private latestIssued = 0;

  /** Revokes every refresh token issued so far to `username`, or to everyone. */
  revoke(username?: string): void {
    // Never earlier than a token already issued: issue times may run ahead of the clock (below).
    const at = Math.max(Date.now(), this.latestIssued);
    if (username === undefined) this.everyone = at;
    else this.users.set(username.toLowerCase(), at);
  }

  /** The issue time (epoch ms) for a new token: strictly after every revocation so far. */
  issueTime(): number {
    const latestRevocation = Math.max(this.everyone, ...this.users.values());
    this.latestIssued = Math.max(Date.now(), latestRevocation + 1, this.latestIssued);
    return this.latestIssued;
  }

  /** Tokens issued at or before this time (epoch ms) are revoked; 0 when none are. */
  validFrom(username: string): number {
    return Math.max(this.everyone, this.users.get(username.toLowerCase()) ?? 0);
  }
}
