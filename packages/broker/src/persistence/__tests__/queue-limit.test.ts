/**
 * The per-client queue limit of the durable persistence (MQTT_MAX_QUEUED_MESSAGES): beyond it the
 * oldest message goes, `onDrop` hears of it, other clients' queues are untouched, and what is left
 * on disk after a restart is exactly the newest `max` messages (a dropped row is never written, or
 * deleted if it was).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { SqlitePersistence, type AnyPacket } from '../sqlite-persistence.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-queue-limit-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function open(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  return db;
}

const publish = (n: number): AnyPacket => ({ cmd: 'publish', topic: 'q/1', payload: Buffer.from(`m${n}`), qos: 1, retain: false, dup: false, brokerId: 'b1', brokerCounter: n });

async function payloads(p: SqlitePersistence, id: string): Promise<string[]> {
  const out: string[] = [];
  for await (const x of p.outgoingStream({ id }) as AsyncIterable<AnyPacket>) out.push(String(x.payload));
  return out;
}

test('a full queue drops its oldest message, reports it, and only the newest messages reach the disk', async () => {
  const file = path.join(dir, 'mqdash.db');
  let db = open(file);
  const drops: string[] = [];
  let p = new SqlitePersistence(db, { maxQueuedPerClient: 5, delayMs: 5, onDrop: (clientId, packet) => drops.push(`${clientId}:${String(packet.payload)}`) });
  await p.setup({ id: 'b1' });
  for (let i = 0; i < 3; i++) await p.outgoingEnqueueCombi([{ clientId: 'slow' }, { clientId: 'other' }], publish(i));
  // Until the first three of each queue are on disk (the write-behind runs after delayMs, later on a
  // loaded machine), so the drops below delete written rows: a condition, not a fixed sleep.
  for (const deadline = Date.now() + 15_000; (db.prepare('SELECT count(*) AS n FROM mqtt_outgoing').get() as { n: number }).n < 6;) {
    if (Date.now() > deadline) throw new Error('the first messages were not written within 15 s');
    await new Promise((r) => setTimeout(r, 10));
  }
  for (let i = 3; i < 12; i++) await p.outgoingEnqueue({ clientId: 'slow' }, publish(i));
  assert.deepEqual(await payloads(p, 'slow'), ['m7', 'm8', 'm9', 'm10', 'm11']);
  assert.deepEqual(await payloads(p, 'other'), ['m0', 'm1', 'm2']);
  assert.deepEqual(drops, ['slow:m0', 'slow:m1', 'slow:m2', 'slow:m3', 'slow:m4', 'slow:m5', 'slow:m6']);
  await p.destroy();
  db.close();

  db = open(file);
  p = new SqlitePersistence(db, { maxQueuedPerClient: 5 });
  await p.setup({ id: 'b2' });
  assert.deepEqual(await payloads(p, 'slow'), ['m7', 'm8', 'm9', 'm10', 'm11']);
  assert.deepEqual(await payloads(p, 'other'), ['m0', 'm1', 'm2']);
  await p.destroy();
  db.close();
});

test('maxQueuedPerClient 0 means no limit', async () => {
  const db = open(path.join(dir, 'unlimited.db'));
  let dropped = 0;
  const p = new SqlitePersistence(db, { maxQueuedPerClient: 0, onDrop: () => { dropped++; } });
  await p.setup({ id: 'b1' });
  for (let i = 0; i < 500; i++) await p.outgoingEnqueue({ clientId: 'c' }, publish(i));
  assert.equal((await payloads(p, 'c')).length, 500);
  assert.equal(dropped, 0);
  await p.destroy();
  db.close();
});
