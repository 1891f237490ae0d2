/**
 * getMessagesFromMqApiSession: FairCom's documented request forms, sent as JSON to a real broker;
 * the messages come from a real MQTT client.
 * Page: https://docs.faircom.com/docs/en/UUID-3da1bbdc-5826-918d-94c5-055b1a9db8a4.html
 * (clientName, maxMessages, binaryFormat, topic; shared topics starting with $share/). The stored
 * copy of the page ends before its request examples, so these requests use the properties its text
 * documents.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, waitFor, type TestBroker, type TestClient } from '../helpers.ts';
import { assertRefused, assertSucceeded, send } from './faircom-helpers.ts';

let tb: TestBroker;
let pub: TestClient;

before(async () => {
  tb = await startBroker();
  await tb.ok('createMqApiSession', { clientName: 'reader' });
  await tb.ok('subscribeToMq', { clientName: 'reader', subscriptionActions: [{ subscriptionAction: 'add', topicFilter: 'site/#' }] });
  pub = await tb.connect({ clientId: 'site-pub', protocolVersion: 5 });
});
after(async () => {
  await tb?.close();
});

const queued = async (n: number) =>
  waitFor(async () => (await tb.describe('reader')).stats.currentDeliveryBacklogged === n, 3000, `${n} messages queued for reader`);

const request = (params: Record<string, unknown>) => ({
  api: 'mq', action: 'getMessagesFromMqApiSession', params: { clientName: 'reader', ...params }, authToken: 'replaceWithAuthTokenFromCreateSession',
});

test('clientName and maxMessages: the next messages, oldest first; each call continues where the last ended', async () => {
  for (let i = 1; i <= 3; i++) await pub.publishAsync('site/a', `m${i}`, { qos: 1 });
  await queued(3);
  const first = request({ maxMessages: 2 });
  const r1 = await send(tb, first);
  assertSucceeded(r1, first);
  assert.deepEqual(r1.result.data.map((m: { payload: string }) => m.payload), ['m1', 'm2']);
  for (const m of r1.result.data) {
    assert.equal(m.topic, 'site/a');
    assert.equal(m.binaryFormat, 'utf8');
    assert.match(m.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'ISO 8601 in UTC with Z');
  }
  const r2 = await send(tb, request({}));
  assert.deepEqual(r2.result.data.map((m: { payload: string }) => m.payload), ['m3']);
  assert.equal(r2.result.remainingMessages, 0);
});

test('topic narrows the read: only that topic\'s messages are returned and consumed; the others stay in order', async () => {
  await pub.publishAsync('site/a', 'a1', { qos: 1 });
  await pub.publishAsync('site/b', 'b1', { qos: 1 });
  await pub.publishAsync('site/a', 'a2', { qos: 1 });
  await pub.publishAsync('site/b', 'b2', { qos: 1 });
  await queued(4);
  const example = request({ topic: 'site/a', maxMessages: 100, binaryFormat: 'utf8' });
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assert.deepEqual(r.result.data.map((m: { topic: string; payload: string }) => `${m.topic} ${m.payload}`), ['site/a a1', 'site/a a2']);
  assert.equal(r.result.remainingMessages, 2);
  const rest = await send(tb, request({}));
  assert.deepEqual(rest.result.data.map((m: { payload: string }) => m.payload), ['b1', 'b2']);
});

test('binaryFormat: "HEX" and "JSON" (any letter case)', async () => {
  await pub.publishAsync('site/json', JSON.stringify({ v: 1 }), { qos: 1 });
  await queued(1);
  const r = await send(tb, request({ binaryFormat: 'HEX', maxMessages: 1 }));
  assert.equal(r.errorCode, 0, r.errorMessage);
  assert.equal(r.result.data[0].payload, Buffer.from('{"v":1}').toString('hex'));
  assert.equal(r.result.data[0].binaryFormat, 'hex');
  await pub.publishAsync('site/json', JSON.stringify({ v: 2 }), { qos: 1 });
  await queued(1);
  const j = await send(tb, request({ binaryFormat: 'JSON' }));
  assert.deepEqual(j.result.data[0].payload, { v: 2 });
});

test('an MQTT session or an unknown one is refused (the action is for MQ API sessions)', async () => {
  assertRefused(await send(tb, { ...request({}), params: { clientName: 'site-pub' } }), 14003, 'params.clientName');
  assertRefused(await send(tb, { ...request({}), params: { clientName: 'nobody' } }), 14006, 'params.clientName');
});
