/**
 * Issue 10 step 3: createBroker runs aedes (default) or mqdash's own engine (MQDASH_ENGINE /
 * mqtt.engine). The selection is validated; with `mqdash`, the registry, bans, $SYS protection,
 * admin disconnect and subscriptions on behalf work through the engine's hooks, over real mqtt.js
 * clients and a real SQLite file, and the protocol state survives a restart.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { createBroker } from '../index.ts';
import { resolveEngineKind } from '../engine/engine-kind.ts';
import { collect, disconnectReason, startBroker, tempDir, waitFor, type TestBroker } from './helpers.ts';

describe('engine selection', () => {
  test('aedes by default; the option wins over MQDASH_ENGINE; a bad value names the setting', async () => {
    assert.equal(resolveEngineKind(undefined, {}), 'mqdash');
    assert.equal(resolveEngineKind(undefined, { MQDASH_ENGINE: 'mqdash' }), 'mqdash');
    assert.equal(resolveEngineKind('aedes', { MQDASH_ENGINE: 'mqdash' }), 'aedes');
    assert.throws(() => resolveEngineKind(undefined, { MQDASH_ENGINE: 'mosquitto' }), /MQDASH_ENGINE: must be "aedes" or "mqdash", got "mosquitto"/);
    assert.throws(() => resolveEngineKind(7, {}), /mqtt\.engine: must be "aedes" or "mqdash", got "7"/);
    await assert.rejects(
      createBroker({ dataDir: tempDir(), adminPassword: 'x-admin-pw-1', logger: pino({ level: 'silent' }), mqtt: { engine: 'nope' as never } }),
      /mqtt\.engine: must be "aedes" or "mqdash"/,
    );
  });
});

describe('mqdash engine behind createBroker', () => {
  let tb: TestBroker;
  const dataDir = tempDir();
  after(async () => {
    await tb?.close();
  });

  test('connect, subscribe and publish reach the registry; $SYS/ is refused to clients', async () => {
    tb = await startBroker({ dataDir, mqtt: { engine: 'mqdash' } });
    assert.equal(tb.broker.engine.kind, 'mqdash');
    const sub = await tb.connect({ clientId: 'sel-sub', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 3600 } });
    assert.deepEqual((await sub.subscribeAsync('sel/#', { qos: 1 })).map((g) => g.qos), [1]);
    // DESIGN §5: only the dashboard's feed connection reads $SYS/mqdash.
    await assert.rejects(sub.subscribeAsync('$SYS/mqdash/#', { qos: 0 }), /Not authorized/);
    const got = collect(sub);
    const pub = await tb.connect({ clientId: 'sel-pub', transport: 'ws' });
    await pub.publishAsync('sel/a', 'hello', { qos: 1 });
    await waitFor(() => got.length === 1, 3000, 'the delivery');
    assert.equal(got[0]!.text, 'hello');
    const d = await waitFor(async () => { const r = await tb.describe('sel-sub'); return r.subscribedTopics?.length === 1 && r; }, 3000, 'the registry subscription');
    assert.equal(d.connectionStatus, 'connected');
    assert.equal(tb.broker.engine.connectedClients().length, 2);
    // The console's retained messages (listRetainedMessages / deleteRetainedMessages) on the own engine.
    await pub.publishAsync('sel/kept', 'kept', { qos: 1, retain: true });
    const listed = await tb.ok('listRetainedMessages', { topicFilter: 'sel/#' });
    assert.deepEqual(listed.data.map((m: { topic: string }) => m.topic), ['sel/kept']);
    assert.equal(listed.data[0].publisherClientName, 'sel-pub');
    await waitFor(() => got.length === 2, 3000, 'the retained delivery');
    assert.equal(await tb.broker.engine.retainedMessages(), 2); // and the feed's $SYS/mqdash overview
    assert.deepEqual(await tb.ok('deleteRetainedMessages', { topic: 'sel/kept' }), { matchedCount: 1, deletedCount: 1, dryRun: false });
    assert.equal((await tb.ok('listRetainedMessages', { topicFilter: 'sel/#' })).totalCount, 0);
    assert.equal(await tb.broker.engine.hasSubscribers('sel/x'), true);
    assert.equal(await tb.broker.engine.hasSubscribers('other'), false);
    // Publishing under $SYS/ is refused (PUBACK 0x87).
    await assert.rejects(pub.publishAsync('$SYS/mqdash/x', 'no', { qos: 1 }), /Not authorized|135/i);
  });

  test('admin disconnect sends 0x98; a banned client is refused with 0x8A', async () => {
    const c = await tb.connect({ clientId: 'sel-ban', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 3600 } });
    const reason = disconnectReason(c);
    assert.deepEqual(await tb.ok('disconnectMqSession', { clientName: 'sel-ban' }), { clientName: 'sel-ban', wasConnected: true });
    assert.equal(await reason, 0x98);
    await waitFor(async () => (await tb.describe('sel-ban')).connectionStatus === 'disconnected', 3000, 'the disconnect in the registry');
    await tb.ok('alterMqSession', { clientName: 'sel-ban', sessionStatus: 'banned' });
    assert.equal((await tb.connectRefused({ clientId: 'sel-ban', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 3600 } })).code, 0x8a);
  });

  test('the persistent session and its subscription survive a restart on the same database', async () => {
    await tb.stop(); // the data folder stays
    tb = await startBroker({ dataDir, mqtt: { engine: 'mqdash' } });
    assert.equal(await tb.broker.engine.hasSubscribers('sel/after'), true);
    const pub = await tb.connect({ clientId: 'sel-pub2' });
    await pub.publishAsync('sel/after', 'queued', { qos: 1 });
    assert.equal(tb.broker.engine.queuedMessages(), 1);
    // The listener is on before the CONNACK: the queued message follows it at once.
    const sub = mqtt.connect(tb.url('tcp'), { clientId: 'sel-sub', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 3600 }, reconnectPeriod: 0 });
    const got: string[] = [];
    sub.on('message', (_topic, payload) => got.push(payload.toString()));
    try {
      await waitFor(() => got.length === 1, 3000, 'the queued message');
      assert.deepEqual(got, ['queued']);
    } finally {
      await sub.endAsync();
    }
  });
});
