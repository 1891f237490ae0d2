import type Database from 'better-sqlite3';
import type { AttemptKey, AttemptRecord, SignInAttemptStore, SignInRealm } from '../auth/sign-in-limiter.ts';

type DbRow = { failures: number; last_failure_at: number; blocked_until: number };
const fromDb = (r: DbRow): AttemptRecord => ({ failures: r.failures, lastFailureAt: r.last_failure_at, blockedUntil: r.blocked_until });

/** Failed sign-ins on the store's SQLite database (`sign_in_attempts`, migration 2026-12-02-sign-in-attempts). */
export class SqliteSignInAttemptStore implements SignInAttemptStore {
  private readonly q;
  private readonly addFailureTx: (key: AttemptKey, now: number, windowMs: number, blockedUntil: (failures: number) => number) => AttemptRecord;
  private readonly clearTx: (realm: SignInRealm, account: string) => number;

  constructor(db: Database.Database) {
    this.q = {
      get: db.prepare('SELECT failures, last_failure_at, blocked_until FROM sign_in_attempts WHERE key = ?'),
      put: db.prepare(`INSERT INTO sign_in_attempts (key, realm, address, account, failures, last_failure_at, blocked_until)
        VALUES (@key, @realm, @address, @account, @failures, @lastFailureAt, @blockedUntil)
        ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at, blocked_until = excluded.blocked_until`),
      forget: db.prepare('DELETE FROM sign_in_attempts WHERE key = ?'),
      addresses: db.prepare('SELECT DISTINCT address FROM sign_in_attempts WHERE realm = ? AND account = ?'),
      forgetAccount: db.prepare('DELETE FROM sign_in_attempts WHERE realm = ? AND account = ?'),
      forgetAddress: db.prepare('DELETE FROM sign_in_attempts WHERE realm = ? AND address = ? AND account IS NULL'),
      prune: db.prepare('DELETE FROM sign_in_attempts WHERE last_failure_at < ? AND blocked_until <= ?'),
    };
    // One transaction each: read, count, write, with nothing in between.
    this.addFailureTx = db.transaction((key: AttemptKey, now: number, windowMs: number, blockedUntil: (failures: number) => number) => {
      const old = this.q.get.get(key.key) as DbRow | undefined;
      const fresh = !old || (now - old.last_failure_at > windowMs && now >= old.blocked_until);
      const failures = fresh ? 1 : old.failures + 1;
      const record = { failures, lastFailureAt: now, blockedUntil: blockedUntil(failures) };
      this.q.put.run({ key: key.key, realm: key.realm, address: key.address, account: key.account, ...record });
      return record;
    });
    this.clearTx = db.transaction((realm: SignInRealm, account: string) => {
      let n = 0;
      for (const { address } of this.q.addresses.all(realm, account) as Array<{ address: string }>) n += this.q.forgetAddress.run(realm, address).changes;
      return n + this.q.forgetAccount.run(realm, account).changes;
    });
  }

  read(keys: readonly string[]): Array<AttemptRecord | undefined> {
    return keys.map((k) => {
      const r = this.q.get.get(k) as DbRow | undefined;
      return r && fromDb(r);
    });
  }

  addFailure(key: AttemptKey, now: number, windowMs: number, blockedUntil: (failures: number) => number): AttemptRecord {
    return this.addFailureTx(key, now, windowMs, blockedUntil);
  }

  forget(key: string): void {
    this.q.forget.run(key);
  }

  clearAccount(realm: SignInRealm, account: string): number {
    return this.clearTx(realm, account);
  }

  prune(now: number, windowMs: number): number {
    return this.q.prune.run(now - windowMs, now).changes;
  }
}

/**
 * For the `reset-admin-password` command (operations), which opens the database itself: forgets an
 * account's failed sign-ins (and the per-address counts of the addresses it failed from), so it
 * can sign in at once — also in a server running on the same database, which reads the counts
 * from it at every attempt. Returns how many records it removed.
 */
export function clearLockout(db: Database.Database, account: string, realm: SignInRealm = 'admin'): number {
  return new SqliteSignInAttemptStore(db).clearAccount(realm, account);
}
