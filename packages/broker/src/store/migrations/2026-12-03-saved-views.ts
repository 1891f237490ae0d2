import type { Migration } from './index.ts';

/** Issue 13: the sessions screen's saved views, per administrator account (store/saved-view-store.ts). */
export const savedViews: Migration = {
  name: '2026-12-03-saved-views',
  up(db) {
    db.exec(`
      CREATE TABLE saved_views (
        account TEXT NOT NULL,
        name TEXT NOT NULL,
        search TEXT NOT NULL,
        columns TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account, name)
      ) WITHOUT ROWID;
    `);
  },
};
