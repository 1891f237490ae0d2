import type { Migration } from './index.ts';

/**
 * Issue 12: the ban list (bans that need no session) and the topic permissions.
 * - `bans`: one row per (type, value); values of address bans in canonical form
 *   (contracts `canonicalBanValue`); `expires_at` null: never.
 * - `topic_permissions`: rules evaluated by `position` (1, 2, …, renumbered on every change);
 *   `username` only for subject 'account'. The default policy is the `defaultTopicPermission`
 *   row of `broker_settings`.
 */
export const accessControl: Migration = {
  name: '2026-12-03-access-control',
  up(db) {
    db.exec(`
      CREATE TABLE bans (
        ban_type TEXT NOT NULL,
        value TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        created_by TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        PRIMARY KEY (ban_type, value)
      ) WITHOUT ROWID;
      CREATE TABLE topic_permissions (
        id INTEGER PRIMARY KEY,
        position INTEGER NOT NULL,
        subject TEXT NOT NULL CHECK (subject IN ('account', 'anonymous', 'everyone')),
        username TEXT,
        permission TEXT NOT NULL CHECK (permission IN ('allow', 'deny')),
        action TEXT NOT NULL CHECK (action IN ('publish', 'subscribe', 'all')),
        topic_filter TEXT NOT NULL,
        created_by TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX topic_permissions_position ON topic_permissions (position);
    `);
  },
};
