/**
 * Migration 2026-12-02-label-properties on a database written before it: the labels already there
 * gain FairCom's properties with their defaults, keep their sessions, and can be altered.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../__tests__/helpers.ts';
import { olderDatabase } from './older-database.ts';
import { LabelStore } from '../label-store.ts';
import { SqliteStore } from '../sqlite-store.ts';

test('labels of an older database gain value, enum, sequence and deprecated; their sessions keep them', () => {
  const file = path.join(tempDir(), 'mqdash.db');
  const old = olderDatabase(file);
  old.prepare("INSERT INTO labels (grp, name, description, metadata, created_at) VALUES ('site/', 'north', 'd', '{\"color\":\"#f00\"}', 1)").run();
  old.prepare("INSERT INTO sessions (client_name, session_type, connection_status, created_at, label_id) VALUES ('s1', 'mqtt', 'disconnected', 1, 1)").run();
  old.close();

  const store = new SqliteStore(file);
  try {
    assert.ok((store.db.prepare('SELECT name FROM schema_migrations').pluck().all() as string[]).includes('2026-12-02-label-properties'));
    const labels = new LabelStore(store.db);
    const north = labels.find('site/', 'north')!;
    assert.deepEqual(
      { value: north.value, enum: north.enum, sequence: north.sequence, deprecated: north.deprecated, metadata: north.metadata, sessionCount: north.sessionCount },
      { value: null, enum: 0, sequence: 0, deprecated: false, metadata: { color: '#f00' }, sessionCount: 1 },
    );
    const altered = labels.alter(north.id, { enum: 3, deprecated: true, value: { code: 'N' } }, 2);
    assert.deepEqual([altered.enum, altered.deprecated, altered.value, altered.updatedAt], [3, true, { code: 'N' }, 2]);
  } finally {
    store.close();
  }
});
