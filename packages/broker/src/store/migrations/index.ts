/**
 * Named schema migrations of the embedded store, applied in list order at every open; each name is
 * recorded in `schema_migrations` once applied, so a database skips what it already has and gains
 * what it lacks, whatever order features were added in. A migration is one file in this folder,
 * exporting a `Migration`; add it at the end of the list and never rename or edit a released one.
 */
import type Database from 'better-sqlite3';
import { adminRoles } from './2026-12-02-admin-roles.ts';
import { signInAttempts } from './2026-12-02-sign-in-attempts.ts';
import { labelProperties } from './2026-12-02-label-properties.ts';
import { readinessProbe } from './2026-12-02-readiness-probe.ts';
import { sessionCountIndexes } from './2026-12-02-session-count-indexes.ts';
import { sessionSearch } from './2026-12-03-session-search.ts';
import { unhealthySince } from './2026-12-03-unhealthy-since.ts';
import { sessionEvents } from './2026-12-03-session-events.ts';
import { accessControl } from './2026-12-03-access-control.ts';
import { savedViews } from './2026-12-03-saved-views.ts';
import { sessionEventsAge } from './2026-12-03-session-events-age.ts';
import { alertRules } from './2026-12-03-alert-rules.ts';
import { sessionBans } from './2026-12-03-session-bans.ts';

export interface Migration {
  /** Unique and stable: `<yyyy-mm-dd>-<what>`, recorded in `schema_migrations`. */
  name: string;
  /** Runs inside the transaction that records it. */
  up(db: Database.Database): void;
}

export const migrations: Migration[] = [signInAttempts, adminRoles, labelProperties, readinessProbe, sessionCountIndexes, sessionSearch, unhealthySince, sessionEvents, accessControl, savedViews, sessionEventsAge, alertRules, sessionBans];

/** Applies, each in its own transaction, the migrations this database has not had yet. */
export function applyMigrations(db: Database.Database, list: Migration[] = migrations): string[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const done = new Set((db.prepare('SELECT name FROM schema_migrations').all() as Array<{ name: string }>).map((r) => r.name));
  const record = db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)');
  const applied: string[] = [];
  for (const m of list) {
    if (done.has(m.name)) continue;
    db.transaction(() => {
      m.up(db);
      record.run(m.name, Date.now());
    })();
    applied.push(m.name);
  }
  return applied;
}
