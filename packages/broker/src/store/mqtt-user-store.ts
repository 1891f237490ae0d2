import type Database from 'better-sqlite3';

/** One row of `mqtt_users` (store/schema.ts `schemaExtensions`). Times are epoch ms. */
export interface MqttUserRow {
  username: string;
  /** scrypt hash (auth/password.ts); the password itself is never stored. */
  passwordHash: string;
  enabled: boolean;
  description: string;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  passwordChangedAt: number;
}

type DbRow = Record<string, unknown>;

const fromDb = (r: DbRow): MqttUserRow => ({
  username: r.username as string,
  passwordHash: r.password_hash as string,
  enabled: r.enabled === 1,
  description: r.description as string,
  createdBy: r.created_by as string | null,
  createdAt: r.created_at as number,
  updatedAt: r.updated_at as number,
  passwordChangedAt: r.password_changed_at as number,
});

/** A setting of `broker_settings`: its JSON value, when and by whom it was set. */
export interface StoredSetting<T> {
  value: T;
  updatedAt: number;
  updatedBy: string | null;
}

/** The MQTT client accounts and run-time broker settings, on the store's SQLite database. */
export class MqttUserStore {
  private readonly q;

  constructor(db: Database.Database) {
    this.q = {
      get: db.prepare('SELECT * FROM mqtt_users WHERE username = ?'),
      all: db.prepare('SELECT * FROM mqtt_users ORDER BY username'),
      counts: db.prepare('SELECT count(*) AS accounts, coalesce(sum(enabled), 0) AS enabled FROM mqtt_users'),
      insert: db.prepare(`INSERT INTO mqtt_users (username, password_hash, enabled, description, created_by, created_at, updated_at, password_changed_at)
        VALUES (@username, @passwordHash, @enabled, @description, @createdBy, @createdAt, @updatedAt, @passwordChangedAt)`),
      update: db.prepare(`UPDATE mqtt_users SET password_hash = @passwordHash, enabled = @enabled, description = @description,
        updated_at = @updatedAt, password_changed_at = @passwordChangedAt WHERE username = @username`),
      delete: db.prepare('DELETE FROM mqtt_users WHERE username = ?'),
      getSetting: db.prepare('SELECT value, updated_at, updated_by FROM broker_settings WHERE name = ?'),
      putSetting: db.prepare(`INSERT INTO broker_settings (name, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
    };
  }

  get(username: string): MqttUserRow | undefined {
    const r = this.q.get.get(username) as DbRow | undefined;
    return r && fromDb(r);
  }

  list(): MqttUserRow[] {
    return (this.q.all.all() as DbRow[]).map(fromDb);
  }

  counts(): { accounts: number; enabled: number } {
    return this.q.counts.get() as { accounts: number; enabled: number };
  }

  /** false when the username is taken. */
  insert(row: MqttUserRow): boolean {
    try {
      this.q.insert.run({ ...row, enabled: row.enabled ? 1 : 0 });
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return false;
      throw err;
    }
  }

  update(row: MqttUserRow): boolean {
    return this.q.update.run({ ...row, enabled: row.enabled ? 1 : 0 }).changes > 0;
  }

  delete(username: string): boolean {
    return this.q.delete.run(username).changes > 0;
  }

  setting<T>(name: string): StoredSetting<T> | undefined {
    const r = this.q.getSetting.get(name) as { value: string; updated_at: number; updated_by: string | null } | undefined;
    return r && { value: JSON.parse(r.value) as T, updatedAt: r.updated_at, updatedBy: r.updated_by };
  }

  putSetting(name: string, value: unknown, updatedAt: number, updatedBy: string | null): void {
    this.q.putSetting.run(name, JSON.stringify(value), updatedAt, updatedBy);
  }
}
