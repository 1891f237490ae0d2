/**
 * `GET /healthz` (liveness) and `GET /readyz` (readiness) of the real server (startServer: real
 * listeners, a real SQLite file): unauthenticated, one word each; not ready while the database
 * cannot take a write (SQLite's max_page_count reached, the database full), while a listener is
 * closed, or while a plugged-in check fails; ready again once the cause is gone.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import type { SqliteStore } from '@mqdash/broker';
import { loadConfig } from '../config.ts';
import { startServer, type RunningServer } from '../server.ts';

const lines: Array<{ level: number; msg: string; failed?: Array<{ check: string; reason: string }> }> = [];
const log = pino({ level: 'info' }, { write: (l: string) => { lines.push(JSON.parse(l)); } });
let dir: string;
let server: RunningServer;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-health-'));
  server = await startServer(loadConfig(['--port', '0', '--mqtt-port', '0', '--data-dir', dir, '--admin-password', 'health-admin-pw']), log);
});
after(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const get = (route: string) => fetch(`http://127.0.0.1:${server.httpPort}${route}`);

/** Polls /readyz until it answers `status` (its answer is cached for a second). */
async function readyzBecomes(status: number, timeoutMs = 15_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await get('/readyz');
    if (res.status === status) return res;
    await res.body?.cancel();
    if (Date.now() > deadline) throw new Error(`/readyz still answers ${res.status}, not ${status}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('/healthz and /readyz answer without authentication, with one word and nothing else', async () => {
  const health = await get('/healthz');
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: 'ok' });
  assert.equal(health.headers.get('cache-control'), 'no-store');
  const ready = await readyzBecomes(200);
  assert.deepEqual(await ready.json(), { status: 'ready' });
  assert.equal(ready.headers.get('cache-control'), 'no-store');
  assert.deepEqual(server.broker.readiness.names().sort(), ['database', 'listeners', 'mqtt state']);
});

test('not ready while the database is full (max_page_count reached), ready again when it has room', async () => {
  const db = (server.broker.store as SqliteStore).db;
  const before = db.pragma('max_page_count', { simple: true }) as number;
  db.exec('CREATE TABLE IF NOT EXISTS test_filler (x BLOB)');
  // The database may not grow past its size now; fill what free pages it has, until SQLite says full.
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
  assert.throws(() => {
    for (let i = 0; i < 100_000; i++) db.prepare('INSERT INTO test_filler VALUES (zeroblob(1024))').run();
  }, /SQLITE_FULL|database or disk is full/);
  try {
    const res = await readyzBecomes(503);
    assert.deepEqual(await res.json(), { status: 'not ready' }, 'it says why in the log, not in the answer');
    const warning = lines.findLast((l) => l.msg.startsWith('not ready'));
    assert.ok(warning?.failed?.some((f) => f.check === 'database' && /cannot be written: .*full/.test(f.reason)), JSON.stringify(warning));
    // Liveness is another question: the process still answers.
    assert.equal((await get('/healthz')).status, 200);
  } finally {
    db.pragma(`max_page_count = ${before}`);
    db.exec('DROP TABLE test_filler');
  }
  await readyzBecomes(200);
  assert.ok(lines.findLast((l) => l.msg === 'ready' || l.msg.startsWith('not ready'))?.msg === 'ready', 'the return to ready is logged');
});

test('a check plugged in later (as the cluster will add PostgreSQL and Redis) makes the node not ready while it fails', async () => {
  let reachable = false;
  server.broker.readiness.add('redis', async () => {
    if (!reachable) throw new Error('Redis at 127.0.0.1:1 refused the connection');
  });
  try {
    await readyzBecomes(503);
    reachable = true;
    await readyzBecomes(200);
  } finally {
    server.broker.readiness.remove('redis');
  }
});

test('not ready once the MQTT listener is closed', async () => {
  await readyzBecomes(200);
  await new Promise<void>((r) => server.mqtt.close(() => r()));
  const res = await readyzBecomes(503);
  assert.deepEqual(await res.json(), { status: 'not ready' });
  assert.ok(lines.findLast((l) => l.msg.startsWith('not ready'))?.failed?.some((f) => f.check === 'listeners' && /MQTT listener is closed/.test(f.reason)));
});
