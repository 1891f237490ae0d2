import type { Migration } from './index.ts';

/**
 * Issue 13 "Search": one term matches any substring of a session's client name, user name, IP
 * address and label name. `sessions_search` is an FTS5 table with the trigram tokenizer (SQLite
 * ≥ 3.34; better-sqlite3 12 bundles 3.5x), one row per session with the session's id as rowid, so
 * a search is an index lookup, not a scan (store/session-search.ts). Triggers keep it in step with
 * every write to `sessions` (registry, retention, restore, bench seeding alike) and with label
 * renames; a label's delete sets its sessions' `label_id` to NULL, which fires the update trigger.
 * The backfill indexes the sessions an older database already has.
 *
 * Contentless (`content = ''`, the text stays only in `sessions`; the index answers rowids) with
 * `contentless_delete = 1` (SQLite ≥ 3.43), so a session's row can be updated and deleted without
 * a second copy of its text being written. Such a table takes an UPDATE only with every column,
 * so a label rename deletes and re-inserts its sessions' rows.
 */
export const sessionSearch: Migration = {
  name: '2026-12-03-session-search',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE sessions_search USING fts5(
        client_name, username, ip_address, label, tokenize = 'trigram', content = '', contentless_delete = 1
      );
      CREATE TRIGGER sessions_search_insert AFTER INSERT ON sessions BEGIN
        INSERT INTO sessions_search (rowid, client_name, username, ip_address, label)
        VALUES (new.id, new.client_name, new.username, new.ip_address, (SELECT name FROM labels WHERE id = new.label_id));
      END;
      CREATE TRIGGER sessions_search_update AFTER UPDATE OF client_name, username, ip_address, label_id ON sessions
      WHEN new.client_name IS NOT old.client_name OR new.username IS NOT old.username
        OR new.ip_address IS NOT old.ip_address OR new.label_id IS NOT old.label_id BEGIN
        UPDATE sessions_search SET client_name = new.client_name, username = new.username, ip_address = new.ip_address,
          label = (SELECT name FROM labels WHERE id = new.label_id)
        WHERE rowid = new.id;
      END;
      CREATE TRIGGER sessions_search_delete AFTER DELETE ON sessions BEGIN
        DELETE FROM sessions_search WHERE rowid = old.id;
      END;
      CREATE TRIGGER sessions_search_label_rename AFTER UPDATE OF name ON labels WHEN new.name IS NOT old.name BEGIN
        DELETE FROM sessions_search WHERE rowid IN (SELECT id FROM sessions WHERE label_id = new.id);
        INSERT INTO sessions_search (rowid, client_name, username, ip_address, label)
          SELECT id, client_name, username, ip_address, new.name FROM sessions WHERE label_id = new.id;
      END;
      INSERT INTO sessions_search (rowid, client_name, username, ip_address, label)
        SELECT s.id, s.client_name, s.username, s.ip_address, l.name FROM sessions s LEFT JOIN labels l ON l.id = s.label_id;
    `);
  },
};
