/**
 * MQ API messaging end to end through the real broker (real SQLite file, real mqtt.js 3.1.1 and
 * 5.0 clients): publishMessagesToMq to MQTT subscribers with MQTT 5 properties, MQTT publishes
 * fetched with getMessagesFromMqApiSession (in order, continuing across calls, maxMessages
 * honoured), session stats and backlog, and the matcher kept in step with subscribeToMq and
 * deleteMqSession.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReceivedMessage } from '@mqdash/contracts';
import { collect, sleep, startBroker, waitFor, type TestBroker } from './helpers.ts';

let tb: TestBroker;
before(async () => {
  tb = await startBroker();
});
after(async () => {
  await tb?.close();
});

async function apiSession(clientName: string, filters: Array<string | { topicFilter: string; qos?: number; noLocal?: boolean }> = []) {
  await tb.ok('createMqApiSession', { clientName });
  if (filters.length)
    await tb.ok('subscribeToMq', { clientName, subscriptionActions: filters.map((f) => (typeof f === 'string' ? { topicFilter: f, qos: 1 } : { qos: 1, ...f })) });
}

const fetch = (clientName: string, params: Record<string, unknown> = {}) => tb.ok('getMessagesFromMqApiSession', { clientName, ...params });

describe('MQ API session → MQTT subscribers', () => {
  test('an MQTT 5 subscriber gets the payload with content type, correlation data, user properties, response topic and expiry', async () => {
    await apiSession('mx-pub');
    const sub = await tb.connect({ clientId: 'mx-sub5', protocolVersion: 5 });
    const got = collect(sub);
    await sub.subscribeAsync('mx/v5/#', { qos: 1 });
    const r = await tb.ok('publishMessagesToMq', {
      clientName: 'mx-pub',
      messages: [{
        topic: 'mx/v5/a', payload: { temperature: 21.5 }, qos: 1, contentType: 'application/json', correlationData: 'req-42',
        userProperties: [{ key: 'site', value: 'north' }, { key: 'site', value: 'south' }, { key: 'line', value: '7' }],
        responseTopic: 'mx/replies/42', expirySeconds: 120, payloadFormatIndicator: 'utf8',
      }],
    });
    assert.deepEqual(r, { clientName: 'mx-pub', published: 1 });
    await waitFor(() => got.length === 1, 3000, 'the MQTT 5 delivery');
    const m = got[0]!;
    assert.equal(m.topic, 'mx/v5/a');
    assert.deepEqual(JSON.parse(m.text), { temperature: 21.5 });
    const p = m.packet.properties!;
    assert.equal(p.contentType, 'application/json');
    assert.equal(Buffer.from(p.correlationData!).toString(), 'req-42');
    assert.equal(p.responseTopic, 'mx/replies/42');
    assert.ok(p.messageExpiryInterval! > 0 && p.messageExpiryInterval! <= 120, `expiry ${p.messageExpiryInterval}`);
    assert.equal(p.payloadFormatIndicator, true);
    assert.deepEqual({ ...p.userProperties }, { site: ['north', 'south'], line: '7' });
  });

  test('an MQTT 3.1.1 subscriber gets the payload (no properties in 3.1.1)', async () => {
    await apiSession('mx-pub4');
    const sub = await tb.connect({ clientId: 'mx-sub4', protocolVersion: 4 });
    const got = collect(sub);
    await sub.subscribeAsync('mx/v4/+', { qos: 1 });
    await tb.ok('publishMessagesToMq', {
      clientName: 'mx-pub4',
      messages: [
        { topic: 'mx/v4/text', payload: 'plain text', contentType: 'text/plain', userProperties: [{ key: 'k', value: 'v' }] },
        { topic: 'mx/v4/hex', payload: '00ff10', binaryFormat: 'hex', qos: 0 },
        { topic: 'mx/v4/b64', payload: Buffer.from('bytes!').toString('base64'), binaryFormat: 'base64', qos: 2 },
        { topic: 'mx/v4/json', payload: [1, 'two', null], binaryFormat: 'json' },
      ],
    });
    await waitFor(() => got.length === 4, 3000, 'four 3.1.1 deliveries');
    const byTopic = new Map(got.map((g) => [g.topic, g]));
    assert.equal(byTopic.get('mx/v4/text')!.text, 'plain text');
    assert.equal(byTopic.get('mx/v4/text')!.packet.properties, undefined);
    assert.deepEqual([...byTopic.get('mx/v4/hex')!.packet.payload], [0, 255, 16]);
    assert.equal(byTopic.get('mx/v4/b64')!.text, 'bytes!');
    assert.equal(byTopic.get('mx/v4/json')!.text, '[1,"two",null]');
    // QoS 2 published, QoS 1 granted (through a wildcard filter): delivered at QoS 1 [MQTT-3.8.4-8].
    assert.equal(byTopic.get('mx/v4/b64')!.packet.qos, 1);
    // Order of publishing is kept.
    assert.deepEqual(got.map((g) => g.topic), ['mx/v4/text', 'mx/v4/hex', 'mx/v4/b64', 'mx/v4/json']);
  });

  test('retain and an MQTT session as publisher', async () => {
    const owner = await tb.connect({ clientId: 'mx-mqtt-owner', protocolVersion: 5 });
    await tb.ok('publishMessagesToMq', { clientName: 'mx-mqtt-owner', messages: [{ topic: 'mx/retained', payload: 'kept', retain: true }] });
    const late = await tb.connect({ clientId: 'mx-late', protocolVersion: 5 });
    const got = collect(late);
    await late.subscribeAsync('mx/retained', { qos: 1 });
    await waitFor(() => got.length === 1, 3000, 'the retained message');
    assert.equal(got[0]!.text, 'kept');
    assert.equal(got[0]!.packet.retain, true);
    const d = await tb.describe('mx-mqtt-owner');
    assert.equal(d.stats.totalMessagesPublished, 1, 'counted on the MQTT session');
    assert.equal(d.connectionStatus, 'connected');
    owner.end();
  });

  test('the publishing MQ API session is counted and becomes connectedTemporarily', async () => {
    await apiSession('mx-counted');
    const before = await tb.describe('mx-counted');
    assert.equal(before.stats.totalMessagesPublished, 0);
    assert.equal(before.connectionStatus, 'disconnected');
    await tb.ok('publishMessagesToMq', {
      clientName: 'mx-counted', messages: [{ topic: 'mx/count/1', payload: 1 }, { topic: 'mx/count/2', payload: 2 }, { topic: 'mx/count/1', payload: 3 }],
    });
    const d = await tb.describe('mx-counted');
    assert.equal(d.stats.totalMessagesPublished, 3);
    assert.equal(d.stats.publishRatePerMinute, 3);
    assert.equal(d.connectionStatus, 'connectedTemporarily');
    assert.deepEqual(d.publishedTopics.map((t: { topic?: string } | string) => (typeof t === 'string' ? t : t.topic)).sort(), ['mx/count/1', 'mx/count/2']);
  });
});

describe('MQTT clients → MQ API session', () => {
  test('getMessagesFromMqApiSession returns matched messages in order, continuing across calls, maxMessages honoured', async () => {
    await apiSession('mx-reader', ['mx/in/#']);
    const pub = await tb.connect({ clientId: 'mx-writer5', protocolVersion: 5 });
    const pub4 = await tb.connect({ clientId: 'mx-writer4', protocolVersion: 4 });
    for (let i = 0; i < 5; i++) await pub.publishAsync(`mx/in/${i}`, `m${i}`, { qos: 1, properties: { contentType: 'text/plain', userProperties: { n: String(i) } } });
    await pub4.publishAsync('mx/in/v4', 'from 3.1.1', { qos: 1 });
    await pub.publishAsync('mx/elsewhere', 'not matched', { qos: 1 });

    const first = await fetch('mx-reader', { maxMessages: 2 });
    assert.deepEqual(first.data.map((m: ReceivedMessage) => m.payload), ['m0', 'm1']);
    assert.equal(first.remainingMessages, 4);
    assert.equal(first.data[0].topic, 'mx/in/0');
    assert.equal(first.data[0].contentType, 'text/plain');
    assert.deepEqual(first.data[0].userProperties, [{ key: 'n', value: '0' }]);
    assert.equal(first.data[0].publisherClientName, 'mx-writer5');
    assert.equal(first.data[0].qos, 1);
    assert.ok(!Number.isNaN(Date.parse(first.data[0].timestamp)));

    const second = await fetch('mx-reader', { maxMessages: 3 });
    assert.deepEqual(second.data.map((m: ReceivedMessage) => m.payload), ['m2', 'm3', 'm4']);
    const third = await fetch('mx-reader');
    assert.deepEqual(third.data.map((m: ReceivedMessage) => [m.topic, m.payload]), [['mx/in/v4', 'from 3.1.1']]);
    assert.equal(third.remainingMessages, 0);
    assert.deepEqual((await fetch('mx-reader')).data, [], 'returned messages are consumed');
  });

  test('stats: totalMessagesReceived counts fetched messages; the backlog is the queue length', async () => {
    await apiSession('mx-stats', ['mx/stats/+']);
    const pub = await tb.connect({ clientId: 'mx-stats-pub', protocolVersion: 5 });
    for (let i = 0; i < 7; i++) await pub.publishAsync(`mx/stats/${i}`, String(i), { qos: 1 });
    const queued = await waitFor(async () => {
      const d = await tb.describe('mx-stats');
      return d.stats.currentDeliveryBacklogged === 7 ? d : null;
    }, 3000, 'a backlog of 7');
    assert.equal(queued.stats.totalMessagesReceived, 0);
    const r = await fetch('mx-stats', { maxMessages: 4 });
    assert.equal(r.data.length, 4);
    const d = await tb.describe('mx-stats');
    assert.equal(d.stats.totalMessagesReceived, 4);
    assert.equal(d.stats.currentDeliveryBacklogged, 3);
    await fetch('mx-stats');
    const done = await tb.describe('mx-stats');
    assert.equal(done.stats.totalMessagesReceived, 7);
    assert.equal(done.stats.currentDeliveryBacklogged, 0);
    assert.equal(done.connectionStatus, 'connectedTemporarily');
  });

  test('two MQ API sessions exchange messages both ways; QoS is the lower of publish and subscription', async () => {
    await apiSession('mx-alice', [{ topicFilter: 'mx/chat/alice', qos: 0 }]);
    await apiSession('mx-bob', [{ topicFilter: 'mx/chat/bob', qos: 2 }]);
    await tb.ok('publishMessagesToMq', { clientName: 'mx-alice', messages: [{ topic: 'mx/chat/bob', payload: 'hi bob', qos: 2 }] });
    await tb.ok('publishMessagesToMq', { clientName: 'mx-bob', messages: [{ topic: 'mx/chat/alice', payload: 'hi alice', qos: 1 }] });
    const bob = await fetch('mx-bob');
    assert.deepEqual(bob.data.map((m: ReceivedMessage) => [m.payload, m.qos, m.publisherClientName]), [['hi bob', 2, 'mx-alice']]);
    const alice = await fetch('mx-alice');
    assert.deepEqual(alice.data.map((m: ReceivedMessage) => [m.payload, m.qos, m.publisherClientName]), [['hi alice', 0, 'mx-bob']]);
  });

  test('overlapping subscriptions deliver once; noLocal skips the session\'s own messages', async () => {
    await apiSession('mx-overlap', ['mx/ov/#', 'mx/ov/+', { topicFilter: 'mx/own/#', noLocal: true }]);
    await tb.ok('publishMessagesToMq', { clientName: 'mx-overlap', messages: [{ topic: 'mx/ov/x', payload: 'once' }, { topic: 'mx/own/x', payload: 'mine' }] });
    await tb.ok('publishMessagesToMq', { clientName: 'mx-counted', messages: [{ topic: 'mx/own/x', payload: 'theirs' }] });
    const r = await fetch('mx-overlap');
    assert.deepEqual(r.data.map((m: ReceivedMessage) => m.payload), ['once', 'theirs']);
  });

  test('binaryFormat of the response: utf8, json, hex, base64, with a lossless fallback', async () => {
    await apiSession('mx-formats', ['mx/fmt/#']);
    const pub = await tb.connect({ clientId: 'mx-fmt-pub', protocolVersion: 4 });
    await pub.publishAsync('mx/fmt/json', '{"a":[1,2]}', { qos: 1 });
    await pub.publishAsync('mx/fmt/bin', Buffer.from([0xff, 0x00, 0xfe]), { qos: 1 });
    await pub.publishAsync('mx/fmt/text', 'not json', { qos: 1 });
    const json = await tb.ok('getMessagesFromMqApiSession', { clientName: 'mx-formats', binaryFormat: 'json' });
    assert.deepEqual(json.data.map((m: ReceivedMessage) => [m.payload, m.binaryFormat]), [[{ a: [1, 2] }, 'json'], ['/wD+', 'base64'], ['not json', 'utf8']]);

    await pub.publishAsync('mx/fmt/json', '{"a":[1,2]}', { qos: 1 });
    const hex = await tb.ok('getMessagesFromMqApiSession', { clientName: 'mx-formats', binaryFormat: 'hex' });
    assert.deepEqual(hex.data.map((m: ReceivedMessage) => [m.payload, m.binaryFormat]), [[Buffer.from('{"a":[1,2]}').toString('hex'), 'hex']]);
  });

  test('subscribeToMq unsubscribe and deleteMqSession keep the matcher in step', async () => {
    await apiSession('mx-instep', ['mx/step/a', 'mx/step/b']);
    await tb.ok('subscribeToMq', { clientName: 'mx-instep', subscriptionActions: [{ action: 'unsubscribe', topicFilter: 'mx/step/a' }] });
    await tb.ok('publishMessagesToMq', { clientName: 'mx-counted', messages: [{ topic: 'mx/step/a', payload: 'a' }, { topic: 'mx/step/b', payload: 'b' }] });
    assert.deepEqual((await fetch('mx-instep')).data.map((m: ReceivedMessage) => m.payload), ['b']);

    await tb.ok('publishMessagesToMq', { clientName: 'mx-counted', messages: [{ topic: 'mx/step/b', payload: 'queued' }] });
    await tb.ok('deleteMqSession', { clientName: 'mx-instep', permanentlyDeleteSession: true });
    // A new session of the same name starts empty and with no subscriptions.
    await apiSession('mx-instep');
    await tb.ok('publishMessagesToMq', { clientName: 'mx-counted', messages: [{ topic: 'mx/step/b', payload: 'after' }] });
    const r = await fetch('mx-instep');
    assert.deepEqual(r.data, []);
    assert.equal(r.remainingMessages, 0);
  });

  test('an inactive MQ API session keeps queueing and is normal again once used', async () => {
    await apiSession('mx-inactive', ['mx/inactive']);
    await tb.ok('deleteMqSession', { clientName: 'mx-inactive' });
    assert.equal((await tb.describe('mx-inactive')).sessionStatus, 'inactive');
    await tb.ok('publishMessagesToMq', { clientName: 'mx-counted', messages: [{ topic: 'mx/inactive', payload: 'while inactive' }] });
    const r = await fetch('mx-inactive');
    assert.deepEqual(r.data.map((m: ReceivedMessage) => m.payload), ['while inactive']);
    assert.equal((await tb.describe('mx-inactive')).sessionStatus, 'normal');
  });

  test('messages whose expiry ran out are not returned, and are counted as dropped', async () => {
    await apiSession('mx-expiry', ['mx/exp/#']);
    await tb.ok('publishMessagesToMq', {
      clientName: 'mx-counted', messages: [{ topic: 'mx/exp/a', payload: 'short', expirySeconds: 1 }, { topic: 'mx/exp/b', payload: 'long', expirySeconds: 600 }],
    });
    await sleep(1100);
    const r = await fetch('mx-expiry');
    assert.deepEqual(r.data.map((m: ReceivedMessage) => m.payload), ['long']);
    assert.ok(r.data[0].expirySeconds > 590 && r.data[0].expirySeconds <= 600, 'the time it has left');
    assert.equal(r.droppedMessages, 1);
  });
});

describe('response size', () => {
  test('a response carries at most 16 MiB of payload; the rest stays queued, and the history continues from nextPosition', async () => {
    const big = await startBroker({ messaging: { topicHistory: { maxBytesPerTopic: 64 * 1024 * 1024 } } });
    try {
      await big.ok('createMqApiSession', { clientName: 'rs-reader' });
      await big.ok('subscribeToMq', { clientName: 'rs-reader', subscriptionActions: [{ topicFilter: 'rs/big' }] });
      await big.ok('createMqApiSession', { clientName: 'rs-writer' });
      const payload = Buffer.alloc(1_000_000, 97).toString('base64');
      for (let i = 0; i < 17; i++)
        await big.ok('publishMessagesToMq', { clientName: 'rs-writer', messages: [{ topic: 'rs/big', payload, binaryFormat: 'base64', qos: 0 }] });
      const first = await big.ok('getMessagesFromMqApiSession', { clientName: 'rs-reader', maxMessages: 100, binaryFormat: 'base64' });
      assert.equal(first.data.length, 16, '16 × 1,000,000 bytes fit in 16 MiB, 17 do not');
      assert.equal(first.remainingMessages, 1);
      const rest = await big.ok('getMessagesFromMqApiSession', { clientName: 'rs-reader', maxMessages: 100, binaryFormat: 'base64' });
      assert.equal(rest.data.length, 1);

      const head = await big.ok('getMessagesFromMqTopic', { topic: 'rs/big', startFrom: 'head', binaryFormat: 'hex' });
      assert.equal(head.data.length, 16);
      assert.equal(head.moreRecords, true);
      const next = await big.ok('getMessagesFromMqTopic', { topic: 'rs/big', startPosition: head.nextPosition, binaryFormat: 'hex' });
      assert.deepEqual(next.data.map((m: ReceivedMessage & { position: number }) => m.position), [17]);
      const tail = await big.ok('getMessagesFromMqTopic', { topic: 'rs/big', maxMessages: 100, binaryFormat: 'hex' });
      assert.deepEqual(tail.data.map((m: ReceivedMessage & { position: number }) => m.position), Array.from({ length: 16 }, (_, i) => i + 2), 'the newest 16');
    } finally {
      await big.close();
    }
  });
});

describe('queue bound', () => {
  let small: TestBroker;
  before(async () => {
    small = await startBroker({ messaging: { apiSessionQueue: { limit: 5 } } });
  });
  after(async () => {
    await small?.close();
  });

  test('over the limit the oldest messages are dropped and counted; the backlog stays at the limit', async () => {
    await small.ok('createMqApiSession', { clientName: 'qb-reader' });
    await small.ok('subscribeToMq', { clientName: 'qb-reader', subscriptionActions: [{ topicFilter: 'qb/#' }] });
    await small.ok('createMqApiSession', { clientName: 'qb-writer' });
    await small.ok('publishMessagesToMq', {
      clientName: 'qb-writer', messages: Array.from({ length: 12 }, (_, i) => ({ topic: 'qb/x', payload: `m${i}` })),
    });
    await waitFor(async () => (await small.describe('qb-reader')).stats.currentDeliveryBacklogged === 5, 3000, 'backlog at the limit');
    const r = await small.ok('getMessagesFromMqApiSession', { clientName: 'qb-reader', maxMessages: 100 });
    assert.deepEqual(r.data.map((m: ReceivedMessage) => m.payload), ['m7', 'm8', 'm9', 'm10', 'm11']);
    assert.equal(r.droppedMessages, 7);
    const again = await small.ok('getMessagesFromMqApiSession', { clientName: 'qb-reader' });
    assert.equal(again.droppedMessages, 0, 'dropped is counted once');
  });
});
