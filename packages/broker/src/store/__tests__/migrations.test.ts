import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { applyMigrations, type Migration } from '../migrations/index.ts';
import { SqliteStore } from '../sqlite-store.ts';
import { tempDir } from '../../__tests__/helpers.ts';

const addColumn: Migration = { name: 'test-add-column', up: (db) => db.exec('ALTER TABLE t ADD COLUMN b TEXT') };
const addTable: Migration = { name: 'test-add-table', up: (db) => db.exec('CREATE TABLE u (x INTEGER)') };

test('migrations run once each, by name, and a database gains only those it lacks', () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (a INTEGER)');
  assert.deepEqual(applyMigrations(db, [addColumn]), ['test-add-column']);
  // A second open, with a migration another branch added before this one in the list.
  assert.deepEqual(applyMigrations(db, [addTable, addColumn]), ['test-add-table']);
  assert.deepEqual(applyMigrations(db, [addTable, addColumn]), []);
  assert.deepEqual(db.prepare('SELECT name FROM schema_migrations ORDER BY name').pluck().all(), ['test-add-column', 'test-add-table']);
});

test('a failing migration changes nothing and is not recorded', () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (a INTEGER)');
  const broken: Migration = { name: 'test-broken', up: (d) => { d.exec('CREATE TABLE v (x INTEGER)'); d.exec('NOT SQL'); } };
  assert.throws(() => applyMigrations(db, [broken]));
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'v'").pluck().get(), 0);
  assert.equal(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get(), 0);
});

test('the store records its migrations table on open', () => {
  const store = new SqliteStore(path.join(tempDir(), 'mqdash.db'));
  try {
    assert.equal(store.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'").pluck().get(), 1);
  } finally {
    store.close();
  }
});
