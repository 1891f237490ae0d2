/**
 * MQTT 5 features end to end through the real broker (DESIGN §8 lists which aedes options the
 * module turns on): session expiry and resume, will delay, message expiry, PUBLISH properties,
 * topic aliases, maximum packet size, assigned client identifiers, server keep-alive and the
 * reason codes of refusals and server-side disconnects.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { IConnackPacket } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { closed, collect, disconnectReason, roundTrip, sleep, startBroker, waitFor, type TestBroker } from './helpers.ts';

let tb: TestBroker;
/** A broker with a small maximum packet size and a keep-alive limit. */
let small: TestBroker;

before(async () => {
  tb = await startBroker();
  small = await startBroker({ mqtt: { maximumPacketSize: 1024, keepAliveLimit: 30 } });
});
after(async () => {
  await tb?.close();
  await small?.close();
});

const v5persist = (expiry: number) => ({ protocolVersion: 5 as const, clean: false, properties: { sessionExpiryInterval: expiry } });

describe('session expiry', () => {
  test('a session with an expiry is resumed with sessionPresent and its queued messages', async () => {
    const name = 'x5-resume';
    const c = await tb.connect({ clientId: name, ...v5persist(60) });
    assert.equal(c.connack.sessionPresent, false);
    await c.subscribeAsync('x5/resume', { qos: 1 });
    c.end();
    await closed(c);
    assert.equal((await tb.describe(name)).sessionExpiryInterval, 60);

    const pub = await tb.connect({ clientId: 'x5-resume-pub', protocolVersion: 5 });
    await pub.publishAsync('x5/resume', 'while-away', { qos: 1 });

    const back = await tb.connect({ clientId: name, ...v5persist(60) });
    assert.equal(back.connack.sessionPresent, true);
    const got = collect(back);
    await waitFor(() => got.length === 1, 2000, 'the queued message');
    assert.equal(got[0]!.text, 'while-away');
    assert.equal((await tb.describe(name)).subscribedTopics[0]?.topicFilter, 'x5/resume');
  });

  test('Clean Start discards the previous session', async () => {
    const name = 'x5-cleanstart';
    const c = await tb.connect({ clientId: name, ...v5persist(60) });
    await c.subscribeAsync('x5/cleanstart', { qos: 1 });
    c.end();
    await closed(c);
    const pub = await tb.connect({ clientId: 'x5-cleanstart-pub', protocolVersion: 5 });
    await pub.publishAsync('x5/cleanstart', 'stale', { qos: 1 });

    const fresh = await tb.connect({ clientId: name, protocolVersion: 5, clean: true, properties: { sessionExpiryInterval: 60 } });
    assert.equal(fresh.connack.sessionPresent, false);
    const got = collect(fresh);
    await sleep(300);
    assert.deepEqual(got.map((m) => m.text), []);
  });
});

describe('will delay', () => {
  const withDelayedWill = (clientId: string, topic: string, delay: number) => ({
    clientId, ...v5persist(30),
    will: { topic, payload: Buffer.from(`${clientId} will`), qos: 1 as const, retain: false, properties: { willDelayInterval: delay } },
  });

  test('the will is published after its delay, not at once', async () => {
    const sub = await tb.connect({ clientId: 'x5-wd-sub', protocolVersion: 5 });
    const got = collect(sub);
    await sub.subscribeAsync('x5/wd/late', { qos: 1 });
    const c = await tb.connect(withDelayedWill('x5-wd', 'x5/wd/late', 2));
    const d = await tb.describe('x5-wd');
    assert.equal(d.willTopic, 'x5/wd/late');
    assert.equal(d.willDelaySeconds, 2);

    const t0 = Date.now();
    (c as any).stream.destroy();
    await closed(c);
    await sleep(1000);
    assert.deepEqual(got.map((m) => m.text), [], 'the will came before its delay');
    await waitFor(() => got.length === 1, 3000, 'the delayed will');
    const elapsed = Date.now() - t0;
    assert.ok(elapsed >= 1800, `will published after ${elapsed} ms, delay was 2 s`);
    assert.equal(got[0]!.text, 'x5-wd will');
  });

  test('a reconnect within the delay cancels the will', async () => {
    const sub = await tb.connect({ clientId: 'x5-wdc-sub', protocolVersion: 5 });
    const got = collect(sub);
    await sub.subscribeAsync('x5/wd/cancel', { qos: 1 });
    const c = await tb.connect(withDelayedWill('x5-wdc', 'x5/wd/cancel', 2));
    (c as any).stream.destroy();
    await closed(c);
    await sleep(500);
    const back = await tb.connect({ clientId: 'x5-wdc', ...v5persist(30) });
    // [MQTT-3.2.2-2] the session (expiry 30 s) exists, so Session Present is 1 (the own engine);
    // aedes keeps no session apart from its subscriptions and answers 0 when there are none.
    assert.equal(back.connack.sessionPresent, tb.broker.engine.kind === 'mqdash', 'Session Present as each engine answers it');
    await sleep(2500);
    assert.deepEqual(got.map((m) => m.text), [], 'the will was published although the client came back');
  });
});

describe('message expiry', () => {
  test('a queued message that expired before the reconnect is not delivered; others are, with the remaining lifetime', async () => {
    const name = 'x5-mexp';
    const c = await tb.connect({ clientId: name, ...v5persist(300) });
    await c.subscribeAsync('x5/mexp', { qos: 1 });
    c.end();
    await closed(c);

    const pub = await tb.connect({ clientId: 'x5-mexp-pub', protocolVersion: 5 });
    await pub.publishAsync('x5/mexp', 'short', { qos: 1, properties: { messageExpiryInterval: 1 } });
    await pub.publishAsync('x5/mexp', 'forever', { qos: 1 });
    await pub.publishAsync('x5/mexp', 'long', { qos: 1, properties: { messageExpiryInterval: 60 } });
    await waitFor(async () => (await tb.describe(name)).stats.currentDeliveryBacklogged === 3, 2000, 'backlog of 3');
    await sleep(2200);

    const back = await tb.connect({ clientId: name, ...v5persist(300) });
    const got = collect(back);
    await waitFor(() => got.length >= 2, 2000, 'the unexpired messages');
    await sleep(300);
    assert.deepEqual(got.map((m) => m.text), ['forever', 'long']);
    const left = got[1]!.packet.properties?.messageExpiryInterval;
    assert.ok(left !== undefined && left <= 58 && left > 0, `remaining message expiry ${left} should be about 57 s`);
    assert.equal(got[0]!.packet.properties?.messageExpiryInterval, undefined);

    await waitFor(async () => (await tb.describe(name)).stats.currentDeliveryBacklogged === 0, 2000, 'backlog drained, expired one included');
    assert.equal((await tb.describe(name)).stats.totalMessagesReceived, 2, 'an expired message must not count as delivered');
  });
});

describe('PUBLISH properties', () => {
  test('user properties, content type, correlation data, response topic and payload format reach a v5 subscriber', async () => {
    const sub = await tb.connect({ clientId: 'x5-props-sub', protocolVersion: 5 });
    const got = collect(sub);
    await sub.subscribeAsync('x5/props', { qos: 1 });
    const sub4 = await tb.connect({ clientId: 'x5-props-sub4', protocolVersion: 4 });
    const got4 = collect(sub4);
    await sub4.subscribeAsync('x5/props', { qos: 1 });

    const pub = await tb.connect({ clientId: 'x5-props-pub', protocolVersion: 5 });
    await pub.publishAsync('x5/props', '{"v":1}', {
      qos: 1,
      properties: {
        userProperties: { site: 'north', tag: ['a', 'b'] },
        contentType: 'application/json',
        correlationData: Buffer.from('corr-42'),
        responseTopic: 'x5/props/reply',
        payloadFormatIndicator: true,
      },
    });
    await waitFor(() => got.length === 1 && got4.length === 1, 2000, 'delivery to both subscribers');
    const p = got[0]!.packet.properties!;
    assert.deepEqual({ ...p.userProperties }, { site: 'north', tag: ['a', 'b'] });
    assert.equal(p.contentType, 'application/json');
    assert.equal(Buffer.from(p.correlationData!).toString(), 'corr-42');
    assert.equal(p.responseTopic, 'x5/props/reply');
    assert.equal(p.payloadFormatIndicator, true);
    assert.equal(got[0]!.text, '{"v":1}');
    // A 3.1.1 subscriber gets the same payload (it has no properties).
    assert.equal(got4[0]!.text, '{"v":1}');
  });

  test('CONNECT user properties are recorded on the session', async () => {
    await tb.connect({ clientId: 'x5-cup', protocolVersion: 5, properties: { userProperties: { fleet: 'f1', zone: ['z1', 'z2'] } } });
    const d = await tb.describe('x5-cup');
    assert.deepEqual(d.userProperties, [{ key: 'fleet', value: 'f1' }, { key: 'zone', value: 'z1' }, { key: 'zone', value: 'z2' }]);
  });
});

describe('topic aliases', () => {
  test('a client publishing through a topic alias is delivered on the real topic and recorded under it', async () => {
    const sub = await tb.connect({ clientId: 'x5-alias-sub', protocolVersion: 5 });
    const got = collect(sub);
    await sub.subscribeAsync('x5/alias/#', { qos: 1 });
    const pub = await tb.connect({ clientId: 'x5-alias-pub', protocolVersion: 5 });
    assert.ok((pub.connack.properties?.topicAliasMaximum ?? 0) >= 1, 'the broker must offer topic aliases');

    await pub.publishAsync('x5/alias/long/topic', 'first', { qos: 1, properties: { topicAlias: 1 } });
    await pub.publishAsync('', 'second', { qos: 1, properties: { topicAlias: 1 } });
    await pub.publishAsync('', 'third', { qos: 0, properties: { topicAlias: 1 } });
    await waitFor(() => got.length === 3, 2000, '3 messages');
    assert.deepEqual(got.map((m) => [m.topic, m.text]), [
      ['x5/alias/long/topic', 'first'], ['x5/alias/long/topic', 'second'], ['x5/alias/long/topic', 'third'],
    ]);
    for (const m of got) assert.equal(m.packet.properties?.topicAlias, undefined, 'the inbound alias must not be forwarded');

    const d = await tb.describe('x5-alias-pub');
    assert.deepEqual(d.publishedTopics, ['x5/alias/long/topic']);
    assert.equal(d.stats.totalMessagesPublished, 3);
  });
});

describe('maximum packet size', () => {
  test('the broker maximum is advertised; an oversized packet closes that connection only', async () => {
    const sub = await small.connect({ clientId: 'mps-sub', protocolVersion: 5 });
    assert.equal(sub.connack.properties?.maximumPacketSize, 1024);
    const got = collect(sub);
    await sub.subscribeAsync('mps/#', { qos: 1 });
    const bystanderWs = await small.connect({ clientId: 'mps-ws', protocolVersion: 4, transport: 'ws' });

    // MQTT 5 over TCP: DISCONNECT 0x95 Packet too large.
    const big5 = await small.connect({ clientId: 'mps-big5', ...v5persist(300) });
    const reason = disconnectReason(big5);
    big5.publish('mps/big', Buffer.alloc(2000, 1), { qos: 0 });
    assert.equal(await reason, 0x95);
    await closed(big5);

    // MQTT 3.1.1 over WebSocket: the connection is closed.
    const big4 = await small.connect({ clientId: 'mps-big4', protocolVersion: 4, transport: 'ws' });
    big4.publish('mps/big', Buffer.alloc(2000, 2), { qos: 0 });
    await closed(big4);

    // A packet just under the limit passes; the others are unaffected.
    const fits = await small.connect({ clientId: 'mps-fits', protocolVersion: 4 });
    await fits.publishAsync('mps/ok', Buffer.alloc(900, 3), { qos: 1 });
    await waitFor(() => got.length === 1, 2000, 'the message that fits');
    await sleep(200);
    assert.deepEqual(got.map((m) => [m.topic, m.packet.payload.length]), [['mps/ok', 900]]);
    assert.equal(sub.connected, true);
    assert.equal(bystanderWs.connected, true);
    await roundTrip(bystanderWs);
    await roundTrip(sub);

    await waitFor(async () => (await small.describe('mps-big5')).connectionStatus === 'disconnected', 2000, 'mps-big5 disconnected');
    assert.equal((await small.describe('mps-sub')).connectionStatus, 'connected');
  });

  test('a per-session maximumPacketSize set by alterMqSession holds back larger messages for that session', async () => {
    const name = 'x5-mps-session';
    const c0 = await tb.connect({ clientId: name, ...v5persist(300) });
    const r = await tb.act('alterMqSession', { clientName: name, maximumPacketSize: 200 });
    assert.equal(r.errorCode, 0, r.errorMessage);
    assert.equal((r.result as any).maximumPacketSize, 200);
    c0.end();
    await closed(c0);

    const c = await tb.connect({ clientId: name, ...v5persist(300) });
    const got = collect(c);
    await c.subscribeAsync('x5/mps/#', { qos: 1 });
    const pub = await tb.connect({ clientId: 'x5-mps-pub', protocolVersion: 5 });
    await pub.publishAsync('x5/mps/a', Buffer.alloc(50, 1), { qos: 1 });
    await pub.publishAsync('x5/mps/b', Buffer.alloc(500, 1), { qos: 1 });
    await pub.publishAsync('x5/mps/c', Buffer.alloc(60, 1), { qos: 1 });
    await waitFor(() => got.length === 2, 2000, 'the two small messages');
    await sleep(300);
    assert.deepEqual(got.map((m) => m.topic), ['x5/mps/a', 'x5/mps/c']);
    const d = await tb.describe(name);
    assert.equal(d.maximumPacketSize, 200);
    assert.equal(d.stats.totalMessagesReceived, 2, 'a message held back must not count as delivered');
    assert.equal(d.stats.currentDeliveryBacklogged, 0, 'a message held back must not stay in the backlog');
  });
});

describe('client identifiers', () => {
  test('an empty client id with MQTT 5 gets an assigned identifier, which is listed', async () => {
    const c = await tb.connect({ clientId: '', protocolVersion: 5, clean: true });
    const assigned = c.connack.properties?.assignedClientIdentifier;
    assert.equal(typeof assigned, 'string');
    assert.ok(assigned!.length > 0);
    const rows = await tb.list({ partialClientName: assigned });
    assert.deepEqual(rows.map((r) => [r.clientName, r.connectionStatus, r.mqttProtocol]), [[assigned, 'connected', '5.0']]);
    const c2 = await tb.connect({ clientId: '', protocolVersion: 5, clean: true });
    assert.notEqual(c2.connack.properties?.assignedClientIdentifier, assigned);
  });

  test('MQTT 3.1.1: an empty client id needs a clean session (rc 2 otherwise)', async () => {
    // Neither mqtt.js nor mqtt-packet will build this CONNECT, so it goes out as bytes:
    // CONNECT, "MQTT", level 4, flags 0 (clean session off), keep-alive 30, empty client id.
    const bytes = Buffer.from([0x10, 12, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x00, 0, 30, 0, 0]);
    const connack = await rawConnect(tb, bytes, 4);
    assert.equal(connack.returnCode, 2);
    const ok = await tb.connect({ clientId: '', protocolVersion: 4, clean: true });
    assert.equal(ok.connack.returnCode, 0);
  });
});

describe('server keep-alive', () => {
  test('an MQTT 5 client with keep-alive 0 or above the limit gets Server Keep Alive; 3.1.1 is left alone', async () => {
    const zero = await small.connect({ clientId: 'ka-zero', protocolVersion: 5, keepalive: 0 });
    assert.equal(zero.connack.properties?.serverKeepAlive, 30);
    assert.equal((await small.describe('ka-zero')).keepAliveSeconds, 30);

    const high = await small.connect({ clientId: 'ka-high', protocolVersion: 5, keepalive: 120 });
    assert.equal(high.connack.properties?.serverKeepAlive, 30);
    assert.equal((await small.describe('ka-high')).keepAliveSeconds, 30);

    const low = await small.connect({ clientId: 'ka-low', protocolVersion: 5, keepalive: 10 });
    assert.equal(low.connack.properties?.serverKeepAlive, undefined);
    assert.equal((await small.describe('ka-low')).keepAliveSeconds, 10);

    // DESIGN §8: aedes' keepaliveLimit would refuse a 3.1.1 client with keep-alive 0; the module must not.
    const v4 = await small.connect({ clientId: 'ka-v4', protocolVersion: 4, keepalive: 0 });
    assert.equal(v4.connack.returnCode, 0);
    assert.equal((await small.describe('ka-v4')).keepAliveSeconds, 0);
  });

  test('keepAliveSeconds set by alterMqSession is given as Server Keep Alive at the next connection', async () => {
    const name = 'ka-altered';
    const c = await tb.connect({ clientId: name, ...v5persist(300), keepalive: 60 });
    const r = await tb.act('alterMqSession', { clientName: name, keepAliveSeconds: 20 });
    assert.equal(r.errorCode, 0, r.errorMessage);
    assert.ok(JSON.stringify(r.debugInfo ?? {}).includes('keepAliveSeconds'), 'the response should say keepAliveSeconds applies at the next connection');
    assert.equal(c.connected, true);
    c.end();
    await closed(c);
    const again = await tb.connect({ clientId: name, ...v5persist(300), keepalive: 60 });
    assert.equal(again.connack.properties?.serverKeepAlive, 20);
    assert.equal((await tb.describe(name)).keepAliveSeconds, 20);
  });
});

describe('reason codes', () => {
  test('banned CONNACK 0x8A carries a reason string; an MQ API name gets 0x85', async () => {
    await tb.connect({ clientId: 'rc-banned', ...v5persist(300) }).then((c) => c.end());
    await waitFor(async () => (await tb.describe('rc-banned')).connectionStatus === 'disconnected', 2000, 'rc-banned disconnected');
    await tb.ok('alterMqSession', { clientName: 'rc-banned', sessionStatus: 'banned' });
    const connack = await rawConnack(tb, { clientId: 'rc-banned', protocolVersion: 5 });
    assert.equal(connack.reasonCode, 0x8a);
    assert.equal(connack.properties?.reasonString, 'session is banned');

    await tb.ok('createMqApiSession', { clientName: 'rc-api' });
    const connack2 = await rawConnack(tb, { clientId: 'rc-api', protocolVersion: 5 });
    assert.equal(connack2.reasonCode, 0x85);
    assert.equal(connack2.properties?.reasonString, 'API session is already in use');
  });

  test('disconnectMqSession sends 0x98 Administrative action; a takeover sends 0x8E', async () => {
    const a = await tb.connect({ clientId: 'rc-admin', ...v5persist(300) });
    const reasonA = disconnectReason(a);
    assert.deepEqual(await tb.ok('disconnectMqSession', { clientName: 'rc-admin' }), { clientName: 'rc-admin', wasConnected: true });
    assert.equal(await reasonA, 0x98);
    await closed(a);
    assert.deepEqual(await tb.ok('disconnectMqSession', { clientName: 'rc-admin' }), { clientName: 'rc-admin', wasConnected: false });

    const first = await tb.connect({ clientId: 'rc-takeover', ...v5persist(300) });
    const reasonT = disconnectReason(first);
    const second = await tb.connect({ clientId: 'rc-takeover', ...v5persist(300) });
    assert.equal(await reasonT, 0x8e);
    await closed(first);
    await sleep(100);
    assert.equal((await tb.describe('rc-takeover')).connectionStatus, 'connected', 'the old connection closing must not mark the taken-over session disconnected');
    await roundTrip(second);
  });
});

/** Sends one CONNECT over a plain socket and returns the decoded CONNACK. */
async function rawConnect(b: TestBroker, connect: Buffer, protocolVersion: number): Promise<any> {
  const sock = net.connect(b.mqttPort, '127.0.0.1');
  const parser = mqttPacket.parser({ protocolVersion });
  try {
    return await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no CONNACK')), 5000);
      parser.on('packet', (p: any) => {
        clearTimeout(t);
        resolve(p);
      });
      sock.on('data', (d) => parser.parse(d));
      sock.on('error', reject);
      sock.on('connect', () => sock.write(connect));
    });
  } finally {
    sock.destroy();
  }
}

/** Connects expecting a refusal and returns the CONNACK packet itself (reason code and properties). */
async function rawConnack(b: TestBroker, opts: { clientId: string; protocolVersion: 5 }): Promise<IConnackPacket> {
  const mqtt = (await import('mqtt')).default;
  const client = mqtt.connect(b.url(), { ...opts, reconnectPeriod: 0, connectTimeout: 5000 });
  try {
    return await new Promise<IConnackPacket>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no CONNACK')), 5000);
      client.on('error', () => {});
      client.on('packetreceive', (p) => {
        if (p.cmd === 'connack') {
          clearTimeout(t);
          resolve(p as IConnackPacket);
        }
      });
    });
  } finally {
    client.end(true);
  }
}
