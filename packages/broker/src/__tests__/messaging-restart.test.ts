/**
 * A restart on the same data folder: undelivered messages of a permanent MQ API session survive
 * (including ones published just before the close, still in the write-behind buffer), the
 * subscriptions are matched again at once, the backlog is reported, and the topic history keeps
 * its messages and continues its positions.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { TopicHistoryMessage as ReceivedMessage } from '@mqdash/contracts';
import { startBroker, tempDir, type TestBroker } from './helpers.ts';

const dataDir = tempDir('mqdash-messaging-restart-');
let tb: TestBroker | undefined;
after(async () => {
  await tb?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('undelivered messages of a permanent MQ API session and the topic history survive a restart', async () => {
  tb = await startBroker({ dataDir });
  await tb.ok('createMqApiSession', { clientName: 'rs-perm', temporarySession: false });
  await tb.ok('subscribeToMq', { clientName: 'rs-perm', subscriptionActions: [{ topicFilter: 'rs/#', qos: 1 }] });
  const pub = await tb.connect({ clientId: 'rs-pub', protocolVersion: 5 });
  for (let i = 1; i <= 5; i++) await pub.publishAsync('rs/a', `m${i}`, { qos: 1, properties: { contentType: 'text/plain' } });
  const first = await tb.ok('getMessagesFromMqApiSession', { clientName: 'rs-perm', maxMessages: 2 });
  assert.deepEqual(first.data.map((m: ReceivedMessage) => m.payload), ['m1', 'm2']);
  // Published right before the close: still in the write-behind buffer, written at close.
  await tb.ok('publishMessagesToMq', { clientName: 'rs-perm', messages: [{ topic: 'rs/b', payload: 'last before restart' }] });
  await tb.stop();

  tb = await startBroker({ dataDir });
  const d = await tb.describe('rs-perm');
  assert.equal(d.stats.currentDeliveryBacklogged, 4, 'the backlog is reported after the restart');
  const pub2 = await tb.connect({ clientId: 'rs-pub', protocolVersion: 5 });
  await pub2.publishAsync('rs/a', 'm6', { qos: 1 });
  const r = await tb.ok('getMessagesFromMqApiSession', { clientName: 'rs-perm', maxMessages: 100 });
  assert.deepEqual(r.data.map((m: ReceivedMessage) => m.payload), ['m3', 'm4', 'm5', 'last before restart', 'm6']);
  assert.equal(r.data[0].contentType, 'text/plain');
  assert.equal(r.remainingMessages, 0);

  const h = await tb.ok('getMessagesFromMqTopic', { topic: 'rs/a', startFrom: 'head' });
  assert.deepEqual(h.data.map((m: ReceivedMessage) => [m.position, m.payload]), [[1, 'm1'], [2, 'm2'], [3, 'm3'], [4, 'm4'], [5, 'm5'], [6, 'm6']]);
  await tb.stop();

  // A lower limit at the next start trims what is kept.
  tb = await startBroker({ dataDir, messaging: { topicHistory: { limit: 2 } } });
  const trimmed = await tb.ok('getMessagesFromMqTopic', { topic: 'rs/a', startFrom: 'head' });
  assert.deepEqual(trimmed.data.map((m: ReceivedMessage) => m.position), [5, 6]);
  assert.deepEqual((await tb.ok('getMessagesFromMqApiSession', { clientName: 'rs-perm' })).data, [], 'consumed messages stay consumed');
});
