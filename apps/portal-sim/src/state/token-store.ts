import { randomBytes } from 'node:crypto';

interface IssuedToken {
  clientId: string;
  expiresAt: number;
}

/** Bearer tokens the simulator issued. Held in memory only: a restart revokes them all. */
export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number,
  ) {}

  issue(clientId: string): { accessToken: string; expiresIn: number } {
    this.sweep();
    const accessToken = randomBytes(24).toString('base64url');
    this.tokens.set(accessToken, { clientId, expiresAt: this.now() + this.ttlSeconds * 1000 });
    return { accessToken, expiresIn: this.ttlSeconds };
  }

  /** The client a live token belongs to, or null for an unknown or expired one. */
  verify(accessToken: string): string | null {
    const token = this.tokens.get(accessToken);
    if (!token) return null;
    if (token.expiresAt <= this.now()) {
      this.tokens.delete(accessToken);
      return null;
    }
    return token.clientId;
  }

  revokeAll(): number {
    const count = this.tokens.size;
    this.tokens.clear();
    return count;
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, issued] of this.tokens) if (issued.expiresAt <= now) this.tokens.delete(token);
  }
}
