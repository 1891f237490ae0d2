/**
 * getMessagesFromMqTopic: FairCom's documented request forms, sent as JSON to a real broker; the
 * messages come from a real MQTT client.
 * Page: https://docs.faircom.com/docs/en/UUID-303448d0-c296-f024-d7de-fc9698b1097d.html
 * (topic or tableName/databaseName/ownerName; startFrom "tail" (default), "head", an ISO 8601 time
 * such as "2024-07-11T21:18:01.000" (a missing time is midnight), or an integer position such as
 * 52233; maxMessages; binaryFormat). The stored copy of the page ends before its request examples,
 * so these requests use the forms its text documents.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, waitFor, type TestBroker } from '../helpers.ts';
import { assertRefused, assertSucceeded, send, type Res } from './faircom-helpers.ts';

let tb: TestBroker;
let before2Published: string;

const request = (params: Record<string, unknown>) => ({
  api: 'mq', action: 'getMessagesFromMqTopic', params: { topic: 'plant/line1/temperature', ...params }, authToken: 'replaceWithAuthTokenFromCreateSession',
});
const payloads = (r: Res) => (r.result.data as Array<{ payload: unknown }>).map((m) => m.payload);

before(async () => {
  tb = await startBroker();
  const pub = await tb.connect({ clientId: 'line1', protocolVersion: 5 });
  for (let i = 1; i <= 3; i++) await pub.publishAsync('plant/line1/temperature', `t${i}`, { qos: 1 });
  // A time between the third and the fourth message, written without a zone (read as UTC).
  await waitFor(async () => (await tb.ok('getMessagesFromMqTopic', { topic: 'plant/line1/temperature' })).data.length === 3, 3000, 'three kept');
  const third = (await tb.ok('getMessagesFromMqTopic', { topic: 'plant/line1/temperature' })).data[2].timestamp as string;
  await waitFor(() => Date.now() > Date.parse(third) + 5, 1000, 'the clock past the third message');
  before2Published = new Date(Date.now()).toISOString().replace('Z', '');
  await waitFor(() => Date.now() > Date.parse(`${before2Published}Z`), 1000, 'the clock past the boundary');
  for (let i = 4; i <= 5; i++) await pub.publishAsync('plant/line1/temperature', `t${i}`, { qos: 1 });
  await waitFor(async () => (await tb.ok('getMessagesFromMqTopic', { topic: 'plant/line1/temperature' })).data.length === 5, 3000, 'five kept');
});
after(async () => {
  await tb?.close();
});

test('topic alone: the newest messages ("tail" is the default), with positions', async () => {
  const example = request({ maxMessages: 2 });
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assert.deepEqual(payloads(r), ['t4', 't5']);
  assert.deepEqual(r.result.data.map((m: { position: number }) => m.position), [4, 5]);
});

test('startFrom "head" (and "HEAD"), "tail"', async () => {
  assert.deepEqual(payloads(await send(tb, request({ startFrom: 'head', maxMessages: 2 }))), ['t1', 't2']);
  assert.deepEqual(payloads(await send(tb, request({ startFrom: 'HEAD', maxMessages: 1 }))), ['t1']);
  assert.deepEqual(payloads(await send(tb, request({ startFrom: 'tail', maxMessages: 1 }))), ['t5']);
});

test('startFrom an ISO 8601 time without a zone (UTC) and a date alone (its midnight)', async () => {
  const r = await send(tb, request({ startFrom: before2Published }));
  assert.equal(r.errorCode, 0, r.errorMessage);
  assert.deepEqual(payloads(r), ['t4', 't5']);
  const today = new Date().toISOString().slice(0, 10);
  assert.deepEqual(payloads(await send(tb, request({ startFrom: today }))), ['t1', 't2', 't3', 't4', 't5']);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  assert.deepEqual(payloads(await send(tb, request({ startFrom: tomorrow }))), []);
});

test('startFrom an integer position (a number, or digits in a string)', async () => {
  assert.deepEqual(payloads(await send(tb, request({ startFrom: 3 }))), ['t3', 't4', 't5']);
  assert.deepEqual(payloads(await send(tb, request({ startFrom: '4', maxMessages: 1 }))), ['t4']);
  assertRefused(await send(tb, request({ startFrom: 'yesterday' })), 14003, 'params.startFrom');
  assertRefused(await send(tb, request({ startFrom: -1 })), 14003, 'params.startFrom');
});

test('the tableName / databaseName / ownerName form is answered with an error naming topic', async () => {
  const example = { api: 'mq', action: 'getMessagesFromMqTopic', params: { tableName: 'mqtt_msg_topic1', databaseName: 'faircom', ownerName: 'admin' }, authToken: 'replaceWithAuthTokenFromCreateSession' };
  const r = await send(tb, example);
  assertRefused(r, 14016, 'params.tableName');
  assert.match(r.errorMessage, /"topic"/);
  assertRefused(await send(tb, { ...example, params: {} }), 14001, 'params.topic');
});
