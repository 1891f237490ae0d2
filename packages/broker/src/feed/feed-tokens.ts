import { randomBytes } from 'node:crypto';
import { tokenHash } from '../auth/auth.ts';

/**
 * Short-lived tokens that let a signed-in administrator's dashboard connect to the admin feed
 * over MQTT (DESIGN §5): the token is the MQTT password of the feed user. Only hashes are kept.
 */
export class FeedTokens {
  private readonly tokens = new Map<string, { username: string; expiresAt: number }>();

  constructor(readonly ttlMs = 5 * 60_000, private readonly now: () => number = Date.now) {}

  issue(username: string): { token: string; expiresInSeconds: number } {
    this.prune();
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(tokenHash(token), { username, expiresAt: this.now() + this.ttlMs });
    return { token, expiresInSeconds: Math.floor(this.ttlMs / 1000) };
  }

  /** The administrator the token was issued to, or null when forged or expired. */
  verify(token: string): string | null {
    const t = this.tokens.get(tokenHash(token));
    if (!t || t.expiresAt < this.now()) return null;
    return t.username;
  }

  /** Tokens of an account end with its password change or sign-out. */
  revoke(username: string): void {
    for (const [h, t] of this.tokens) if (t.username === username) this.tokens.delete(h);
  }

  private prune(): void {
    const now = this.now();
    for (const [h, t] of this.tokens) if (t.expiresAt < now) this.tokens.delete(h);
  }
}
