/**
 * The engine on a durable store: a persistent session outlives a restart of the engine with its
 * subscriptions, its queued QoS 1 messages and the retained messages [MQTT-4.1.0-1], with real
 * mqtt.js clients against an engine stopped and started again on the same SQLite file.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteSessionStore, type SqliteSessionStoreOptions } from '../sqlite-store.ts';
import { startEngine, waitFor, type TestServer } from './helpers.ts';

const folder = mkdtempSync(join(tmpdir(), 'mqdash-restart-'));
const databases: Database.Database[] = [];
after(() => {
  for (const db of databases) db.close();
  rmSync(folder, { recursive: true, force: true });
});

/** An engine restored from the SQLite file (a new connection to it, as a new process would open). */
async function startOn(file: string, options: SqliteSessionStoreOptions = {}): Promise<TestServer> {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  databases.push(db);
  return startEngine({}, new SqliteSessionStore(db, options));
}

const persistent5 = (clientId: string) => ({ clientId, protocolVersion: 5 as const, clean: false, properties: { sessionExpiryInterval: 3600 } });

/** A persistent session with one QoS 1 subscription, left offline. */
async function subscribeAndLeave(server: TestServer, clientId: string, filter: string): Promise<void> {
  const client = await server.connect(persistent5(clientId));
  await client.subscribeAsync(filter, { qos: 1 });
  client.end();
  await waitFor(() => !server.engine.connections.has(clientId), 3000, `${clientId} to leave`);
}

describe('restart on the SQLite store', () => {
  test('[MQTT-4.1.0-1] a persistent session resumes after a restart: subscriptions, queued QoS 1 messages, retained messages', async () => {
    const file = join(folder, 'engine.db');
    const first = await startOn(file);
    await subscribeAndLeave(first, 'durable-sub', 'orders/#');
    const pub = await first.connect({ clientId: 'durable-pub', protocolVersion: 5 });
    await pub.publishAsync('orders/1', 'one', { qos: 1 });
    await pub.publishAsync('orders/2', 'two', { qos: 1 });
    await pub.publishAsync('status', 'retained', { qos: 1, retain: true });
    pub.end();
    await first.close();

    const second = await startOn(file);
    try {
      assert.equal(second.engine.retained.count(), 1);
      const back = await second.connect(persistent5('durable-sub'));
      assert.equal(back.connack.sessionPresent, true);
      await waitFor(() => back.received.length === 2, 3000, 'the queued messages');
      assert.deepEqual(back.received.map((m) => m.text), ['one', 'two']);
      assert.ok(back.received.every((m) => m.packet.qos === 1));
      // the subscription came back too: a new message reaches the resumed session
      const pub2 = await second.connect({ clientId: 'durable-pub-2', protocolVersion: 5 });
      await pub2.publishAsync('orders/3', 'three', { qos: 1 });
      await waitFor(() => back.received.length === 3, 3000, 'the new message');
      const reader = await second.connect({ clientId: 'retained-reader', protocolVersion: 5 });
      await reader.subscribeAsync('status', { qos: 1 });
      await waitFor(() => reader.received.length === 1, 3000, 'the retained message');
      assert.equal(reader.received[0]!.text, 'retained');
      back.end();
      pub2.end();
      reader.end();
    } finally {
      await second.close();
    }
  });

  test('[MQTT-3.1.2-4] a clean start forgets the stored session: nothing comes back after the next restart', async () => {
    const file = join(folder, 'clean.db');
    const first = await startOn(file);
    await subscribeAndLeave(first, 'forgotten', 'gone/#');
    const clean = await first.connect({ clientId: 'forgotten', protocolVersion: 5, clean: true });
    clean.end();
    await waitFor(() => !first.engine.sessions.has('forgotten'), 3000, 'the session to end');
    await first.close();

    const second = await startOn(file);
    try {
      assert.equal(second.engine.sessions.has('forgotten'), false);
      const back = await second.connect(persistent5('forgotten'));
      assert.equal(back.connack.sessionPresent, false);
      back.end();
    } finally {
      await second.close();
    }
  });

  test('exactly once across a crash: an outgoing QoS 2 PUBLISH and its PUBREL are on disk before they are sent', async () => {
    const file = join(folder, 'qos2.db');
    // write-behind far off: only the write-ahead can have put the rows there in time
    const server = await startOn(file, { delayMs: 60_000 });
    const reader = new Database(file, { readonly: true });
    databases.push(reader);
    const stored = () => reader.prepare("SELECT packet_id AS packetId, flight FROM mqdash_messages WHERE client_id = 'q2-sub'").all();
    try {
      const sub = await server.raw(5);
      await sub.connect('q2-sub', { clean: false, properties: { sessionExpiryInterval: 3600 } });
      await sub.subscribe('q2/#', 2);
      const pub = await server.connect({ clientId: 'q2-pub', protocolVersion: 5 });
      await pub.publishAsync('q2/x', 'once', { qos: 2 });
      const publish = await sub.next('publish');
      assert.equal(publish.qos, 2);
      assert.deepEqual(stored(), [{ packetId: publish.messageId, flight: 'publish' }]);
      sub.send({ cmd: 'pubrec', messageId: publish.messageId });
      const pubrel = await sub.next('pubrel');
      assert.deepEqual(stored(), [{ packetId: pubrel.messageId, flight: 'pubrel' }]);
      sub.send({ cmd: 'pubcomp', messageId: pubrel.messageId });
      await waitFor(() => server.engine.sessions.get('q2-sub')!.backlog === 0, 3000, 'the delivery to complete');
      pub.end();
    } finally {
      await server.close();
    }
    assert.deepEqual(stored(), [], 'the completed delivery is gone once written');
  });
});
