/**
 * publishMessagesToMq: FairCom's documented request examples, sent as JSON to a real broker,
 * received by real MQTT 5 and 3.1.1 subscribers (mqtt.js).
 * Page: https://docs.faircom.com/docs/en/UUID-564702ee-74eb-5b25-5f84-df4235556b7c.html
 * Older copy (its spellings are aliases): https://faircom.helpjuice.com/en_US/event-streaming-api-actions/publishmessagestomq
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { collect, startBroker, waitFor, type TestBroker, type TestClient } from '../helpers.ts';
import { assertRefused, assertSucceeded, send } from './faircom-helpers.ts';

let tb: TestBroker;
let v5: TestClient;
let v4: TestClient;
let got5: ReturnType<typeof collect>;
let got4: ReturnType<typeof collect>;

before(async () => {
  tb = await startBroker();
  await tb.ok('createMqApiSession', { clientName: 'client1' });
  v5 = await tb.connect({ clientId: 'fc-sub-5', protocolVersion: 5 });
  v4 = await tb.connect({ clientId: 'fc-sub-4', protocolVersion: 4 });
  await v5.subscribeAsync('test/#', { qos: 1 });
  await v4.subscribeAsync('test/#', { qos: 1 });
  got5 = collect(v5);
  got4 = collect(v4);
});
after(async () => {
  await tb?.close();
});

/** Waits until both subscribers have `n` more messages than `from`, and returns the MQTT 5 ones. */
async function arrived(from: number, n: number) {
  await waitFor(() => got5.length >= from + n && got4.length >= from + n, 3000, `${n} messages at both subscribers`);
  return got5.slice(from, from + n);
}

describe('FairCom request examples', () => {
  test('Minimal: params.topic is every message\'s topic; utf8 text carries Payload Format Indicator 1', async () => {
    const example = {
      api: 'mq',
      action: 'publishMessagesToMq',
      params: { clientName: 'client1', topic: 'test/topic1', messages: [{ payload: 'This is the message payload for the minimal example.' }] },
      authToken: 'replaceWithAuthTokenFromCreateSession',
    };
    const from = got5.length;
    const r = await send(tb, example);
    assertSucceeded(r, example, 'Minimal');
    assert.deepEqual(r.result, { clientName: 'client1', published: 1 });
    const [m] = await arrived(from, 1);
    assert.equal(m!.topic, 'test/topic1');
    assert.equal(m!.text, 'This is the message payload for the minimal example.');
    assert.equal(m!.packet.properties?.payloadFormatIndicator, true, 'MQTT 5 Payload Format Indicator 1');
    assert.equal(got4[from]!.text, 'This is the message payload for the minimal example.', 'an MQTT 3.1.1 subscriber gets it too');
  });

  test('Minimal of the older copy (no api, a short text payload)', async () => {
    const example = {
      action: 'publishMessagesToMq',
      params: { clientName: 'client1', topic: 'test/topic1', messages: [{ payload: 'A143C2F' }] },
      authToken: 'replaceWithAuthTokenFromCreateSession',
    };
    const from = got5.length;
    assertSucceeded(await send(tb, example), example);
    const [m] = await arrived(from, 1);
    assert.equal(m!.text, 'A143C2F');
  });

  /**
   * The page's Typical example: three utf8 messages. The current page writes `binaryFormat`, the
   * older copy `mqttPayloadType`; both are sent.
   */
  const typical = (formatKey: 'binaryFormat' | 'mqttPayloadType') => ({
    api: 'mq',
    action: 'publishMessagesToMq',
    params: {
      clientName: 'client1',
      topic: 'test/topic1',
      messages: ['first', 'second', 'third'].map((n) => ({ payload: `This is the ${n} message payload for the typical example.`, [formatKey]: 'utf8' })),
    },
    authToken: 'replaceWithAuthTokenFromCreateSession',
  });

  for (const formatKey of ['binaryFormat', 'mqttPayloadType'] as const) {
    test(`Typical with ${formatKey} "utf8": three messages in order, each with Payload Format Indicator 1`, async () => {
      const example = typical(formatKey);
      const from = got5.length;
      const r = await send(tb, example);
      assertSucceeded(r, example, 'Typical');
      assert.equal(r.result.published, 3);
      assert.equal(r.debugInfo, undefined, 'no warning: both spellings are known');
      const ms = await arrived(from, 3);
      assert.deepEqual(ms.map((m) => m.text), example.params.messages.map((m) => m.payload));
      assert.ok(ms.every((m) => m.packet.properties?.payloadFormatIndicator === true));
    });
  }

  /**
   * The page's Maximal example: one message with every MQTT 5 property. The current page's payload
   * is utf8 text, the older copy's the hex bytes DEADBEEF; one version of the current page also has
   * sourcePayloadFormat beside params.
   */
  const maximal = (payload: Record<string, unknown>, extraParams: Record<string, unknown> = {}) => ({
    apiVersion: '1.0',
    api: 'mq',
    action: 'publishMessagesToMq',
    params: {
      clientName: 'client1',
      topic: 'test/topic1',
      ...extraParams,
      messages: [{
        ...payload,
        contentType: 'IanaMediaType or a CustomType',
        correlationData: 'any JSON value up to 65500 bytes',
        expirySeconds: 60,
        retain: true,
        responseTopic: 'topic/name/for/subscriber/to/respond/to',
        userProperties: [{ key: 'some key', value: 'some value' }],
      }],
    },
    authToken: 'replaceWithAuthTokenFromCreateSession',
    requestId: '3',
    debug: 'max',
  });
  const maximalText = 'This is the message payload for the maximal example.';

  test('Maximal: every MQTT 5 property arrives; retain keeps the message', async () => {
    const example = maximal({ payload: maximalText, binaryFormat: 'utf8' });
    const from = got5.length;
    const r = await send(tb, example);
    assertSucceeded(r, example, 'Maximal');
    assert.equal(r.requestId, '3');
    const [m] = await arrived(from, 1);
    const p = m!.packet.properties!;
    assert.equal(p.contentType, 'IanaMediaType or a CustomType');
    assert.equal(Buffer.from(p.correlationData!).toString('utf8'), 'any JSON value up to 65500 bytes');
    assert.ok(p.messageExpiryInterval! <= 60 && p.messageExpiryInterval! > 0);
    assert.equal(p.responseTopic, 'topic/name/for/subscriber/to/respond/to');
    assert.deepEqual({ ...p.userProperties }, { 'some key': 'some value' });
    assert.equal(p.payloadFormatIndicator, true);
    // A new subscriber gets the retained message.
    const late = await tb.connect({ clientId: 'fc-late', protocolVersion: 5 });
    const gotLate = collect(late);
    await late.subscribeAsync('test/topic1', { qos: 1 });
    await waitFor(() => gotLate.length >= 1, 3000, 'the retained message');
    assert.equal(gotLate[0]!.text, maximalText);
    assert.equal(gotLate[0]!.packet.retain, true);
    await late.endAsync();
  });

  test('Maximal with sourcePayloadFormat (one version of the page): published, the unknown property named in a warning', async () => {
    const example = maximal({ payload: maximalText, binaryFormat: 'utf8' }, { sourcePayloadFormat: 'binary' });
    const from = got5.length;
    const r = await send(tb, example);
    assertSucceeded(r, example);
    assert.ok(r.debugInfo!.warnings!.some((w) => w.code === 14015 && w.message.includes('params.sourcePayloadFormat')));
    await arrived(from, 1);
  });

  test('Maximal of the older copy: hex payload DEADBEEF arrives as four bytes, without a Payload Format Indicator', async () => {
    const example = maximal({ payload: 'DEADBEEF', binaryFormat: 'hex' });
    const from = got5.length;
    assertSucceeded(await send(tb, example), example);
    const [m] = await arrived(from, 1);
    assert.deepEqual([...m!.packet.payload as Buffer], [0xde, 0xad, 0xbe, 0xef]);
    assert.equal(m!.packet.properties?.payloadFormatIndicator, undefined, 'binary: no indicator');
  });
});

describe('the documented property forms', () => {
  test('binaryFormat is case-insensitive and "JSON" publishes a JSON value as its text, indicator 1', async () => {
    const from = got5.length;
    await tb.ok('publishMessagesToMq', { clientName: 'client1', topic: 'test/json', messages: [{ payload: { t: 21.5, ok: true }, binaryFormat: 'JSON' }] });
    const [m] = await arrived(from, 1);
    assert.deepEqual(JSON.parse(m!.text), { t: 21.5, ok: true });
    assert.equal(m!.packet.properties?.payloadFormatIndicator, true);
  });

  test('correlationData takes any JSON value: a non-string arrives as its JSON text', async () => {
    const from = got5.length;
    await tb.ok('publishMessagesToMq', { clientName: 'client1', topic: 'test/corr', messages: [{ payload: 'x', correlationData: { requestNo: 7, path: ['a'] } }] });
    const [m] = await arrived(from, 1);
    assert.deepEqual(JSON.parse(Buffer.from(m!.packet.properties!.correlationData!).toString('utf8')), { requestNo: 7, path: ['a'] });
  });

  test('a message\'s own topic overrides params.topic (mqdash extension); one of them is required', async () => {
    const from = got5.length;
    await tb.ok('publishMessagesToMq', { clientName: 'client1', topic: 'test/default', messages: [{ payload: 'a' }, { payload: 'b', topic: 'test/override' }] });
    const ms = await arrived(from, 2);
    assert.deepEqual(ms.map((m) => m.topic), ['test/default', 'test/override']);
    assertRefused(await tb.act('publishMessagesToMq', { clientName: 'client1', messages: [{ payload: 'a' }] }), 14001, 'params.messages[0].topic');
    assertRefused(await tb.act('publishMessagesToMq', { clientName: 'client1', topic: 'test/#', messages: [{ payload: 'a' }] }), 14003, 'params.topic');
  });

  test('payloadFormatIndicator "none" sends text with indicator 0; an unknown property inside a message is a warning', async () => {
    const from = got5.length;
    const r = await tb.act('publishMessagesToMq', { clientName: 'client1', topic: 'test/plain', messages: [{ payload: 'x', payloadFormatIndicator: 'none', colour: 'red' }] });
    assert.equal(r.errorCode, 0, r.errorMessage);
    assert.ok(r.debugInfo?.warnings?.some((w) => w.message.includes('params.messages[0].colour')), JSON.stringify(r.debugInfo));
    const [m] = await arrived(from, 1);
    assert.equal(m!.packet.properties?.payloadFormatIndicator, false, 'indicator 0, as asked');
  });

  test('mqttPayloadType naming content (jpeg) is refused with the binaryFormat to use; a disagreeing pair is refused', async () => {
    const r = await tb.act('publishMessagesToMq', { clientName: 'client1', topic: 'test/x', messages: [{ payload: 'ffd8', mqttPayloadType: 'jpeg' }] });
    assertRefused(r, 14016, 'params.messages[0].mqttPayloadType');
    assert.match(r.errorMessage, /binaryFormat/);
    assertRefused(await tb.act('publishMessagesToMq', { clientName: 'client1', topic: 'test/x', messages: [{ payload: 'a', binaryFormat: 'utf8', mqttPayloadType: 'json' }] }), 14004, 'params.messages[0].mqttPayloadType');
  });
});
