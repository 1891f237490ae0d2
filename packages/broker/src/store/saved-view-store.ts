import type Database from 'better-sqlite3';
import { SAVED_VIEWS_MAX, type SavedView, type SavedViewBody } from '@mqdash/contracts';

type DbRow = { name: string; search: string; columns: string; created_at: number; updated_at: number };

const fromDb = (r: DbRow): SavedView => ({
  name: r.name,
  search: r.search,
  columns: JSON.parse(r.columns) as string[],
  createdDateTime: new Date(r.created_at).toISOString(),
  updatedDateTime: new Date(r.updated_at).toISOString(),
});

/** Why a view was not saved. */
export class SavedViewLimitError extends Error {}

/**
 * Issue 13: saved views of the sessions screen, per administrator account (`saved_views`,
 * migration 2026-12-03-saved-views). Each account sees and changes only its own.
 */
export class SavedViewStore {
  private readonly q;
  private readonly saveTx: (account: string, view: SavedViewBody, now: number) => SavedView;

  constructor(db: Database.Database) {
    this.q = {
      list: db.prepare('SELECT name, search, columns, created_at, updated_at FROM saved_views WHERE account = ? ORDER BY name COLLATE NOCASE, name'),
      get: db.prepare('SELECT name, search, columns, created_at, updated_at FROM saved_views WHERE account = ? AND name = ?'),
      count: db.prepare('SELECT count(*) AS n FROM saved_views WHERE account = ?'),
      put: db.prepare(`INSERT INTO saved_views (account, name, search, columns, created_at, updated_at) VALUES (@account, @name, @search, @columns, @now, @now)
        ON CONFLICT (account, name) DO UPDATE SET search = excluded.search, columns = excluded.columns, updated_at = excluded.updated_at`),
      remove: db.prepare('DELETE FROM saved_views WHERE account = ? AND name = ?'),
    };
    this.saveTx = db.transaction((account: string, view: SavedViewBody, now: number) => {
      const exists = this.q.get.get(account, view.name) !== undefined;
      if (!exists && (this.q.count.get(account) as { n: number }).n >= SAVED_VIEWS_MAX)
        throw new SavedViewLimitError(`an account keeps at most ${SAVED_VIEWS_MAX} views; delete one first`);
      this.q.put.run({ account, name: view.name, search: view.search, columns: JSON.stringify(view.columns), now });
      return fromDb(this.q.get.get(account, view.name) as DbRow);
    });
  }

  list(account: string): SavedView[] {
    return (this.q.list.all(account) as DbRow[]).map(fromDb);
  }

  /** Creates the view, or replaces the account's view of the same name. */
  save(account: string, view: SavedViewBody, now = Date.now()): SavedView {
    return this.saveTx(account, view, now);
  }

  /** False when the account has no view of that name. */
  delete(account: string, name: string): boolean {
    return this.q.remove.run(account, name).changes > 0;
  }
}
