import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface BffSession {
  id: string;
  username: string;
  /** The broker authToken, kept server-side (DESIGN §4). */
  authToken: string;
  csrfToken: string;
  createdAt: number;
}

export const COOKIE_NAME = 'mqdash_sid';

/** Dashboard logins: an opaque cookie id maps to the broker authToken and the CSRF token. */
export class BffSessions {
  private readonly byId = new Map<string, BffSession>();

  create(username: string, authToken: string): BffSession {
    const s = { id: randomBytes(32).toString('base64url'), username, authToken, csrfToken: randomBytes(24).toString('base64url'), createdAt: Date.now() };
    this.byId.set(s.id, s);
    return s;
  }

  get(id: string | undefined): BffSession | undefined {
    return id ? this.byId.get(id) : undefined;
  }

  delete(id: string): void {
    this.byId.delete(id);
  }

  /** Ends every dashboard login of an account (password change). */
  deleteUser(username: string, except?: string): void {
    for (const [id, s] of this.byId) if (s.username === username && id !== except) this.byId.delete(id);
  }
}

export function sameSecret(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
