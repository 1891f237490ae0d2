import type Database from 'better-sqlite3';

/** `broker_settings` name: set when `admin` got a generated password, removed at the first sign-in. */
const SETTING = 'firstSignInPending';

/**
 * Issue 13 "First start": whether nobody has signed in since the first administrator's password
 * was generated into DATA_DIR/initial-admin-password. While it holds, the login page says where
 * that password is (`GET /bff/first-start`, a boolean and nothing else). Kept in the database, so
 * a restart before the first sign-in keeps the hint; an account created with ADMIN_PASSWORD, and a
 * database from before this setting existed, never show it.
 */
export class FirstStart {
  private pendingNow: boolean;

  constructor(private readonly db: Database.Database) {
    this.pendingNow = db.prepare('SELECT 1 FROM broker_settings WHERE name = ?').get(SETTING) !== undefined;
  }

  /** Nobody has signed in since the password was generated. */
  get pending(): boolean {
    return this.pendingNow;
  }

  /** The first administrator's password was just generated into its file. */
  passwordGenerated(now = Date.now()): void {
    this.db.prepare(`INSERT INTO broker_settings (name, value, updated_at, updated_by) VALUES (?, 'true', ?, NULL)
      ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`).run(SETTING, now);
    this.pendingNow = true;
  }

  /** A sign-in succeeded: the hint has done its work. */
  signedIn(): void {
    if (!this.pendingNow) return;
    this.db.prepare('DELETE FROM broker_settings WHERE name = ?').run(SETTING);
    this.pendingNow = false;
  }
}
