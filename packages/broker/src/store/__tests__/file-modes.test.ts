/**
 * Issue 12: the probe found `mqdash.db*` world-readable (0644). A real broker on a real SQLite
 * file: the data folder is 0700 and the database, its WAL and shared-memory files and the initial
 * password file 0600 from the start, under a loose umask too; files an older version left open are
 * tightened at the next start; shared sticky folders and other files are left alone.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import mqtt from 'mqtt';
import type net from 'node:net';
import { createBroker } from '../../broker.ts';
import { securePrivateDir } from '../file-modes.ts';
import { tempDir } from '../../__tests__/helpers.ts';

const modeOf = (p: string) => fs.statSync(p).mode & 0o777;

/** Runs `fn` with umask 022 (group- and world-readable files by default), restoring the old one. */
async function withLooseUmask<T>(fn: () => Promise<T>): Promise<T> {
  const old = process.umask(0o022);
  try {
    return await fn();
  } finally {
    process.umask(old);
  }
}

test('a new data folder is 0700 and every file mqdash writes there 0600, the WAL and shared memory included', async () => {
  const dataDir = path.join(tempDir(), 'data');
  await withLooseUmask(async () => {
    // No admin password given: the generated one is written to a file.
    const broker = await createBroker({ dataDir });
    try {
      // Traffic, so the WAL holds something.
      const port = ((await broker.listenMqtt(0)).address() as net.AddressInfo).port;
      const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'modes-1', clean: false, reconnectPeriod: 0 });
      await c.publishAsync('t/modes', 'x', { qos: 1, retain: true });
      await c.endAsync();
      assert.equal(modeOf(dataDir), 0o700);
      const files = fs.readdirSync(dataDir).sort();
      assert.deepEqual(files, ['initial-admin-password', 'mqdash.db', 'mqdash.db-shm', 'mqdash.db-wal']);
      for (const f of files) assert.equal(modeOf(path.join(dataDir, f)), 0o600, f);
    } finally {
      await broker.close();
    }
  });
});

test('files and folder an older version left open are tightened at the next start; other files are left alone', async () => {
  const dataDir = path.join(tempDir(), 'data');
  await withLooseUmask(async () => {
    const first = await createBroker({ dataDir, adminPassword: 'modes-admin-password' });
    await first.close();
    // As an older mqdash left them.
    fs.chmodSync(dataDir, 0o755);
    fs.chmodSync(path.join(dataDir, 'mqdash.db'), 0o644);
    fs.writeFileSync(path.join(dataDir, 'notes.txt'), 'not ours', { mode: 0o644 });
    fs.chmodSync(path.join(dataDir, 'notes.txt'), 0o644);
    const second = await createBroker({ dataDir, adminPassword: 'modes-admin-password' });
    try {
      assert.equal(modeOf(dataDir), 0o700);
      for (const f of fs.readdirSync(dataDir).filter((n) => n.startsWith('mqdash.db'))) assert.equal(modeOf(path.join(dataDir, f)), 0o600, f);
      assert.equal(modeOf(path.join(dataDir, 'notes.txt')), 0o644);
      // The database is the same one, with its account.
      assert.equal(second.auth.hasAccount('admin'), true);
    } finally {
      await second.close();
    }
  });
});

test('a sticky shared folder (like /tmp) keeps its mode', () => {
  const shared = tempDir();
  fs.chmodSync(shared, 0o1777);
  fs.writeFileSync(path.join(shared, 'mqdash.db'), '');
  fs.chmodSync(path.join(shared, 'mqdash.db'), 0o644);
  securePrivateDir(shared);
  assert.equal(fs.statSync(shared).mode & 0o7777, 0o1777);
  assert.equal(modeOf(path.join(shared, 'mqdash.db')), 0o600, "mqdash's own file is still tightened");
});
