/**
 * describeMqSessions: FairCom's documented request examples (the same as seed 001's, which
 * actions-seed-examples.test.ts checks property by property), sent as JSON to a real broker, and
 * FairCom's subscribedTopics[].topics: the topics published under a filter since it was subscribed.
 * Page: https://docs.faircom.com/docs/en/UUID-5871e2cf-c005-eaff-e32a-6c97728599e1.html
 * subscribedTopics[].topics as FairCom's system topic shows it:
 * https://documentation.faircom.com/en_US/concepts/mqtt-system-topics
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SUBSCRIBED_TOPIC_TOPICS } from '@mqdash/contracts';
import { startBroker, waitFor, type TestBroker, type TestClient } from '../helpers.ts';
import { assertSucceeded, send } from './faircom-helpers.ts';

let tb: TestBroker;
let device: TestClient;
before(async () => {
  tb = await startBroker();
  device = await tb.connect({ clientId: 'myClientIdentifier', protocolVersion: 4, clean: false });
});
after(async () => {
  await tb?.close();
});

test('Minimal and Maximal: the response example\'s shape', async () => {
  const minimal = { api: 'mq', action: 'describeMqSessions', params: { clientNames: ['myClientIdentifier'] }, authToken: 'replaceWithAuthTokenFromCreateSession' };
  const r = await send(tb, minimal);
  assertSucceeded(r, minimal);
  const d = r.result.data[0];
  for (const k of ['clientName', 'sessionStatus', 'connectionStatus', 'sessionType', 'defaultBinaryFormat', 'mqttProtocol', 'ipaddress'])
    assert.equal(typeof d[k], 'string', k);
  for (const k of ['port', 'keepAliveSeconds', 'subscriberCount']) assert.equal(typeof d[k], 'number', k);
  const maximal = {
    api: 'mq', action: 'describeMqSessions',
    params: { clientNames: ['a unique MQTT or MQ API client name'], includeSubscribedTopics: true, includePublishedTopics: true, includeStats: true },
    apiVersion: '1.0', debug: 'max', requestId: 'optionalUniqueRequestIdFromTheClient', authToken: 'replaceWithAuthTokenFromCreateSession',
  };
  const m = await send(tb, maximal, { 'a unique MQTT or MQ API client name': 'myClientIdentifier' });
  assertSucceeded(m, maximal);
  for (const k of ['stats', 'subscribedTopics', 'publishedTopics']) assert.ok(k in m.result.data[0], k);
});

test('subscribedTopics[].topics: what was published under the filter since it was subscribed, not before, capped', async () => {
  const pub = await tb.connect({ clientId: 'topics-pub', protocolVersion: 5 });
  await pub.publishAsync('plant/old', 'before', { qos: 1 });
  const before = Date.now();
  await waitFor(() => Date.now() > before, 1000, 'the clock past the earlier message');
  await device.subscribeAsync('plant/#', { qos: 1 });
  for (const t of ['plant/a', 'plant/b/c', 'other/x']) await pub.publishAsync(t, 'after', { qos: 1 });
  const item = async () => (await tb.describe('myClientIdentifier')).subscribedTopics.find((s: { topicFilter: string }) => s.topicFilter === 'plant/#');
  await waitFor(async () => (await item()).topics.length === 2, 3000, 'two topics under plant/#');
  assert.deepEqual((await item()).topics, [{ topic: 'plant/a' }, { topic: 'plant/b/c' }]);
  for (let i = 0; i < MAX_SUBSCRIBED_TOPIC_TOPICS + 5; i++) await pub.publishAsync(`plant/many/${String(i).padStart(3, '0')}`, 'x', { qos: 0 });
  await pub.publishAsync('plant/z', 'last', { qos: 1 });
  await waitFor(async () => (await item()).topics.length === MAX_SUBSCRIBED_TOPIC_TOPICS, 3000, 'the cap');
});
