/**
 * getMessagesFromMqTopic end to end: the topic history with positions and timestamps, read from
 * the tail (default), the head, a time or a position; MQTT 5 properties kept; the retention limits
 * (messages and bytes per topic, tracked topics); `$SYS/` never recorded; and the limits'
 * environment variables.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GetMessagesFromMqTopicResult, TopicHistoryMessage } from '@mqdash/contracts';
import path from 'node:path';
import fs from 'node:fs';
import { pino } from 'pino';
import { resolveMessagingOptions } from '../messaging/messaging.ts';
import { messagingSchema } from '../messaging/schema.ts';
import { TopicHistory } from '../messaging/topic-history.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import { sleep, startBroker, tempDir, type TestBroker } from './helpers.ts';

let tb: TestBroker;
before(async () => {
  tb = await startBroker();
  await tb.ok('createMqApiSession', { clientName: 'th-api' });
});
after(async () => {
  await tb?.close();
});

const read = (b: TestBroker, topic: string, params: Record<string, unknown> = {}) => b.ok('getMessagesFromMqTopic', { topic, ...params });
const payloads = (r: GetMessagesFromMqTopicResult) => r.data.map((m: TopicHistoryMessage) => m.payload);
const positions = (r: GetMessagesFromMqTopicResult) => r.data.map((m: TopicHistoryMessage) => m.position);

describe('reading a topic', () => {
  before(async () => {
    const pub = await tb.connect({ clientId: 'th-pub', protocolVersion: 5 });
    for (let i = 1; i <= 6; i++) await pub.publishAsync('th/ten', `m${i}`, { qos: 1 });
    await tb.ok('publishMessagesToMq', {
      clientName: 'th-api', messages: [7, 8, 9, 10].map((i) => ({ topic: 'th/ten', payload: `m${i}` })),
    });
  });

  test('tail (the default) returns the newest messages, oldest first, with positions and timestamps', async () => {
    const r = await read(tb, 'th/ten', { maxMessages: 3 });
    assert.deepEqual(payloads(r), ['m8', 'm9', 'm10']);
    assert.deepEqual(positions(r), [8, 9, 10]);
    assert.equal(r.firstPosition, 1);
    assert.equal(r.lastPosition, 10);
    assert.equal(r.storedMessages, 10);
    assert.equal(r.nextPosition, 11);
    assert.equal(r.moreRecords, false);
    for (const m of r.data) assert.ok(!Number.isNaN(Date.parse(m.timestamp)), 'ISO timestamp');
    assert.equal(r.data[0].publisherClientName, 'th-api');
    assert.deepEqual(payloads(await read(tb, 'th/ten', { startFrom: 'tail', maxMessages: 1 })), ['m10']);
  });

  test('head returns the oldest kept; startPosition continues with nextPosition', async () => {
    const head = await read(tb, 'th/ten', { startFrom: 'head', maxMessages: 4 });
    assert.deepEqual(payloads(head), ['m1', 'm2', 'm3', 'm4']);
    assert.equal(head.data[0].publisherClientName, 'th-pub');
    assert.equal(head.moreRecords, true);
    assert.equal(head.nextPosition, 5);
    const next = await read(tb, 'th/ten', { startPosition: head.nextPosition, maxMessages: 4 });
    assert.deepEqual(positions(next), [5, 6, 7, 8]);
    const last = await read(tb, 'th/ten', { startPosition: next.nextPosition, maxMessages: 4 });
    assert.deepEqual(positions(last), [9, 10]);
    assert.equal(last.moreRecords, false);
    const beyond = await read(tb, 'th/ten', { startPosition: 11 });
    assert.deepEqual(beyond.data, []);
    assert.equal(beyond.nextPosition, 11, 'poll again from the same position');
  });

  test('startTimestamp returns the messages published at or after that time', async () => {
    await tb.ok('publishMessagesToMq', { clientName: 'th-api', messages: [{ topic: 'th/time', payload: 'early' }] });
    await sleep(30);
    const cut = new Date();
    await sleep(5);
    await tb.ok('publishMessagesToMq', { clientName: 'th-api', messages: [{ topic: 'th/time', payload: 'late-1' }, { topic: 'th/time', payload: 'late-2' }] });
    assert.deepEqual(payloads(await read(tb, 'th/time', { startTimestamp: cut.toISOString() })), ['late-1', 'late-2']);
    // Without a zone the time is UTC, like every timestamp mqdash returns.
    assert.deepEqual(payloads(await read(tb, 'th/time', { startTimestamp: cut.toISOString().replace('Z', '') })), ['late-1', 'late-2']);
    assert.deepEqual(payloads(await read(tb, 'th/time', { startTimestamp: '2000-01-01', maxMessages: 2 })), ['early', 'late-1']);
    assert.deepEqual(await read(tb, 'th/time', { startTimestamp: '2999-01-01T00:00:00+02:00' }).then((r) => r.data), []);
  });

  test('a busy topic keeps the newest 1000 (the default limit), in order, across batched writes', async () => {
    for (let k = 0; k < 3; k++) {
      await tb.ok('publishMessagesToMq', {
        clientName: 'th-api', messages: Array.from({ length: 500 }, (_, i) => ({ topic: 'th/busy', payload: `b${k * 500 + i + 1}`, qos: 0 })),
      });
    }
    const all = await read(tb, 'th/busy', { startFrom: 'head', maxMessages: 10000 });
    assert.equal(all.storedMessages, 1000);
    assert.deepEqual(positions(all), Array.from({ length: 1000 }, (_, i) => 501 + i));
    assert.deepEqual(payloads(all).slice(0, 2), ['b501', 'b502']);
    assert.equal(payloads(all)[999], 'b1500');
  });

  test('messages are read straight after publishing (the write-behind is flushed first)', async () => {
    const pub = await tb.connect({ clientId: 'th-pub-now', protocolVersion: 4 });
    await pub.publishAsync('th/now', 'fresh', { qos: 1 });
    assert.deepEqual(payloads(await read(tb, 'th/now')), ['fresh']);
  });

  test('MQTT 5 properties, QoS and retain are kept; binaryFormat applies', async () => {
    await tb.ok('publishMessagesToMq', {
      clientName: 'th-api',
      messages: [{
        topic: 'th/props', payload: { v: 1 }, qos: 2, retain: true, contentType: 'application/json', correlationData: 'c-1',
        responseTopic: 'th/reply', expirySeconds: 300, userProperties: [{ key: 'a', value: 'b' }], payloadFormatIndicator: 'utf8',
      }],
    });
    const [m] = (await read(tb, 'th/props', { binaryFormat: 'json' })).data;
    assert.deepEqual(m.payload, { v: 1 });
    assert.equal(m.binaryFormat, 'json');
    assert.equal(m.qos, 2);
    assert.equal(m.retain, true);
    assert.equal(m.contentType, 'application/json');
    assert.equal(m.correlationData, 'c-1');
    assert.equal(m.responseTopic, 'th/reply');
    assert.equal(m.expirySeconds, 300);
    assert.deepEqual(m.userProperties, [{ key: 'a', value: 'b' }]);
    assert.equal(m.payloadFormatIndicator, 'utf8');
    const [h] = (await read(tb, 'th/props', { binaryFormat: 'hex' })).data;
    assert.equal(h.payload, Buffer.from('{"v":1}').toString('hex'));
  });

  test('a topic with nothing kept returns no messages (not an error); $SYS/ is never recorded', async () => {
    const none = await read(tb, 'th/never-published');
    assert.deepEqual({ ...none, data: none.data }, {
      topic: 'th/never-published', data: [], firstPosition: 0, lastPosition: 0, storedMessages: 0, nextPosition: 1, moreRecords: false,
    });
    await tb.broker.engine.publish({ cmd: 'publish', topic: '$SYS/th/test', payload: Buffer.from('x'), qos: 0, retain: false, dup: false });
    assert.deepEqual((await read(tb, '$SYS/th/test')).data, []);
  });
});

describe('retention limits', () => {
  let small: TestBroker;
  before(async () => {
    small = await startBroker({ messaging: { topicHistory: { limit: 5, maxBytesPerTopic: 100, maxTopics: 4 } } });
    await small.ok('createMqApiSession', { clientName: 'rl-api' });
  });
  after(async () => {
    await small?.close();
  });

  const publish = (topic: string, payloads: string[]) =>
    small.ok('publishMessagesToMq', { clientName: 'rl-api', messages: payloads.map((payload) => ({ topic, payload })) });

  test('only the newest `limit` messages of a topic are kept, within one write and across writes', async () => {
    await publish('rl/a', Array.from({ length: 12 }, (_, i) => `m${i + 1}`));
    const r = await read(small, 'rl/a', { startFrom: 'head', maxMessages: 100 });
    assert.deepEqual(positions(r), [8, 9, 10, 11, 12]);
    assert.equal(r.storedMessages, 5);
    assert.equal(r.firstPosition, 8);
    await publish('rl/a', ['m13', 'm14', 'm15']);
    const again = await read(small, 'rl/a', { startFrom: 'head', maxMessages: 100 });
    assert.deepEqual(payloads(again), ['m11', 'm12', 'm13', 'm14', 'm15']);
    assert.equal(again.firstPosition, 11);
    // A position older than what is kept starts at the oldest kept.
    assert.deepEqual(positions(await read(small, 'rl/a', { startPosition: 1, maxMessages: 2 })), [11, 12]);
  });

  test('the bytes kept per topic are capped (oldest dropped first)', async () => {
    const thirty = (c: string) => c.repeat(30);
    await publish('rl/bytes', ['a', 'b', 'c', 'd'].map(thirty));
    const r = await read(small, 'rl/bytes', { startFrom: 'head' });
    assert.deepEqual(payloads(r), ['b', 'c', 'd'].map(thirty), '3 × 30 bytes fit in 100');
    await publish('rl/bytes', [thirty('e')]);
    assert.deepEqual(payloads(await read(small, 'rl/bytes', { startFrom: 'head' })), ['c', 'd', 'e'].map(thirty));
  });

  test('at the tracked-topic cap new topics wait until the least recently published are forgotten', async () => {
    // rl/a and rl/bytes are tracked; two more reach the cap of 4, a fifth is not recorded.
    await publish('rl/t3', ['x']);
    await publish('rl/t4', ['x']);
    await publish('rl/t5', ['not recorded']);
    assert.deepEqual((await read(small, 'rl/t5')).data, []);
    // That read wrote the history and forgot the least recently published topic (rl/a) to make room.
    assert.deepEqual((await read(small, 'rl/a')).data, []);
    await publish('rl/t5', ['recorded']);
    assert.deepEqual(payloads(await read(small, 'rl/t5')), ['recorded']);
    assert.ok(small.broker.core.messaging.history.stats().untracked >= 1);
  });
});

describe('configuration', () => {
  test('TOPIC_HISTORY_LIMIT and the other limits come from the environment unless createBroker sets them', () => {
    const env = { TOPIC_HISTORY_LIMIT: '7', TOPIC_HISTORY_MAX_BYTES: '2048', TOPIC_HISTORY_MAX_TOPICS: '9', TOPIC_HISTORY_MAX_TOTAL_BYTES: '4096', MQ_API_QUEUE_LIMIT: '50' };
    const o = resolveMessagingOptions({}, env);
    assert.equal(o.topicHistory.limit, 7);
    assert.equal(o.topicHistory.maxBytesPerTopic, 2048);
    assert.equal(o.topicHistory.maxTopics, 9);
    assert.equal(o.topicHistory.maxTotalBytes, 4096);
    assert.equal(o.apiSessionQueue.limit, 50);
    assert.equal(resolveMessagingOptions({ topicHistory: { limit: 3 } }, env).topicHistory.limit, 3);
    assert.equal(resolveMessagingOptions({}, {}).topicHistory.limit, 1000, 'default 1000 messages per topic');
    assert.equal(resolveMessagingOptions({}, { TOPIC_HISTORY_LIMIT: '0' }).topicHistory.limit, 0, '0 turns the history off');
    assert.throws(() => resolveMessagingOptions({}, { TOPIC_HISTORY_LIMIT: 'lots' }), /TOPIC_HISTORY_LIMIT=lots/);
    assert.throws(() => resolveMessagingOptions({}, { MQ_API_QUEUE_LIMIT: '0' }), /MQ_API_QUEUE_LIMIT/);
  });

  test('with the history off, reads return nothing and say why', async () => {
    const off = await startBroker({ messaging: { topicHistory: { limit: 0 } } });
    try {
      await off.ok('createMqApiSession', { clientName: 'off-api' });
      await off.ok('publishMessagesToMq', { clientName: 'off-api', messages: [{ topic: 'off/x', payload: 'x' }] });
      const r = await off.act('getMessagesFromMqTopic', { topic: 'off/x' });
      assert.equal(r.errorCode, 0);
      assert.deepEqual((r.result as GetMessagesFromMqTopicResult).data, []);
      assert.match(JSON.stringify(r.debugInfo), /TOPIC_HISTORY_LIMIT=0/);
    } finally {
      await off.close();
    }
  });
});

describe('the ring, the arena and the stored rows agree with a model', () => {
  for (const startSeed of [7, 1234, 987654, 42, 31337]) test(`random payload sizes, topics and write points (seed ${startSeed}): reads equal the newest messages within both limits`, () => {
    const dir = tempDir('mqdash-history-model-');
    const store = new SqliteStore(path.join(dir, 'mqdash.db'));
    try {
      store.db.exec(messagingSchema);
      const o = { limit: 40, maxBytesPerTopic: 2500, maxTopics: 100, maxTotalBytes: 1e9, flushMs: 1e9 };
      let h = new TopicHistory(store.db, o, pino({ level: 'silent' }));
      h.load();
      let seed = startSeed;
      const rnd = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      const topics = ['m/a', 'm/b', 'm/c'];
      const published = new Map<string, Array<{ position: number; payload: Buffer; contentType?: string }>>(topics.map((t) => [t, []]));
      const expected = (topic: string) => {
        const all = published.get(topic)!.slice(-o.limit);
        const kept: typeof all = [];
        let bytes = 0;
        for (let i = all.length - 1; i >= 0 && bytes + all[i]!.payload.length <= o.maxBytesPerTopic; i--) {
          bytes += all[i]!.payload.length;
          kept.unshift(all[i]!);
        }
        return kept;
      };
      for (let step = 0; step < 3000; step++) {
        const topic = topics[rnd(3)]!;
        const list = published.get(topic)!;
        // Mostly small payloads, now and then a large one (over the per-topic cap included).
        const size = rnd(20) === 0 ? rnd(3000) : rnd(120);
        const payload = Buffer.alloc(size, step % 251);
        if (size >= 4) payload.writeUInt32LE(step, 0);
        const contentType = rnd(7) === 0 ? `type-${step}` : undefined;
        list.push({ position: list.length + 1, payload: Buffer.from(payload), contentType });
        h.record(topic, { cmd: 'publish', topic, payload, qos: step % 3, retain: false, ...(contentType ? { properties: { contentType } } : {}) },
          step % 5 === 0 ? 'model-ü' : 'model', 1_000_000 + step);
        // The publisher's buffer may be reused after the publish: the history must have copied it.
        payload.fill(0);
        if (rnd(60) === 0) h.flush();
        if (rnd(700) === 0) {
          // A restart: written at close, loaded again.
          h.close();
          h = new TopicHistory(store.db, o, pino({ level: 'silent' }));
          h.load();
        }
        if (rnd(150) === 0) {
          const t = topics[rnd(3)]!;
          const page = h.read(t, { startFrom: 'head', max: 1000 });
          const want = expected(t);
          assert.deepEqual(page.messages.map((m) => m.position), want.map((m) => m.position), `positions of ${t} at step ${step}`);
          assert.ok(page.messages.every((m, i) => m.payload.equals(want[i]!.payload)), `payloads of ${t} at step ${step}`);
          assert.deepEqual(page.messages.map((m) => (m.props ? JSON.parse(m.props).contentType : undefined)), want.map((m) => m.contentType), `properties of ${t}`);
          assert.ok(page.messages.every((m) => m.publisher === (m.ts % 5 === 0 ? 'model-ü' : 'model')), `publishers of ${t}`);
          assert.equal(page.storedMessages, want.length);
        }
      }
      for (const t of topics) {
        const want = expected(t);
        const tail = h.read(t, { max: 7 });
        assert.deepEqual(tail.messages.map((m) => m.position), want.slice(-7).map((m) => m.position), `tail of ${t}`);
        const mid = want[Math.floor(want.length / 2)];
        if (mid) {
          const fromPos = h.read(t, { startPosition: mid.position, max: 5 });
          assert.deepEqual(fromPos.messages.map((m) => m.position), want.filter((m) => m.position >= mid.position).slice(0, 5).map((m) => m.position));
        }
        const fromTime = h.read(t, { startTimestamp: 1_000_000 + 2000, max: 1000 });
        assert.ok(fromTime.messages.every((m) => m.ts >= 1_000_000 + 2000));
      }
      h.close();
    } finally {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
