/**
 * What the abstract suite does not check: the SQLite persistence's state comes back from the
 * database after a restart, write-behind changes reach the disk within the group-commit delay, the
 * write-ahead entries are replayed exactly once, and a failing flush refuses the PUBLISHes that
 * waited for it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { SqlitePersistence, type AnyPacket } from '../sqlite-persistence.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function dbFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-persistence-reload-'));
  dirs.push(dir);
  return path.join(dir, 'mqdash.db');
}

function open(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}

async function start(db: Database.Database, brokerId: string, opts = {}): Promise<SqlitePersistence> {
  const p = new SqlitePersistence(db, opts);
  await p.setup({ id: brokerId });
  return p;
}

const list = async <T>(stream: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of stream) out.push(x);
  return out;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function publish(brokerCounter: number, payload: string, qos = 1, extra: Partial<AnyPacket> = {}): AnyPacket {
  return { cmd: 'publish', topic: 'sensors/1', payload: Buffer.from(payload), qos, retain: false, dup: false, brokerId: 'b1', brokerCounter, ...extra };
}

test('subscriptions, queues, in-flight state, incoming QoS 2, retained messages and wills come back after a restart', async () => {
  const file = dbFile();
  let db = open(file);
  let p = await start(db, 'b1');
  const client = { id: 'dev-1' };
  await p.addSubscriptions(client, [
    { topic: 'sensors/+', qos: 1, rh: 0, rap: true, nl: false, subscriptionIdentifier: 7 },
    { topic: 'alerts/#', qos: 2, rh: 1, rap: false, nl: true },
    { topic: 'chatter', qos: 0, rh: 0, rap: false, nl: false },
  ]);
  await p.storeRetained({ cmd: 'publish', topic: 'sensors/1/state', payload: Buffer.from('on'), qos: 1, retain: true, properties: { contentType: 'text/plain', correlationData: Buffer.from([1, 2, 3]), userProperties: { a: ['x', 'y'] } } });
  const props = { correlationData: Buffer.from([0xff, 0]), userProperties: { k: 'v' }, messageExpiryInterval: 3600 };
  await p.outgoingEnqueueCombi([{ clientId: 'dev-1' }], publish(1, 'one', 1, { properties: props, messageExpiry: Date.now() + 3_600_000 }));
  await p.outgoingEnqueueCombi([{ clientId: 'dev-1' }], publish(2, 'two', 1));
  await p.outgoingEnqueueCombi([{ clientId: 'dev-1' }], publish(3, 'three', 2));
  await p.outgoingEnqueueCombi([{ clientId: 'dev-1' }], publish(4, 'four', 2));
  await p.outgoingUpdate(client, { ...publish(2, 'two'), messageId: 12 });
  await p.outgoingUpdate(client, { ...publish(3, 'three', 2), messageId: 13 });
  await p.outgoingUpdate(client, { ...publish(4, 'four', 2), messageId: 14 });
  await p.outgoingUpdate(client, { cmd: 'pubrel', messageId: 14 });
  await p.incomingStorePacket({ id: 'pub-1' }, { cmd: 'publish', topic: 'x', payload: Buffer.from('q2'), qos: 2, retain: false, dup: false, messageId: 99 });
  await p.putWill({ id: 'dev-1' }, { topic: 'dev/1/gone', payload: Buffer.from('bye'), qos: 1, retain: false });
  await p.destroy();
  db.close();

  db = open(file);
  p = await start(db, 'b2');
  const subs = (await p.subscriptionsByClient(client)).sort((a, b) => a.topic.localeCompare(b.topic));
  assert.deepEqual(subs, [
    { topic: 'alerts/#', qos: 2, rh: 1, rap: false, nl: true },
    { topic: 'chatter', qos: 0, rh: 0, rap: false, nl: false },
    { topic: 'sensors/+', qos: 1, rh: 0, rap: true, nl: false, subscriptionIdentifier: 7 },
  ]);
  assert.deepEqual(await p.subscriptionsByTopic('sensors/9'), [{ clientId: 'dev-1', topic: 'sensors/+', qos: 1, rh: 0, rap: true, nl: false }]);
  assert.deepEqual(await p.countOffline(), { subsCount: 2, clientsCount: 1 });

  const retained = await list<AnyPacket>(p.createRetainedStream('sensors/#'));
  assert.equal(retained.length, 1);
  assert.equal(retained[0]!.payload!.toString(), 'on');
  assert.deepEqual(retained[0]!.properties, { contentType: 'text/plain', correlationData: Buffer.from([1, 2, 3]), userProperties: { a: ['x', 'y'] } });

  const queue = await list<AnyPacket>(p.outgoingStream(client));
  assert.deepEqual(queue.map((q) => [q.cmd, q.brokerCounter, q.messageId, q.payload?.toString()]), [
    ['publish', 1, undefined, 'one'],
    ['publish', 2, 12, 'two'],
    ['publish', 3, 13, 'three'],
    ['pubrel', undefined, 14, undefined],
  ]);
  assert.deepEqual(queue[0]!.properties, props, 'MQTT 5 properties, Buffers included, survive');
  assert.equal(typeof queue[0]!.messageExpiry, 'number');
  assert.equal(queue[1]!.brokerId, 'b1');
  // The restored queue works as before: acknowledge the in-flight one.
  const cleared = await p.outgoingClearMessageId(client, { messageId: 12 });
  assert.equal(cleared?.payload?.toString(), 'two');

  const incoming = await p.incomingGetPacket({ id: 'pub-1' }, { messageId: 99 });
  assert.equal(incoming.payload!.toString(), 'q2');

  const will = await p.getWill({ id: 'dev-1' });
  assert.equal(will?.topic, 'dev/1/gone');
  assert.equal(will?.brokerId, 'b1');
  // A will of the broker that went away is streamed for publishing.
  assert.equal((await list<AnyPacket>(p.streamWill({ b2: Date.now() }))).length, 1);

  await p.destroy();
  db.close();
  db = open(file);
  p = await start(db, 'b3');
  assert.equal((await list(p.outgoingStream(client))).length, 3, 'the clear was written at close');
  await p.destroy();
  db.close();
});

test('write-behind changes reach the disk within the group-commit delay; queued-and-acknowledged pairs are never written', async () => {
  const file = dbFile();
  const db = open(file);
  const reader = open(file);
  const p = await start(db, 'b1', { delayMs: 5 });
  const rows = () => (reader.prepare('SELECT count(*) AS n FROM mqtt_outgoing').get() as { n: number }).n;
  await p.outgoingEnqueueCombi([{ clientId: 'c' }], publish(1, 'a'));
  assert.equal(rows(), 0, 'not written yet');
  await sleep(40);
  assert.equal(rows(), 1, 'written by the timer');

  const before = p.commitStats.changes;
  await p.outgoingEnqueueCombi([{ clientId: 'c' }], publish(2, 'b'));
  await p.outgoingUpdate({ id: 'c' }, { ...publish(2, 'b'), messageId: 5 });
  await p.outgoingClearMessageId({ id: 'c' }, { messageId: 5 });
  await p.flush();
  assert.equal(rows(), 1);
  assert.ok(p.commitStats.changes > before);

  // Changes a caller waits for are on disk when its promise resolves.
  await p.addSubscriptions({ id: 'c' }, [{ topic: 't', qos: 1 }]);
  assert.equal((reader.prepare('SELECT count(*) AS n FROM mqtt_subscriptions').get() as { n: number }).n, 1);
  await p.destroy();
  reader.close();
  db.close();
});

test('a write-ahead entry is on disk before the acknowledgement, deleted with its queue rows, and replayed once after a crash', async () => {
  const file = dbFile();
  let db = open(file);
  const reader = open(file);
  let p = await start(db, 'b1');
  const wal = () => reader.prepare('SELECT id, topic, client_id FROM mqtt_write_ahead ORDER BY id').all() as Array<{ id: number; topic: string }>;
  await p.addSubscriptions({ id: 'sub' }, [{ topic: 'q/#', qos: 1 }]);

  // No persistent subscriber and not retained: nothing to make durable, acknowledged at once.
  let acked = false;
  p.beforeAck('pub', { topic: 'other', payload: Buffer.from('x'), qos: 1, retain: false }, () => { acked = true; });
  assert.ok(acked);

  const pkt = { cmd: 'publish', topic: 'q/1', payload: Buffer.from('m1'), qos: 1, retain: false, dup: false, messageId: 3 };
  await new Promise<void>((resolve, reject) => p.beforeAck('pub', pkt, (err) => (err ? reject(err) : resolve())));
  assert.deepEqual(wal().map((r) => r.topic), ['q/1'], 'on disk when done is called');
  // aedes queues it (a copy with the same payload Buffer): the entry goes with the queue row.
  await p.outgoingEnqueueCombi([{ clientId: 'sub' }], { ...pkt, brokerId: 'b1', brokerCounter: 1 });
  await p.flush();
  assert.deepEqual(wal(), []);
  assert.equal((reader.prepare('SELECT count(*) AS n FROM mqtt_outgoing').get() as { n: number }).n, 1);

  // Acknowledged, then the process dies before aedes queued it: no destroy, no flush.
  const lost = { cmd: 'publish', topic: 'q/2', payload: Buffer.from('m2'), qos: 1, retain: true, dup: false, properties: { messageExpiryInterval: 600, correlationData: Buffer.from('c') } };
  await new Promise<void>((resolve, reject) => p.beforeAck('pub', lost, (err) => (err ? reject(err) : resolve())));
  db.close();

  db = open(file);
  p = await start(db, 'b2');
  const replayed: AnyPacket[] = [];
  const n = await p.replay(async (packet) => {
    replayed.push(packet);
    // What aedes does with it: store it as retained and queue it for the subscriber.
    await p.storeRetained(packet);
    await p.outgoingEnqueueCombi(await p.subscriptionsByTopic(packet.topic!), { ...packet, brokerId: 'b2', brokerCounter: 1 });
  });
  assert.equal(n, 1);
  assert.equal(replayed[0]!.topic, 'q/2');
  assert.equal(replayed[0]!.clientId, 'pub');
  assert.equal(replayed[0]!.retain, true);
  assert.deepEqual(replayed[0]!.properties, { messageExpiryInterval: 600, correlationData: Buffer.from('c') });
  assert.equal(typeof replayed[0]!.messageExpiry, 'number');
  assert.deepEqual(wal(), [], 'replayed entries are cleared');
  assert.deepEqual((await list<AnyPacket>(p.outgoingStream({ id: 'sub' }))).map((x) => x.payload!.toString()), ['m1', 'm2']);
  await p.destroy();
  db.close();

  db = open(file);
  p = await start(db, 'b3');
  assert.equal(await p.replay(async () => assert.fail('nothing left to replay')), 0);
  await p.destroy();
  db.close();
  reader.close();
});

test('a flush that fails refuses the PUBLISHes waiting for it, and later writes recover', async () => {
  const file = dbFile();
  const db = open(file);
  const errors: Error[] = [];
  const p = await start(db, 'b1', { onError: (e: Error) => errors.push(e) });
  await p.addSubscriptions({ id: 'sub' }, [{ topic: 't', qos: 1 }]);
  // A full disk: SQLite may not grow the file any more.
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma(`max_page_count = ${pages}`);
  const big = Buffer.alloc(256 * 1024, 1);
  const err = await new Promise<Error | null>((resolve) => p.beforeAck('pub', { topic: 't', payload: big, qos: 1, retain: false }, resolve));
  assert.ok(err, 'the PUBLISH is refused');
  assert.ok(errors.length >= 1);
  db.pragma('max_page_count = 1073741823');
  const ok = await new Promise<Error | null>((resolve) => p.beforeAck('pub', { topic: 't', payload: Buffer.from('small'), qos: 1, retain: false }, resolve));
  assert.equal(ok, null);
  const rows = db.prepare('SELECT length(payload) AS n FROM mqtt_write_ahead').all() as Array<{ n: number }>;
  assert.deepEqual(rows, [{ n: 5 }], 'the refused one is not written later');
  await p.destroy();
  db.close();
});

test('several QoS 2 messages in flight: each PUBREL replaces its own PUBLISH and each PUBCOMP clears its own entry, also after a restart', async () => {
  const file = dbFile();
  let db = open(file);
  let p = await start(db, 'b1');
  const client = { id: 'dev-qos2' };
  const sub = { clientId: client.id, topic: 'sensors/1', qos: 2 };
  for (let i = 1; i <= 3; i++) await p.outgoingEnqueue(sub, publish(i, `m${i}`, 2));
  for (let i = 1; i <= 3; i++) await p.outgoingUpdate(client, publish(i, `m${i}`, 2, { messageId: 100 + i }));
  // PUBREC for all three: aedes replaces each stored PUBLISH with a PUBREL carrying only the id.
  for (let i = 1; i <= 3; i++) await p.outgoingUpdate(client, { cmd: 'pubrel', messageId: 100 + i });
  const queued = await list(p.outgoingStream(client));
  assert.deepEqual(queued.map((q) => [q.cmd, q.messageId]), [['pubrel', 101], ['pubrel', 102], ['pubrel', 103]]);

  await p.destroy();
  db.close();
  db = open(file);
  p = await start(db, 'b1');
  assert.deepEqual((await list(p.outgoingStream(client))).map((q) => [q.cmd, q.messageId]), [['pubrel', 101], ['pubrel', 102], ['pubrel', 103]]);
  for (let i = 1; i <= 3; i++) {
    const cleared = await p.outgoingClearMessageId(client, { cmd: 'pubcomp', messageId: 100 + i });
    assert.deepEqual([cleared?.cmd, cleared?.messageId], ['pubrel', 100 + i]);
  }
  assert.deepEqual(await list(p.outgoingStream(client)), []);
  await p.destroy();
  db.close();
});
