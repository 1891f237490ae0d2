/**
 * Migration 2026-12-03-session-search on a database written before it: the sessions already there
 * are found by searchText at once (the backfill), and later writes keep the index in step.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../__tests__/helpers.ts';
import { olderDatabase } from './older-database.ts';
import { SqliteStore } from '../sqlite-store.ts';
import type { SessionQuery } from '../types.ts';

const query = (searchText: string): SessionQuery => ({
  prefix: '', connectionStatuses: [], sessionStatuses: [], sessionTypes: [], healths: [], includeUnsetHealthMeasures: true,
  searchText, sort: { key: 'clientName', descending: false }, skip: 0, limit: -1,
});

test('sessions of an older database are searchable after the migration, and stay in step', () => {
  const file = path.join(tempDir(), 'mqdash.db');
  const old = olderDatabase(file);
  old.prepare("INSERT INTO labels (grp, name, created_at) VALUES ('site', 'Hall North', 1)").run();
  const insert = old.prepare(`INSERT INTO sessions (client_name, session_type, connection_status, created_at, username, ip_address, label_id)
    VALUES (?, 'mqtt', 'disconnected', 1, ?, ?, ?)`);
  insert.run('press-0001', 'fleet-svc', '10.1.2.3', 1);
  insert.run('press-0002', 'other', '2001:db8::7', null);
  old.close();

  const store = new SqliteStore(file);
  try {
    assert.ok((store.db.prepare('SELECT name FROM schema_migrations').pluck().all() as string[]).includes('2026-12-03-session-search'));
    const found = (term: string) => store.listSessions(query(term)).rows.map((r) => r.clientName);
    assert.deepEqual(found('ss-000'), ['press-0001', 'press-0002']);
    assert.deepEqual(found('EET-S'), ['press-0001']);
    assert.deepEqual(found('1.2.3'), ['press-0001']);
    assert.deepEqual(found('db8::'), ['press-0002']);
    assert.deepEqual(found('north'), ['press-0001']);
    assert.equal(store.listSessions(query('press')).total, 2);

    const row = store.getSession('press-0002')!;
    store.updateSession(row.id, { username: 'night-shift' });
    assert.deepEqual(found('t-shi'), ['press-0002']);
    store.deleteSession(row.id);
    assert.deepEqual(found('press'), ['press-0001']);
  } finally {
    store.close();
  }
});
