import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Role } from '@mqdash/contracts';
import type { AccountRow, Store } from '../store/types.ts';
import { hashPassword, verifyPassword } from './password.ts';

export interface TokenInfo {
  username: string;
  createdAt: number;
  lastUsedAt: number;
}

/** A token as kept: with the password hash it was issued under (see verify). */
interface IssuedToken extends TokenInfo {
  passwordHash: string;
}

export interface AuthOptions {
  /** A token unused this long expires (FairCom's idle timeout). */
  idleTimeoutMs: number;
  /** A token expires this long after login whatever its use. */
  maxLifetimeMs: number;
}

/** Tokens are stored by their SHA-256, so a heap dump does not hand them out. */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('base64url');

/**
 * Accounts (scrypt-hashed passwords in the store) and the authTokens of the JSON action API:
 * random, kept in memory, expiring when idle and after a maximum lifetime. Emits `ended`
 * (tokenHash) when a token is deleted or expires, so the MQ API sessions it created end too.
 */
export class AuthService extends EventEmitter {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly store: Store, readonly opts: AuthOptions, private readonly now: () => number = Date.now) {
    super();
    this.sweeper = setInterval(() => this.sweep(), 10_000);
    this.sweeper.unref();
  }

  /** Creates the account if it does not exist; returns whether it did. The first account (`admin`) is an administrator. */
  async ensureAccount(username: string, password: string, role: Role = 'administrator'): Promise<boolean> {
    if (this.store.getAccount(username)) return false;
    return (await this.createAccount({ username, password, role, description: '', createdBy: null })) !== undefined;
  }

  hasAccount(username: string): boolean {
    return this.store.getAccount(username) !== undefined;
  }

  /** The account's role; undefined when there is no such account. Read at every request, so a change applies at once. */
  role(username: string): Role | undefined {
    return this.store.getAccount(username)?.role;
  }

  account(username: string): AccountRow | undefined {
    return this.store.getAccount(username);
  }

  listAccounts(): AccountRow[] {
    return this.store.listAccounts();
  }

  /** Creates an administrator account (issue 12); undefined when the username is taken. */
  async createAccount(a: { username: string; password: string; role: Role; description: string; createdBy: string | null }): Promise<AccountRow | undefined> {
    const passwordHash = await hashPassword(a.password);
    // Checked after the (async) hash, so nothing can take the name in between.
    if (this.store.getAccount(a.username)) return undefined;
    const now = this.now();
    const row: AccountRow = { username: a.username, passwordHash, role: a.role, description: a.description, createdBy: a.createdBy, createdAt: now, updatedAt: now };
    this.store.putAccount(row);
    return row;
  }

  /**
   * Changes only what is given. A new password ends the account's tokens; a new role applies from
   * its next request. Never leaves no administrator: 'lastAdministrator' then, and nothing changes.
   */
  async alterAccount(username: string, patch: { role?: Role; password?: string; description?: string }): Promise<AccountRow | 'unknown' | 'lastAdministrator'> {
    const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
    // Read, checked and written with nothing in between (after the hash).
    const row = this.store.getAccount(username);
    if (!row) return 'unknown';
    if (row.role === 'administrator' && patch.role !== undefined && patch.role !== 'administrator' && this.administrators() === 1) return 'lastAdministrator';
    const next: AccountRow = {
      ...row, ...(patch.role !== undefined ? { role: patch.role } : {}), ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(passwordHash !== undefined ? { passwordHash } : {}), updatedAt: this.now(),
    };
    this.store.putAccount(next);
    if (passwordHash !== undefined) this.endTokensOf(username);
    return next;
  }

  /** Removes the account and ends its tokens; never the last administrator. */
  deleteAccount(username: string): 'deleted' | 'unknown' | 'lastAdministrator' {
    const row = this.store.getAccount(username);
    if (!row) return 'unknown';
    if (row.role === 'administrator' && this.administrators() === 1) return 'lastAdministrator';
    this.store.deleteAccount(username);
    this.endTokensOf(username);
    return 'deleted';
  }

  /** Sets a new password and revokes the account's tokens. */
  async setPassword(username: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    const account = this.store.getAccount(username);
    const now = this.now();
    this.store.putAccount(account
      ? { ...account, passwordHash, updatedAt: now }
      : { username, passwordHash, role: 'administrator', description: '', createdBy: null, createdAt: now, updatedAt: now });
    this.endTokensOf(username);
  }

  private administrators(): number {
    return this.store.listAccounts().filter((a) => a.role === 'administrator').length;
  }

  private endTokensOf(username: string): void {
    for (const [hash, info] of this.tokens) if (info.username === username) this.end(hash);
  }

  async checkPassword(username: string, password: string): Promise<boolean> {
    const account = this.store.getAccount(username);
    if (!account) {
      // Spend the same time as a real check so usernames cannot be probed by timing.
      await hashPassword(password);
      return false;
    }
    return verifyPassword(password, account.passwordHash);
  }

  /** Returns a new token, or null for a wrong username or password. */
  async login(username: string, password: string): Promise<string | null> {
    if (!(await this.checkPassword(username, password))) return null;
    const account = this.store.getAccount(username);
    if (!account) return null;
    const token = randomBytes(48).toString('base64url');
    const now = this.now();
    this.tokens.set(tokenHash(token), { username, createdAt: now, lastUsedAt: now, passwordHash: account.passwordHash });
    return token;
  }

  /** The token's account, refreshing its idle timer; null when unknown or expired. */
  verify(token: string | undefined): (TokenInfo & { hash: string; expiresInMs: number }) | null {
    if (!token) return null;
    const hash = tokenHash(token);
    const info = this.tokens.get(hash);
    if (!info) return null;
    const now = this.now();
    // A password set by another process (`mqdash reset-admin-password` beside the running server)
    // ends the tokens issued under the old one, as setPassword does in this process.
    if (this.expired(info, now) || this.store.getAccount(info.username)?.passwordHash !== info.passwordHash) {
      this.end(hash);
      return null;
    }
    info.lastUsedAt = now;
    const { username, createdAt, lastUsedAt } = info;
    return { username, createdAt, lastUsedAt, hash, expiresInMs: Math.min(this.opts.idleTimeoutMs, info.createdAt + this.opts.maxLifetimeMs - now) };
  }

  logout(token: string): boolean {
    const hash = tokenHash(token);
    if (!this.tokens.has(hash)) return false;
    this.end(hash);
    return true;
  }

  private expired(info: IssuedToken, now: number): boolean {
    return now - info.lastUsedAt > this.opts.idleTimeoutMs || now - info.createdAt > this.opts.maxLifetimeMs;
  }

  private end(hash: string): void {
    this.tokens.delete(hash);
    this.emit('ended', hash);
  }

  private sweep(): void {
    const now = this.now();
    for (const [hash, info] of this.tokens) if (this.expired(info, now)) this.end(hash);
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
