/**
 * Upgrade in place (issue 10): a database written by the aedes build (fixtures/aedes-build.db,
 * made by fixtures/make-aedes-fixture.ts with real clients) opened by the own engine's SQLite store
 * and an Engine: subscriptions with their options, queued and in-flight messages, retained
 * messages and the will arrive, with real mqtt.js clients; a second open imports nothing again.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { encodePacket } from '../../../persistence/packet-codec.ts';
import type { ImportCounts } from '../aedes-import.ts';
import { SqliteSessionStore } from '../sqlite-store.ts';
import { startEngine, waitFor, type TestServer } from './helpers.ts';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/aedes-build.db');
const folder = mkdtempSync(join(tmpdir(), 'mqdash-import-'));
const databases: Database.Database[] = [];
after(() => {
  for (const db of databases) db.close();
  rmSync(folder, { recursive: true, force: true });
});

async function startOn(file: string, imported: ImportCounts[]): Promise<TestServer> {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  databases.push(db);
  return startEngine({}, new SqliteSessionStore(db, { onImport: (counts) => imported.push(counts) }));
}

test('a data folder of the aedes build opens with its subscriptions, queued and in-flight messages, retained messages and will', async () => {
  const file = join(folder, 'mqdash.db');
  copyFileSync(fixture, file);
  const imported: ImportCounts[] = [];
  const server = await startOn(file, imported);
  try {
    // fx-sub5, fx-sub4, fx-inflight, and fx-a-will (a will without a persistent session of its own,
    // restored before fx-sub4, whose subscription its will reaches)
    assert.deepEqual(imported, [{ sessions: 4, subscriptions: 4, queued: 3, inFlight: 2, retained: 3, wills: 1, routed: 0, skipped: 0 }]);
    // the subscription options came along
    const options = server.engine.sessions.get('fx-sub5')!.subscriptions.get('fx/a/#')!;
    assert.deepEqual(
      { qos: options.qos, rap: options.retainAsPublished, rh: options.retainHandling, id: options.subscriptionId, nl: options.noLocal },
      { qos: 1, rap: true, rh: 2, id: 7, nl: false },
    );
    assert.equal(server.engine.sessions.has('fx-a-will'), false, 'the will-only session ended at start, publishing its will');

    const sub5 = await server.connect({ clientId: 'fx-sub5', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 0xffffffff } });
    assert.equal(sub5.connack.sessionPresent, true);
    await waitFor(() => sub5.received.length >= 2, 3000, 'the queued messages of fx-sub5');
    // with the identifier of the subscription they matched (aedes adds it only at delivery)
    assert.deepEqual(sub5.received.map((m) => [m.topic, m.text, m.packet.qos, m.packet.properties?.subscriptionIdentifier]), [
      ['fx/a/1', 'a-one', 1, 7],
      ['fx/a/2', 'a-two', 1, 7],
    ]);

    // 3.1.1 session: its queued message, then the will published at start into its queue
    const sub4 = await server.connect({ clientId: 'fx-sub4', protocolVersion: 4, clean: false });
    assert.equal(sub4.connack.sessionPresent, true);
    await waitFor(() => sub4.received.length >= 2, 3000, 'the queued messages of fx-sub4');
    assert.deepEqual(sub4.received.map((m) => [m.topic, m.text]), [
      ['fx/b/x', 'b-x'],
      ['fx/will', 'fx-a-will gone'],
    ]);

    // in flight when the aedes build stopped: sent again with DUP [MQTT-4.4.0-1]
    const inflight = await server.connect({ clientId: 'fx-inflight', protocolVersion: 4, clean: false });
    await waitFor(() => inflight.received.length >= 2, 3000, 'the in-flight messages');
    assert.deepEqual(inflight.received.map((m) => [m.text, m.packet.dup]), [
      ['c-one', true],
      ['c-two', true],
    ]);

    // the subscriptions route new messages
    const pub = await server.connect({ clientId: 'fx-pub', protocolVersion: 5 });
    await pub.publishAsync('fx/b/y', 'b-y', { qos: 1 });
    await pub.publishAsync('fx/a/3', 'a-three', { qos: 1 });
    await waitFor(() => sub4.received.length === 3 && sub5.received.length === 3, 3000, 'new messages on the imported subscriptions');
    assert.equal(sub5.received[2]!.packet.properties?.subscriptionIdentifier, 7);

    const reader = await server.connect({ clientId: 'fx-reader', protocolVersion: 5 });
    await reader.subscribeAsync('fx/#', { qos: 1 });
    await waitFor(() => reader.received.length >= 2, 3000, 'the retained messages');
    assert.deepEqual(reader.received.map((m) => [m.topic, m.text, m.packet.retain]).sort(), [
      ['fx/config', '{"v":1}', true],
      ['fx/status', 'online', true],
    ]);
    for (const client of [sub5, sub4, inflight, pub, reader]) await client.endAsync();
  } finally {
    await server.close();
  }

  // idempotent: the second open imports nothing, and what was delivered stays delivered
  const again: ImportCounts[] = [];
  const second = await startOn(file, again);
  try {
    assert.deepEqual(again, []);
    const sub5 = await second.connect({ clientId: 'fx-sub5', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 0xffffffff } });
    assert.equal(sub5.connack.sessionPresent, true);
    const pub = await second.connect({ clientId: 'fx-pub', protocolVersion: 5 });
    await pub.publishAsync('fx/a/marker', 'marker', { qos: 1 });
    await waitFor(() => sub5.received.length >= 1, 3000, 'the marker');
    assert.deepEqual(sub5.received.map((m) => m.text), ['marker'], 'nothing imported twice');
    for (const client of [sub5, pub]) await client.endAsync();
  } finally {
    await second.close();
  }
});

test('what aedes accepted and had not routed (a write-ahead entry left by a crash, a QoS 2 PUBLISH awaiting PUBREL) is routed at the import', async () => {
  const file = join(folder, 'unrouted.db');
  copyFileSync(fixture, file);
  const db = new Database(file);
  // as the aedes build writes them (persistence/sqlite-persistence.ts)
  db.prepare('INSERT INTO mqtt_write_ahead (id, client_id, received_at, topic, payload, qos, retain, properties) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    1, 'fx-pub', Date.now(), 'fx/a/wal', Buffer.from('from the write-ahead'), 1, 0, null);
  db.prepare('INSERT INTO mqtt_write_ahead (id, client_id, received_at, topic, payload, qos, retain, properties) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    2, 'fx-pub', Date.now() - 120_000, 'fx/a/old', Buffer.from('expired'), 1, 0, JSON.stringify({ messageExpiryInterval: 60 }));
  const incoming = encodePacket({ cmd: 'publish', topic: 'fx/b/q2', payload: Buffer.from('awaiting PUBREL'), qos: 2, retain: true, dup: false, messageId: 42 });
  db.prepare('INSERT INTO mqtt_incoming (client_id, message_id, topic, payload, meta) VALUES (?, ?, ?, ?, ?)').run('fx-sub4', 42, incoming.topic, incoming.payload, incoming.meta);
  db.close();

  const imported: ImportCounts[] = [];
  const server = await startOn(file, imported);
  try {
    assert.equal(imported[0]!.routed, 2);
    assert.equal(imported[0]!.skipped, 1, 'the expired write-ahead entry');
    assert.deepEqual([...server.engine.sessions.get('fx-sub4')!.incomingQos2], [42], 'its PUBREL still gets PUBCOMP');
    const sub5 = await server.connect({ clientId: 'fx-sub5', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 0xffffffff } });
    await waitFor(() => sub5.received.length >= 3, 3000, 'the queued messages of fx-sub5');
    assert.deepEqual(sub5.received.map((m) => [m.text, m.packet.properties?.subscriptionIdentifier]), [
      ['a-one', 7],
      ['a-two', 7],
      ['from the write-ahead', 7],
    ]);
    const sub4 = await server.connect({ clientId: 'fx-sub4', protocolVersion: 4, clean: false });
    await waitFor(() => sub4.received.length >= 3, 3000, 'the queued messages of fx-sub4');
    assert.deepEqual(sub4.received.map((m) => m.text), ['b-x', 'awaiting PUBREL', 'fx-a-will gone']);
    const reader = await server.connect({ clientId: 'fx-reader', protocolVersion: 5 });
    await reader.subscribeAsync('fx/b/q2', { qos: 1 });
    await waitFor(() => reader.received.length >= 1, 3000, 'the retained message');
    assert.deepEqual(reader.received.map((m) => [m.text, m.packet.retain]), [['awaiting PUBREL', true]]);
    for (const client of [sub5, sub4, reader]) await client.endAsync();
  } finally {
    await server.close();
  }
});

test('the import is one transaction: a database that cannot be imported is left as it was, and no import is recorded', () => {
  const file = join(folder, 'broken.db');
  copyFileSync(fixture, file);
  const db = new Database(file);
  databases.push(db);
  // a will row the import cannot read (its meta is not JSON): the import must fail as a whole
  db.prepare("INSERT INTO mqtt_wills (client_id, topic, payload, meta) VALUES ('broken', 't', x'00', 'not json')").run();
  assert.throws(() => new SqliteSessionStore(db), /cannot read mqtt_wills row "broken"/);
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  assert.equal(count('mqdash_sessions'), 0);
  assert.equal(count('mqdash_messages'), 0);
  assert.equal(count('mqdash_retained'), 0);
  assert.equal(count('mqdash_imports'), 0);
});
