/**
 * `POST /api/v5/publish` and `/publish/bulk` in EMQX 5's documented shapes and codes
 * (https://docs.emqx.com/en/cloud/latest/api/publish_v5.html; EMQX 5's emqx_mgmt_api_publish):
 * a real server, a real API key, real MQTT 5 and 3.1.1 subscribers, and the documented curl line
 * run with the real curl.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { MqttClient } from 'mqtt';
import { startEmqxServer, waitFor, type EmqxTestServer } from './emqx-helpers.ts';

const run = promisify(execFile);

describe('EMQX publish API', () => {
  let t: EmqxTestServer;
  let sub5: MqttClient;
  let sub4: MqttClient;
  const got5: Array<{ topic: string; text: string; packet: any }> = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  const got4: string[] = [];

  before(async () => {
    t = await startEmqxServer();
    sub5 = await t.connect('pub-sub-5');
    sub4 = await t.connect('pub-sub-4', { protocolVersion: 4 });
    await sub5.subscribeAsync('t/#', { qos: 1 });
    await sub4.subscribeAsync('t/#', { qos: 1 });
    sub5.on('message', (topic, payload, packet) => got5.push({ topic, text: payload.toString(), packet }));
    sub4.on('message', (_topic, payload) => got4.push(payload.toString()));
  });
  after(async () => {
    await t?.close();
  });

  test('the documented curl line: 200 {id}, and both subscribers get "Hello EMQX"', async () => {
    const line = `curl -u ${t.key.apiKey}:${t.key.apiSecret} -X POST -H 'Content-Type: application/json' -d '{"topic": "t/a","qos": 1,"payload": "Hello EMQX"}' ${t.api}/publish -sS -w '\\n%{http_code}'`;
    const { stdout } = await run('bash', ['-c', line], { timeout: 10_000 });
    const at = stdout.lastIndexOf('\n');
    assert.equal(stdout.slice(at + 1), '200');
    const body = JSON.parse(stdout.slice(0, at));
    assert.match(body.id, /^[0-9A-F]{32}$/, 'a 32-hex-digit message id, as EMQX writes it');
    await waitFor(() => got5.some((m) => m.text === 'Hello EMQX') && got4.includes('Hello EMQX'), 'both subscribers');
  });

  test('no subscriber: 202 {reason_code: 16, message: "no_matching_subscribers"}; a retained message is kept all the same', async () => {
    const r = await t.post('/publish', { topic: 'nobody/listens', payload: 'kept', retain: true, qos: 1 }).expect(202);
    assert.deepEqual(r.body, { reason_code: 16, message: 'no_matching_subscribers' });
    const late = await t.connect('pub-late');
    const retained = new Promise<string>((resolve) => late.once('message', (_tp, p) => resolve(p.toString())));
    await late.subscribeAsync('nobody/listens', { qos: 1 });
    assert.equal(await retained, 'kept');
  });

  test('payload_encoding base64 and MQTT 5 properties reach an MQTT 5 subscriber', async () => {
    const from = got5.length;
    await t.post('/publish', {
      topic: 't/props', payload: Buffer.from([0xde, 0xad, 0xbe, 0xef]).toString('base64'), payload_encoding: 'base64', qos: 1,
      properties: { payload_format_indicator: 0, message_expiry_interval: 60, response_topic: 'reply/here', correlation_data: 'req-7', user_properties: { foo: 'bar' }, content_type: 'application/octet-stream' },
    }).expect(200);
    await waitFor(() => got5.length > from, 'the message');
    const m = got5[from]!;
    assert.deepEqual([...m.packet.payload], [0xde, 0xad, 0xbe, 0xef]);
    const p = m.packet.properties;
    assert.equal(p.contentType, 'application/octet-stream');
    assert.equal(p.responseTopic, 'reply/here');
    assert.equal(Buffer.from(p.correlationData).toString(), 'req-7');
    assert.deepEqual({ ...p.userProperties }, { foo: 'bar' });
    assert.ok(p.messageExpiryInterval > 0 && p.messageExpiryInterval <= 60);
  });

  test('an MQ API session subscribed to the topic counts as a subscriber and gets the message', async () => {
    await t.ok('createMqApiSession', { clientName: 'pub-api' });
    await t.ok('subscribeToMq', { clientName: 'pub-api', subscriptionActions: [{ subscriptionAction: 'add', topicFilter: 'api/only' }] });
    await t.post('/publish', { topic: 'api/only', payload: 'to the queue' }).expect(200);
    const r = await t.ok('getMessagesFromMqApiSession', { clientName: 'pub-api' });
    assert.deepEqual(r.data.map((m: { payload: string }) => m.payload), ['to the queue']);
  });

  test('bad input: 400 topic_name_invalid (144), bad base64 (131), BAD_REQUEST naming the field; nothing published', async () => {
    const from = got5.length;
    assert.deepEqual((await t.post('/publish', { topic: 't/#', payload: 'x' }).expect(400)).body, { reason_code: 144, message: 'topic_name_invalid' });
    assert.deepEqual((await t.post('/publish', { topic: '$SYS/mqdash/events', payload: 'x' }).expect(400)).body, { reason_code: 144, message: 'topic_name_invalid' });
    assert.equal((await t.post('/publish', { topic: 't/a', payload: 'not base64!', payload_encoding: 'base64' }).expect(400)).body.reason_code, 131);
    const missing = await t.post('/publish', { topic: 't/a' }).expect(400);
    assert.equal(missing.body.code, 'BAD_REQUEST');
    assert.match(missing.body.message, /payload/);
    assert.match((await t.post('/publish', { topic: 't/a', payload: 'x', qos: 3 }).expect(400)).body.message, /qos/);
    // A round trip proves none of them would have arrived by now.
    await t.post('/publish', { topic: 't/after-bad', payload: 'marker', qos: 1 }).expect(200);
    await waitFor(() => got5.some((m) => m.topic === 't/after-bad'), 'the marker');
    assert.deepEqual(got5.slice(from).map((m) => m.topic), ['t/after-bad']);
  });

  test('bulk: the list of answers; 200 when every message was delivered, 202 when one had no subscriber', async () => {
    const all = await t.post('/publish/bulk', [{ topic: 't/b1', payload: 'one', qos: 1 }, { topic: 't/b2', payload: 'two' }]).expect(200);
    assert.equal(all.body.length, 2);
    assert.ok(all.body.every((x: { id: string }) => /^[0-9A-F]{32}$/.test(x.id)));
    const some = await t.post('/publish/bulk', [{ topic: 't/b3', payload: 'three' }, { topic: 'nobody/b4', payload: 'four' }]).expect(202);
    assert.match(some.body[0].id, /^[0-9A-F]{32}$/);
    assert.deepEqual(some.body[1], { reason_code: 16, message: 'no_matching_subscribers' });
    await waitFor(() => ['one', 'two', 'three'].every((x) => got4.includes(x)), 'the bulk messages at the 3.1.1 subscriber');
  });

  test('bulk: one bad message refuses the whole batch with 400, publishing none; an empty batch is refused', async () => {
    const from = got4.length;
    const r = await t.post('/publish/bulk', [{ topic: 't/ok', payload: 'fine' }, { topic: 't/+', payload: 'bad' }]).expect(400);
    assert.deepEqual(r.body, { reason_code: 144, message: 'topic_name_invalid' });
    assert.equal((await t.post('/publish/bulk', []).expect(400)).body.code, 'BAD_REQUEST');
    assert.equal((await t.post('/publish/bulk', { topic: 't/a', payload: 'x' }).expect(400)).body.code, 'BAD_REQUEST', 'bulk takes a list');
    await t.post('/publish', { topic: 't/after-bulk', payload: 'marker', qos: 1 }).expect(200);
    await waitFor(() => got4.includes('marker'), 'the marker');
    assert.deepEqual(got4.slice(from).filter((x) => x !== 'marker'), [], 'nothing of the refused batch');
  });

  test('without API key credentials: 401 BAD_API_KEY_OR_SECRET', async () => {
    const r = await fetch(`${t.api}/publish`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ topic: 't/a', payload: 'x' }) });
    assert.equal(r.status, 401);
    assert.equal(((await r.json()) as { code: string }).code, 'BAD_API_KEY_OR_SECRET');
  });
});
