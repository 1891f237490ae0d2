/** Sessions: clean start, session present, expiry, offline queues and resending in-flight messages (MQTT 5 §3.1.2.4, §3.1.2.11, §4.1, §4.4). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { persistent, startEngine, waitFor, type TestServer } from './helpers.ts';

let server: TestServer;
/** Queues at most three messages per session. */
let short: TestServer;

before(async () => {
  server = await startEngine();
  short = await startEngine({ maxQueuedMessages: 3 });
});
after(async () => {
  await server?.close();
  await short?.close();
});

const persistent5 = (clientId: string, expiry = 60) => ({ clientId, protocolVersion: 5 as const, clean: false, properties: { sessionExpiryInterval: expiry } });
const gone = (clientId: string) => waitFor(() => !server.engine.connections.has(clientId), 3000, `${clientId} to disconnect`);

describe('clean start and session present', () => {
  test('[MQTT-3.2.2-2, 3.2.2-3] 3.1.1: a resumed session has Session Present, and keeps its subscriptions and queued messages [MQTT-3.1.2-5]', async () => {
    const first = await server.connect({ clientId: 'keep-4', clean: false });
    assert.equal(first.connack.sessionPresent, false);
    await first.subscribeAsync('keep4/t', { qos: 1 });
    first.end();
    await gone('keep-4');
    const pub = await server.connect({ clientId: 'keep-4-pub' });
    await pub.publishAsync('keep4/t', 'while away', { qos: 1 });
    await pub.publishAsync('keep4/t', 'qos 0 is not queued', { qos: 0 });
    const back = await server.connect({ clientId: 'keep-4', clean: false });
    assert.equal(back.connack.sessionPresent, true);
    await waitFor(() => back.received.length === 1);
    await back.subscribeAsync('sync/keep4', { qos: 0 });
    assert.deepEqual(back.received.map((m) => m.text), ['while away']);
    pub.end();
    back.end();
  });

  test('[MQTT-3.1.2-4, 3.2.2-2] clean start discards the previous session: no Session Present, no subscriptions', async () => {
    const first = await server.connect(persistent5('discard'));
    await first.subscribeAsync('discard/t', { qos: 1 });
    first.end();
    await gone('discard');
    const fresh = await server.connect({ ...persistent5('discard'), clean: true });
    assert.equal(fresh.connack.sessionPresent, false);
    assert.equal(server.engine.sessions.get('discard')!.subscriptions.size, 0);
    fresh.end();
  });

  test('3.1.1 [MQTT-3.1.2-6]: a clean session ends with its connection', async () => {
    const client = await server.connect({ clientId: 'clean-4', clean: true });
    await client.subscribeAsync('clean4/t', { qos: 1 });
    client.end();
    await gone('clean-4');
    assert.equal(server.engine.sessions.has('clean-4'), false);
  });
});

describe('session expiry', () => {
  test('[MQTT-3.1.2-25, 4.1.0-2] MQTT 5: a session with expiry 0 ends at disconnect; with an expiry it ends when that passes', async () => {
    const zero = await server.connect({ clientId: 'expiry-0', protocolVersion: 5, clean: false });
    zero.end();
    await gone('expiry-0');
    assert.equal(server.engine.sessions.has('expiry-0'), false);
    const one = await server.connect(persistent5('expiry-1', 1));
    one.end();
    await gone('expiry-1');
    assert.equal(server.engine.sessions.has('expiry-1'), true);
    await waitFor(() => !server.engine.sessions.has('expiry-1'), 2500, 'the 1 s expiry');
  });

  test('MQTT 5 §3.14.2.2.2: a session opened with expiry 0 cannot set one at DISCONNECT: DISCONNECT 0x82', async () => {
    const raw = await server.raw(5);
    await raw.connect('raise-expiry', { clean: false });
    raw.send({ cmd: 'disconnect', reasonCode: 0, properties: { sessionExpiryInterval: 60 } });
    assert.equal(await raw.disconnectReason(), 0x82);
    await gone('raise-expiry');
    assert.equal(server.engine.sessions.has('raise-expiry'), false);
  });

  test('MQTT 5 §3.14.2.2.2: a new Session Expiry Interval at DISCONNECT applies (here: 0 ends the session)', async () => {
    const raw = await server.raw(5);
    await raw.connect('lower-expiry', persistent);
    raw.send({ cmd: 'disconnect', reasonCode: 0, properties: { sessionExpiryInterval: 0 } });
    await raw.whenClosed();
    await waitFor(() => !server.engine.sessions.has('lower-expiry'));
  });
});

describe('offline queue and in-flight messages', () => {
  test('[MQTT-4.4.0-1] unacknowledged QoS 1 and 2 PUBLISHes are sent again with DUP on a resumed session', async () => {
    const raw = await server.raw(5);
    await raw.connect('resend', persistent);
    await raw.subscribe('resend/#', 2);
    const pub = await server.connect({ clientId: 'resend-pub', protocolVersion: 5 });
    await pub.publishAsync('resend/1', 'one', { qos: 1 });
    await pub.publishAsync('resend/2', 'two', { qos: 2 });
    const firstTry = [await raw.next('publish'), await raw.next('publish')];
    raw.close(); // no acknowledgement
    await gone('resend');
    const again = await server.raw(5);
    const connack = await again.connect('resend', persistent);
    assert.equal(connack.sessionPresent, true);
    const resent = [await again.next('publish'), await again.next('publish')];
    assert.deepEqual(resent.map((p) => [p.messageId, p.dup, p.payload.toString()]), firstTry.map((p) => [p.messageId, true, p.payload.toString()]));
    again.send({ cmd: 'puback', messageId: resent[0]!.messageId });
    again.send({ cmd: 'pubrec', messageId: resent[1]!.messageId });
    assert.equal((await again.next('pubrel')).messageId, resent[1]!.messageId);
    again.send({ cmd: 'pubcomp', messageId: resent[1]!.messageId });
    await again.sync();
    assert.equal(server.engine.sessions.get('resend')!.backlog, 0);
    pub.end();
    again.close();
  });

  test('[MQTT-4.4.0-1] a PUBREL sent before the connection dropped is sent again on the resumed session', async () => {
    const raw = await server.raw(5);
    await raw.connect('rerel', persistent);
    await raw.subscribe('rerel', 2);
    const pub = await server.connect({ clientId: 'rerel-pub', protocolVersion: 5 });
    await pub.publishAsync('rerel', 'x', { qos: 2 });
    const p = await raw.next('publish');
    raw.send({ cmd: 'pubrec', messageId: p.messageId });
    await raw.next('pubrel');
    raw.close();
    await gone('rerel');
    const again = await server.raw(5);
    await again.connect('rerel', persistent);
    assert.equal((await again.next('pubrel')).messageId, p.messageId);
    assert.equal(await again.receivedBeforePing('publish'), false, 'the message itself is not sent again');
    pub.end();
    again.close();
  });

  test('a full offline queue drops its oldest messages and counts them', async () => {
    const away = await short.connect({ clientId: 'full-queue', protocolVersion: 5, ...persistent });
    await away.subscribeAsync('full/t', { qos: 1 });
    away.end();
    await waitFor(() => !short.engine.connections.has('full-queue'));
    const pub = await short.connect({ clientId: 'full-pub', protocolVersion: 5 });
    for (let i = 1; i <= 5; i++) await pub.publishAsync('full/t', `m${i}`, { qos: 1 });
    assert.equal(short.engine.sessions.get('full-queue')!.dropped, 2);
    const back = await short.connect({ clientId: 'full-queue', protocolVersion: 5, ...persistent });
    await waitFor(() => back.received.length === 3);
    assert.deepEqual(back.received.map((m) => m.text), ['m3', 'm4', 'm5']);
    pub.end();
    back.end();
  });

  test('[MQTT-3.1.4-3] a takeover with Clean Start 0 keeps the session (3.1.1 persistent session)', async () => {
    const first = await server.connect({ clientId: 'takeover-keep', clean: false });
    await first.subscribeAsync('tk/t', { qos: 1 });
    const second = await server.connect({ clientId: 'takeover-keep', clean: false });
    assert.equal(second.connack.sessionPresent, true);
    const pub = await server.connect({ clientId: 'takeover-pub' });
    await pub.publishAsync('tk/t', 'to the new one', { qos: 1 });
    await waitFor(() => second.received.length === 1);
    pub.end();
    second.end();
  });
});
