/**
 * aedes-persistence's own test suite (abstract.js, the one every aedes persistence must pass) run
 * against the SQLite persistence, wired as aedes-persistence wires it for its in-memory
 * implementation (test/test-directAsync.js: node:test, async interface). Each test gets a fresh
 * database file in its own temp folder, in WAL mode as the mqdash store opens it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import abstractPersistence from 'aedes-persistence/abstract.js';
import { SqlitePersistence } from '../sqlite-persistence.ts';

/** The persistence under test, which also closes and removes its database when the suite destroys it. */
class TestPersistence extends SqlitePersistence {
  constructor(private readonly dir: string, private readonly database: Database.Database) {
    super(database);
  }

  override async destroy(): Promise<void> {
    await super.destroy();
    this.database.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function freshPersistence(): SqlitePersistence {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-persistence-'));
  const db = new Database(path.join(dir, 'mqdash.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return new TestPersistence(dir, db);
}

abstractPersistence({
  test,
  persistence: freshPersistence,
  testAsync: true,
});
