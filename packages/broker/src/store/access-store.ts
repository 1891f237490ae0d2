import type Database from 'better-sqlite3';
import type { BanType, PermissionAction, PermissionDecision, PermissionSubject } from '@mqdash/contracts';

/** One row of `bans` (migration 2026-12-03-access-control). Times are epoch ms. */
export interface BanRow {
  banType: BanType;
  value: string;
  reason: string;
  createdBy: string | null;
  createdAt: number;
  /** null: never. */
  expiresAt: number | null;
}

/** One row of `topic_permissions`. */
export interface TopicPermissionRow {
  id: number;
  position: number;
  subject: PermissionSubject;
  username: string | null;
  permission: PermissionDecision;
  action: PermissionAction;
  topicFilter: string;
  createdBy: string | null;
  createdAt: number;
}

type DbRow = Record<string, unknown>;

const banFromDb = (r: DbRow): BanRow => ({
  banType: r.ban_type as BanType, value: r.value as string, reason: r.reason as string,
  createdBy: r.created_by as string | null, createdAt: r.created_at as number, expiresAt: r.expires_at as number | null,
});

const ruleFromDb = (r: DbRow): TopicPermissionRow => ({
  id: r.id as number, position: r.position as number, subject: r.subject as PermissionSubject, username: r.username as string | null,
  permission: r.permission as PermissionDecision, action: r.action as PermissionAction, topicFilter: r.topic_filter as string,
  createdBy: r.created_by as string | null, createdAt: r.created_at as number,
});

/** The ban list on the store's SQLite database. */
export class BanStore {
  private readonly q;

  constructor(db: Database.Database) {
    this.q = {
      all: db.prepare('SELECT * FROM bans ORDER BY created_at, ban_type, value'),
      get: db.prepare('SELECT * FROM bans WHERE ban_type = ? AND value = ?'),
      insert: db.prepare(`INSERT INTO bans (ban_type, value, reason, created_by, created_at, expires_at)
        VALUES (@banType, @value, @reason, @createdBy, @createdAt, @expiresAt)`),
      delete: db.prepare('DELETE FROM bans WHERE ban_type = ? AND value = ?'),
      deleteExpired: db.prepare('DELETE FROM bans WHERE expires_at IS NOT NULL AND expires_at <= ?'),
    };
  }

  all(): BanRow[] {
    return (this.q.all.all() as DbRow[]).map(banFromDb);
  }

  get(banType: BanType, value: string): BanRow | undefined {
    const r = this.q.get.get(banType, value) as DbRow | undefined;
    return r && banFromDb(r);
  }

  /** false when this ban exists already. */
  insert(row: BanRow): boolean {
    try {
      this.q.insert.run(row);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return false;
      throw err;
    }
  }

  delete(banType: BanType, value: string): boolean {
    return this.q.delete.run(banType, value).changes > 0;
  }

  deleteExpired(now: number): number {
    return this.q.deleteExpired.run(now).changes;
  }
}

/** The topic permission rules on the store's SQLite database, kept numbered 1, 2, … in order. */
export class TopicPermissionStore {
  private readonly q;
  private readonly insertAt;
  private readonly remove;

  constructor(private readonly db: Database.Database) {
    this.q = {
      all: db.prepare('SELECT * FROM topic_permissions ORDER BY position, id'),
      get: db.prepare('SELECT * FROM topic_permissions WHERE id = ?'),
      count: db.prepare('SELECT count(*) AS n FROM topic_permissions'),
      shift: db.prepare('UPDATE topic_permissions SET position = position + 1 WHERE position >= ?'),
      insert: db.prepare(`INSERT INTO topic_permissions (position, subject, username, permission, action, topic_filter, created_by, created_at)
        VALUES (@position, @subject, @username, @permission, @action, @topicFilter, @createdBy, @createdAt)`),
      delete: db.prepare('DELETE FROM topic_permissions WHERE id = ?'),
      close: db.prepare('UPDATE topic_permissions SET position = position - 1 WHERE position > ?'),
      deleteAccount: db.prepare("DELETE FROM topic_permissions WHERE subject = 'account' AND username = ?"),
    };
    this.insertAt = db.transaction((row: Omit<TopicPermissionRow, 'id' | 'position'>, position: number | undefined): TopicPermissionRow => {
      const n = (this.q.count.get() as { n: number }).n;
      const at = position === undefined || position > n ? n + 1 : position;
      this.q.shift.run(at);
      const id = Number(this.q.insert.run({ ...row, position: at }).lastInsertRowid);
      return { ...row, id, position: at };
    });
    this.remove = db.transaction((id: number): boolean => {
      const row = this.q.get.get(id) as DbRow | undefined;
      if (!row) return false;
      this.q.delete.run(id);
      this.q.close.run(row.position);
      return true;
    });
  }

  all(): TopicPermissionRow[] {
    return (this.q.all.all() as DbRow[]).map(ruleFromDb);
  }

  count(): number {
    return (this.q.count.get() as { n: number }).n;
  }

  /** Inserts at a 1-based position (omitted or beyond the end: last), moving later rules down. */
  insert(row: Omit<TopicPermissionRow, 'id' | 'position'>, position?: number): TopicPermissionRow {
    return this.insertAt(row, position);
  }

  delete(id: number): boolean {
    return this.remove(id);
  }

  /** The rules of an account that is deleted go with it; then the order is renumbered. */
  deleteAccountRules(username: string): number {
    return this.db.transaction(() => {
      const n = this.q.deleteAccount.run(username).changes;
      if (n) this.db.exec('UPDATE topic_permissions SET position = (SELECT count(*) FROM topic_permissions t2 WHERE t2.position < topic_permissions.position OR (t2.position = topic_permissions.position AND t2.id <= topic_permissions.id))');
      return n;
    })();
  }
}
