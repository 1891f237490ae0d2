import type { Migration } from './index.ts';

/**
 * Issue 13 "Alert rules": the rules and their evaluated state. `state` is 'ok', 'pending' (the
 * condition holds, for less than `for_minutes`) or 'firing'; `condition_since` and `firing_since`
 * are epoch ms, kept so a restart neither forgets a firing alert nor restarts its wait. Ids are
 * never reused (AUTOINCREMENT): the audit log names rules by id.
 */
export const alertRules: Migration = {
  name: '2026-12-03-alert-rules',
  up(db) {
    db.exec(`
      CREATE TABLE alert_rules (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        condition TEXT NOT NULL,
        threshold REAL NOT NULL,
        for_minutes REAL NOT NULL,
        enabled INTEGER NOT NULL,
        partial_client_name TEXT,
        label_id INTEGER,
        webhook_url TEXT,
        webhook_secret TEXT,
        state TEXT NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'pending', 'firing')),
        value REAL,
        condition_since INTEGER,
        firing_since INTEGER,
        last_evaluated_at INTEGER,
        created_by TEXT,
        created_at INTEGER NOT NULL
      );
    `);
  },
};
