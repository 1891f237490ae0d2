/** Will messages: when they are published, with which properties, and the Will Delay Interval (MQTT 5 §3.1.2.5, §3.1.3.2). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IConnectPacket } from 'mqtt-packet';
import { persistent, startEngine, waitFor, type TestClient, type TestServer } from './helpers.ts';

let server: TestServer;
let watcher: TestClient;

before(async () => {
  server = await startEngine();
  watcher = await server.connect({ clientId: 'will-watcher', protocolVersion: 5 });
  await watcher.subscribeAsync('will/#', { qos: 1 });
});
after(async () => {
  watcher?.end();
  await server?.close();
});

const willTo = (topic: string, properties: NonNullable<IConnectPacket['will']>['properties'] = {}): Partial<IConnectPacket> => ({
  will: { topic, payload: Buffer.from(`${topic} gone`), qos: 1, retain: false, properties },
});
const willsOn = (topic: string) => watcher.received.filter((m) => m.topic === topic);
/** Proves every message routed so far has reached the watcher. */
const syncWatcher = () => watcher.subscribeAsync('sync/will', { qos: 0 });

describe('when the will is published', () => {
  test('[MQTT-3.1.2-8] a connection that ends without DISCONNECT publishes its will, with every will property', async () => {
    const raw = await server.raw(5);
    await raw.connect('will-abrupt', willTo('will/abrupt', { contentType: 'text/plain', responseTopic: 'will/reply', correlationData: Buffer.from('c'), payloadFormatIndicator: true, messageExpiryInterval: 60, userProperties: { k: 'v', a: 'b' } }));
    raw.close();
    await waitFor(() => willsOn('will/abrupt').length === 1);
    const p = willsOn('will/abrupt')[0]!.packet.properties!;
    assert.equal(p.contentType, 'text/plain');
    assert.equal(p.responseTopic, 'will/reply');
    assert.equal(p.correlationData?.toString(), 'c');
    assert.equal(p.payloadFormatIndicator, true);
    // MQTT 5 §3.1.3.2.4: the will's Message Expiry Interval is the PUBLISH's, counted from its publication
    assert.ok(p.messageExpiryInterval! > 50 && p.messageExpiryInterval! <= 60, `expiry ${p.messageExpiryInterval}`);
    assert.deepEqual(Object.entries(p.userProperties ?? {}), [
      ['k', 'v'],
      ['a', 'b'],
    ]);
  });

  test('[MQTT-3.14.4-3] DISCONNECT 0x00 discards the will', async () => {
    const raw = await server.raw(5);
    await raw.connect('will-clean', willTo('will/clean'));
    raw.send({ cmd: 'disconnect', reasonCode: 0 });
    await raw.whenClosed();
    await waitFor(() => !server.engine.connections.has('will-clean'));
    await syncWatcher();
    assert.equal(willsOn('will/clean').length, 0);
  });

  test('MQTT 5 §3.14.2.1: DISCONNECT 0x04 (disconnect with will message) publishes it', async () => {
    const raw = await server.raw(5);
    await raw.connect('will-04', willTo('will/04'));
    raw.send({ cmd: 'disconnect', reasonCode: 0x04 });
    await waitFor(() => willsOn('will/04').length === 1);
    raw.close();
  });

  test('[MQTT-3.1.2-8] a server-side close (session takeover) publishes the old connection\'s will', async () => {
    const old = await server.raw(5);
    await old.connect('will-taken', willTo('will/taken'));
    const fresh = await server.raw(5);
    await fresh.connect('will-taken');
    await waitFor(() => willsOn('will/taken').length === 1);
    old.close();
    fresh.close();
  });

  test('[MQTT-3.1.2-17] a retained will is stored as the retained message', async () => {
    const raw = await server.raw(4);
    await raw.connect('will-retained', { will: { topic: 'will/retained', payload: Buffer.from('bye'), qos: 0, retain: true } });
    raw.close();
    await waitFor(() => server.engine.retained.match('will/retained', Date.now()).length === 1);
  });
});

describe('Will Delay Interval', () => {
  test('[MQTT-3.1.2-26] the will waits for its delay, and a reconnection before then cancels it', async () => {
    const raw = await server.raw(5);
    await raw.connect('will-delay', { ...persistent, ...willTo('will/delay', { willDelayInterval: 1 }) });
    raw.close();
    await waitFor(() => !server.engine.connections.has('will-delay'));
    const back = await server.raw(5);
    await back.connect('will-delay', persistent);
    await new Promise((resolve) => setTimeout(resolve, 1200)); // past the 1 s delay itself
    await syncWatcher();
    assert.equal(willsOn('will/delay').length, 0);
    back.close();
  });

  test('[MQTT-3.1.2-8] without reconnection the delayed will is published after the delay', async () => {
    const raw = await server.raw(5);
    await raw.connect('will-later', { ...persistent, ...willTo('will/later', { willDelayInterval: 1 }) });
    const closedAt = Date.now();
    raw.close();
    await waitFor(() => willsOn('will/later').length === 1, 3000);
    assert.ok(Date.now() - closedAt >= 900, 'not before the delay');
  });

  test('the will goes when the session ends, if that comes before the delay', async () => {
    const raw = await server.raw(5);
    await raw.connect('will-expiry', { clean: false, properties: { sessionExpiryInterval: 1 }, ...willTo('will/expiry', { willDelayInterval: 600 }) });
    raw.close();
    await waitFor(() => willsOn('will/expiry').length === 1, 3000);
    assert.equal(server.engine.sessions.has('will-expiry'), false);
  });

  test('a clean start on the session publishes a pending delayed will at once (the old session ends)', async () => {
    const raw = await server.raw(5);
    await raw.connect('will-clean-start', { ...persistent, ...willTo('will/clean-start', { willDelayInterval: 600 }) });
    raw.close();
    await waitFor(() => !server.engine.connections.has('will-clean-start'));
    const fresh = await server.raw(5);
    await fresh.connect('will-clean-start', { clean: true });
    await waitFor(() => willsOn('will/clean-start').length === 1);
    fresh.close();
  });
});
