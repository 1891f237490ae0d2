/**
 * The SQL of the retention policy (retention.ts) on the embedded store: its setting, the sessions
 * it may remove, the audit log's bounds and the session timeline events' age. Sessions are visited in windows of row ids, so one
 * step reads a bounded number of rows however few of them match.
 */
import type Database from 'better-sqlite3';

/** Which of the policy's kinds a session falls under. */
export type SessionKind = 'temporary' | 'inactive' | 'permanent';

/** Last seen: connected, disconnected, used (an MQ API session) or, never any of those, created. */
const LAST_SEEN = 'max(created_at, coalesce(connected_at, 0), coalesce(disconnected_at, 0), coalesce(last_activity_at, 0))';
const KIND = "CASE WHEN session_status = 'inactive' THEN 'inactive' WHEN temporary = 1 THEN 'temporary' ELSE 'permanent' END";
/** Old enough, not connected now, and never banned (a ban holds only while its session exists). */
const ELIGIBLE = `session_status <> 'banned' AND connection_status NOT IN ('connected', 'connectedTemporarily') AND ${LAST_SEEN} < @cutoff`;
/** Audit entries past the policy: older than the cutoff, or beyond the newest `maxEntries` (id ≤ boundary). */
const AUDIT_PAST = 'ts < @cutoff OR id <= @boundary';

export interface StoredSettingRow { value: string; updated_at: number; updated_by: string | null }

export class RetentionStore {
  private readonly q;

  constructor(db: Database.Database) {
    this.q = {
      getSetting: db.prepare('SELECT value, updated_at, updated_by FROM broker_settings WHERE name = ?'),
      putSetting: db.prepare(`INSERT INTO broker_settings (name, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      countSessions: db.prepare(`SELECT ${KIND} AS kind, count(*) AS n FROM sessions WHERE ${ELIGIBLE} GROUP BY 1`),
      countBanned: db.prepare(`SELECT count(*) FROM sessions WHERE session_status = 'banned' AND ${LAST_SEEN} < @cutoff`).pluck(),
      maxSessionId: db.prepare('SELECT coalesce(max(id), 0) FROM sessions').pluck(),
      sessionsIn: db.prepare(`SELECT client_name AS clientName, ${KIND} AS kind FROM sessions
        WHERE id > @after AND id <= @upto AND ${ELIGIBLE} AND (${KIND} <> 'permanent' OR @permanent = 1) ORDER BY id`),
      auditBoundary: db.prepare('SELECT id FROM audit_log ORDER BY id DESC LIMIT 1 OFFSET ?').pluck(),
      countAudit: db.prepare(`SELECT count(*) FROM audit_log WHERE ${AUDIT_PAST}`).pluck(),
      deleteAudit: db.prepare(`DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE ${AUDIT_PAST} ORDER BY id LIMIT @limit)`),
      countEvents: db.prepare('SELECT count(*) FROM session_events WHERE ts < @cutoff').pluck(),
      deleteEvents: db.prepare('DELETE FROM session_events WHERE id IN (SELECT id FROM session_events WHERE ts < @cutoff ORDER BY ts LIMIT @limit)'),
    };
  }

  setting(name: string): StoredSettingRow | undefined {
    return this.q.getSetting.get(name) as StoredSettingRow | undefined;
  }

  putSetting(name: string, value: unknown, at: number, by: string | null): void {
    this.q.putSetting.run(name, JSON.stringify(value), at, by);
  }

  /** Sessions the policy would remove by kind (permanent ones counted whether included or not), and old banned ones. */
  countSessions(cutoff: number): Record<SessionKind, number> & { banned: number } {
    const out = { temporary: 0, inactive: 0, permanent: 0, banned: this.q.countBanned.get({ cutoff }) as number };
    for (const r of this.q.countSessions.all({ cutoff }) as Array<{ kind: SessionKind; n: number }>) out[r.kind] = r.n;
    return out;
  }

  maxSessionId(): number {
    return this.q.maxSessionId.get() as number;
  }

  /** The sessions to remove among ids (after, upto]. */
  sessionsIn(after: number, upto: number, cutoff: number, permanent: boolean): Array<{ clientName: string; kind: SessionKind }> {
    return this.q.sessionsIn.all({ after, upto, cutoff, permanent: permanent ? 1 : 0 }) as Array<{ clientName: string; kind: SessionKind }>;
  }

  /** The id at and below which entries are beyond the newest `maxEntries` (0: no limit, or fewer entries). */
  auditBoundary(maxEntries: number): number {
    return maxEntries > 0 ? ((this.q.auditBoundary.get(maxEntries) as number | undefined) ?? 0) : 0;
  }

  countAudit(cutoff: number, boundary: number): number {
    return this.q.countAudit.get({ cutoff, boundary }) as number;
  }

  /** Deletes up to `limit` entries past the policy, oldest first; returns how many. */
  deleteAudit(cutoff: number, boundary: number, limit: number): number {
    return this.q.deleteAudit.run({ cutoff, boundary, limit }).changes;
  }

  /** Session timeline events older than `cutoff` (the ts index of migration 2026-12-03-session-events-age). */
  countSessionEvents(cutoff: number): number {
    return this.q.countEvents.get({ cutoff }) as number;
  }

  /** Deletes up to `limit` events older than `cutoff`, oldest first; returns how many. */
  deleteSessionEvents(cutoff: number, limit: number): number {
    return this.q.deleteEvents.run({ cutoff, limit }).changes;
  }
}
