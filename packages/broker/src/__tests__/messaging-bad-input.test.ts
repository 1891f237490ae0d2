/**
 * Bad input to the messaging actions (DESIGN §4): a non-zero errorCode from the table, an
 * errorMessage and errorData.property naming the property, and nothing changed — no message
 * delivered to MQTT or MQ API subscribers, nothing kept in the topic history, no session's
 * totals, backlog or status moved.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, type ReceivedMessage, type ResponseEnvelope, type SessionDetail } from '@mqdash/contracts';
import { collect, roundTrip, startBroker, waitFor, type TestBroker, type TestClient } from './helpers.ts';

const PUB = 'bad-pub';
const READER = 'bad-reader';
const BANNED = 'bad-banned';
const MQTT = 'bad-mqtt';
const knownCodes = new Set<number>(Object.values(ErrorCode));

let tb: TestBroker;
let mqtt: TestClient;
let received: ReturnType<typeof collect>;

before(async () => {
  tb = await startBroker({ mqtt: { maximumPacketSize: 4096 } });
  await tb.ok('createMqApiSession', { clientName: PUB });
  await tb.ok('createMqApiSession', { clientName: READER });
  await tb.ok('subscribeToMq', { clientName: READER, subscriptionActions: [{ topicFilter: 'bad/#', qos: 1 }] });
  await tb.ok('createMqApiSession', { clientName: BANNED });
  await tb.ok('subscribeToMq', { clientName: BANNED, subscriptionActions: [{ topicFilter: 'bad/#', qos: 1 }] });
  await tb.ok('alterMqSession', { clientName: BANNED, sessionStatus: 'banned' });
  mqtt = await tb.connect({ clientId: MQTT, protocolVersion: 5 });
  received = collect(mqtt);
  await mqtt.subscribeAsync('bad/#', { qos: 1 });
  // One message each, so there is a queue and a history that a bad request must leave alone.
  await tb.ok('publishMessagesToMq', { clientName: PUB, messages: [{ topic: 'bad/kept', payload: 'kept' }] });
  // Delivered before the first refusal counts what arrives (the broker writes it a loop turn later).
  await waitFor(() => received.some((m) => m.topic === 'bad/kept'), 3000, 'bad/kept delivered');
});
after(async () => {
  await tb?.close();
});

async function snapshot() {
  const { messaging } = tb.broker.core;
  // Backlogs are reported when the write-behind batch is written (every 25 ms): write it now.
  messaging.queues.flush();
  const d = await tb.ok('describeMqSessions', { clientNames: [PUB, READER, BANNED, MQTT], includeStats: true });
  return {
    // The MQTT session's own counters move with the round trips below; its status must not.
    sessions: d.data.map((s: SessionDetail) => (s.clientName === MQTT ? { clientName: s.clientName, sessionStatus: s.sessionStatus } : {
      clientName: s.clientName, sessionStatus: s.sessionStatus, connectionStatus: s.connectionStatus, published: s.stats?.totalMessagesPublished,
      received: s.stats?.totalMessagesReceived, backlog: s.stats?.currentDeliveryBacklogged, publishedTopics: s.publishedTopics,
    })),
    queues: [READER, BANNED].map((n) => messaging.queues.length(n)),
    history: (await tb.ok('getMessagesFromMqTopic', { topic: 'bad/kept', startFrom: 'head' })).storedMessages,
    audit: tb.broker.store.recentAudit(1000).filter((e) => e.action !== 'publishMessagesToMq').length,
  };
}

/** Runs the request, checks the refusal and that nothing changed; returns the response. */
async function refused(action: string, params: unknown, errorCode: number, property: string): Promise<ResponseEnvelope> {
  const before = await snapshot();
  const delivered = () => received.filter((m) => m.topic.startsWith('bad/')).length;
  const seen = delivered();
  const r = await tb.broker.actions.run({ action, params, authToken: tb.token });
  assert.equal(r.errorCode, errorCode, `expected ${errorCode}, got ${JSON.stringify(r).slice(0, 400)}`);
  assert.ok(knownCodes.has(r.errorCode), `${r.errorCode} is in the error table`);
  assert.deepEqual(r.result, {});
  assert.equal(r.errorData?.property, property, `errorData.property of: ${r.errorMessage}`);
  assert.ok(r.errorMessage.includes(property), `errorMessage names ${property}: ${r.errorMessage.slice(0, 300)}`);
  // A round trip proves any message the bad request had published would have arrived by now.
  await roundTrip(mqtt);
  assert.equal(delivered(), seen, 'no message was delivered');
  assert.deepEqual(await snapshot(), before, 'a refused request changed something');
  return r;
}

const msg = (over: Record<string, unknown> = {}) => ({ topic: 'bad/t', payload: 'p', ...over });
const one = (over: Record<string, unknown>) => ({ clientName: PUB, messages: [msg(over)] });

describe('publishMessagesToMq', () => {
  test('the publishing session: missing, wrong type, unknown, banned', async () => {
    await refused('publishMessagesToMq', { messages: [msg()] }, ErrorCode.missingProperty, 'params.clientName');
    await refused('publishMessagesToMq', { clientName: 42, messages: [msg()] }, ErrorCode.wrongType, 'params.clientName');
    await refused('publishMessagesToMq', { clientName: 'no-such-session', messages: [msg()] }, ErrorCode.unknownSession, 'params.clientName');
    const r = await refused('publishMessagesToMq', { clientName: BANNED, messages: [msg()] }, ErrorCode.sessionBanned, 'params.clientName');
    assert.match(r.errorMessage, /banned/);
  });

  test('messages: missing, not an array, empty, over 1000', async () => {
    await refused('publishMessagesToMq', { clientName: PUB }, ErrorCode.missingProperty, 'params.messages');
    await refused('publishMessagesToMq', { clientName: PUB, messages: msg() }, ErrorCode.wrongType, 'params.messages');
    await refused('publishMessagesToMq', { clientName: PUB, messages: [] }, ErrorCode.outOfLimits, 'params.messages');
    await refused('publishMessagesToMq', { clientName: PUB, messages: Array.from({ length: 1001 }, () => msg()) }, ErrorCode.outOfLimits, 'params.messages');
  });

  test('topic: missing, wildcards, empty, wrong type', async () => {
    await refused('publishMessagesToMq', { clientName: PUB, messages: [{ payload: 'p' }] }, ErrorCode.missingProperty, 'params.messages[0].topic');
    const wild = await refused('publishMessagesToMq', one({ topic: 'bad/+/x' }), ErrorCode.outOfLimits, 'params.messages[0].topic');
    assert.match(wild.errorMessage, /wildcard/);
    await refused('publishMessagesToMq', one({ topic: 'bad/#' }), ErrorCode.outOfLimits, 'params.messages[0].topic');
    await refused('publishMessagesToMq', one({ topic: '' }), ErrorCode.outOfLimits, 'params.messages[0].topic');
    await refused('publishMessagesToMq', one({ topic: 7 }), ErrorCode.wrongType, 'params.messages[0].topic');
  });

  test('a bad message after good ones: none is published', async () => {
    await refused('publishMessagesToMq', { clientName: PUB, messages: [msg(), msg(), msg({ topic: 'bad/#' })] }, ErrorCode.outOfLimits, 'params.messages[2].topic');
  });

  test('payload and binaryFormat', async () => {
    await refused('publishMessagesToMq', { clientName: PUB, messages: [{ topic: 'bad/t' }] }, ErrorCode.missingProperty, 'params.messages[0].payload');
    await refused('publishMessagesToMq', one({ payload: 'zz', binaryFormat: 'hex' }), ErrorCode.outOfLimits, 'params.messages[0].payload');
    await refused('publishMessagesToMq', one({ payload: 'not base64!', binaryFormat: 'base64' }), ErrorCode.outOfLimits, 'params.messages[0].payload');
    await refused('publishMessagesToMq', one({ payload: { a: 1 }, binaryFormat: 'utf8' }), ErrorCode.wrongType, 'params.messages[0].payload');
    await refused('publishMessagesToMq', one({ binaryFormat: 'png' }), ErrorCode.outOfLimits, 'params.messages[0].binaryFormat');
    await refused('publishMessagesToMq', one({ payload: 'x'.repeat(5000) }), ErrorCode.outOfLimits, 'params.messages[0].payload');
    await refused('publishMessagesToMq', one({ payload: 'ff', binaryFormat: 'hex', payloadFormatIndicator: 'utf8' }), ErrorCode.outOfLimits, 'params.messages[0].payload');
  });

  test('qos, retain and the MQTT 5 properties', async () => {
    await refused('publishMessagesToMq', one({ qos: 3 }), ErrorCode.outOfLimits, 'params.messages[0].qos');
    await refused('publishMessagesToMq', one({ qos: 'one' }), ErrorCode.wrongType, 'params.messages[0].qos');
    await refused('publishMessagesToMq', one({ qos: 1.5 }), ErrorCode.wrongType, 'params.messages[0].qos');
    await refused('publishMessagesToMq', one({ retain: 'yes' }), ErrorCode.wrongType, 'params.messages[0].retain');
    await refused('publishMessagesToMq', one({ expirySeconds: -1 }), ErrorCode.outOfLimits, 'params.messages[0].expirySeconds');
    await refused('publishMessagesToMq', one({ responseTopic: 'bad/#' }), ErrorCode.outOfLimits, 'params.messages[0].responseTopic');
    // Issue 9: correlationData is any JSON value (FairCom), limited to 65,500 bytes.
    await refused('publishMessagesToMq', one({ correlationData: { big: 'x'.repeat(65500) } }), ErrorCode.outOfLimits, 'params.messages[0].correlationData');
    await refused('publishMessagesToMq', one({ contentType: ['a'] }), ErrorCode.wrongType, 'params.messages[0].contentType');
    await refused('publishMessagesToMq', one({ userProperties: [{ key: '', value: 'v' }] }), ErrorCode.outOfLimits, 'params.messages[0].userProperties[0].key');
    await refused('publishMessagesToMq', one({ userProperties: { key: 'k', value: 'v' } }), ErrorCode.wrongType, 'params.messages[0].userProperties');
    await refused('publishMessagesToMq', one({ payloadFormatIndicator: 'binary' }), ErrorCode.outOfLimits, 'params.messages[0].payloadFormatIndicator');
  });
});

describe('getMessagesFromMqApiSession', () => {
  test('clientName: missing, unknown, an MQTT session, banned', async () => {
    await refused('getMessagesFromMqApiSession', {}, ErrorCode.missingProperty, 'params.clientName');
    await refused('getMessagesFromMqApiSession', { clientName: 'no-such-session' }, ErrorCode.unknownSession, 'params.clientName');
    const r = await refused('getMessagesFromMqApiSession', { clientName: MQTT }, ErrorCode.outOfLimits, 'params.clientName');
    assert.match(r.errorMessage, /MQTT session/);
    assert.match(r.errorMessage, /createMqApiSession/);
    await refused('getMessagesFromMqApiSession', { clientName: BANNED }, ErrorCode.sessionBanned, 'params.clientName');
  });

  test('maxMessages and binaryFormat', async () => {
    await refused('getMessagesFromMqApiSession', { clientName: READER, maxMessages: 0 }, ErrorCode.outOfLimits, 'params.maxMessages');
    await refused('getMessagesFromMqApiSession', { clientName: READER, maxMessages: 10001 }, ErrorCode.outOfLimits, 'params.maxMessages');
    await refused('getMessagesFromMqApiSession', { clientName: READER, maxMessages: 'ten' }, ErrorCode.wrongType, 'params.maxMessages');
    await refused('getMessagesFromMqApiSession', { clientName: READER, maxMessages: 2.5 }, ErrorCode.wrongType, 'params.maxMessages');
    await refused('getMessagesFromMqApiSession', { clientName: READER, binaryFormat: 'png' }, ErrorCode.outOfLimits, 'params.binaryFormat');
  });

  test('after the refusals the queued message is still there', async () => {
    const r = await tb.ok('getMessagesFromMqApiSession', { clientName: READER });
    assert.deepEqual(r.data.map((m: ReceivedMessage) => m.payload), ['kept']);
  });
});

describe('getMessagesFromMqTopic', () => {
  test('topic: missing, wildcard, wrong type', async () => {
    await refused('getMessagesFromMqTopic', {}, ErrorCode.missingProperty, 'params.topic');
    await refused('getMessagesFromMqTopic', { topic: 'bad/#' }, ErrorCode.outOfLimits, 'params.topic');
    await refused('getMessagesFromMqTopic', { topic: 'bad/+' }, ErrorCode.outOfLimits, 'params.topic');
    await refused('getMessagesFromMqTopic', { topic: 1 }, ErrorCode.wrongType, 'params.topic');
  });

  test('where to start: bad values, more than one way', async () => {
    await refused('getMessagesFromMqTopic', { topic: 'bad/kept', startFrom: 'middle' }, ErrorCode.outOfLimits, 'params.startFrom');
    await refused('getMessagesFromMqTopic', { topic: 'bad/kept', startTimestamp: 'yesterday' }, ErrorCode.outOfLimits, 'params.startTimestamp');
    await refused('getMessagesFromMqTopic', { topic: 'bad/kept', startTimestamp: '2025-13-45T99:00:00Z' }, ErrorCode.outOfLimits, 'params.startTimestamp');
    await refused('getMessagesFromMqTopic', { topic: 'bad/kept', startPosition: -1 }, ErrorCode.outOfLimits, 'params.startPosition');
    await refused('getMessagesFromMqTopic', { topic: 'bad/kept', startPosition: '3' }, ErrorCode.wrongType, 'params.startPosition');
    await refused('getMessagesFromMqTopic', { topic: 'bad/kept', startFrom: 'head', startPosition: 1 }, ErrorCode.mutuallyExclusive, 'params.startPosition');
    await refused('getMessagesFromMqTopic', { topic: 'bad/kept', startTimestamp: '2025-01-01T00:00:00Z', startPosition: 1 }, ErrorCode.mutuallyExclusive, 'params.startPosition');
    await refused('getMessagesFromMqTopic', { topic: 'bad/kept', startFrom: 'tail', startTimestamp: '2025-01-01T00:00:00Z' }, ErrorCode.mutuallyExclusive, 'params.startTimestamp');
  });

  test('maxMessages and binaryFormat', async () => {
    await refused('getMessagesFromMqTopic', { topic: 'bad/kept', maxMessages: 0 }, ErrorCode.outOfLimits, 'params.maxMessages');
    await refused('getMessagesFromMqTopic', { topic: 'bad/kept', maxMessages: 10001 }, ErrorCode.outOfLimits, 'params.maxMessages');
    await refused('getMessagesFromMqTopic', { topic: 'bad/kept', binaryFormat: 5 }, ErrorCode.wrongType, 'params.binaryFormat');
  });
});

test('publishMessagesToMq is audited with the session as target, refusals included', () => {
  const entries = tb.broker.store.recentAudit(2000, PUB).filter((e) => e.action === 'publishMessagesToMq');
  assert.ok(entries.some((e) => e.errorCode === 0), 'the successful publish');
  assert.ok(entries.some((e) => e.errorCode !== 0), 'a refused publish');
});
