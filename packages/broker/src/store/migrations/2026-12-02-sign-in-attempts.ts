import type { Migration } from './index.ts';

/**
 * Issue 12: failed sign-ins per address and per address + account, kept across restarts
 * (auth/sign-in-limiter.ts). `account` is null for the per-address count; the partial index
 * serves clearing an account's lockout, the other one pruning.
 */
export const signInAttempts: Migration = {
  name: '2026-12-02-sign-in-attempts',
  up(db) {
    db.exec(`
      CREATE TABLE sign_in_attempts (
        key TEXT PRIMARY KEY,
        realm TEXT NOT NULL,
        address TEXT NOT NULL,
        account TEXT,
        failures INTEGER NOT NULL,
        last_failure_at INTEGER NOT NULL,
        blocked_until INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX sign_in_attempts_account ON sign_in_attempts (realm, account) WHERE account IS NOT NULL;
      CREATE INDEX sign_in_attempts_last ON sign_in_attempts (last_failure_at);
    `);
  },
};
