/**
 * alterMqSession: FairCom's documented request example (the same as seed 002's Maximal, which
 * actions-seed-examples.test.ts checks in full), sent as JSON to a real broker with a real MQTT
 * client that stays connected.
 * Page: https://docs.faircom.com/docs/en/UUID-a2bdddcf-a9a1-7bd6-064d-1b35247e9479.html
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type TestBroker, type TestClient } from '../helpers.ts';
import { assertSucceeded, send, warningsOf } from './faircom-helpers.ts';

let tb: TestBroker;
let client: TestClient;
before(async () => {
  tb = await startBroker();
  client = await tb.connect({ clientId: 'alter-me', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 3600 } });
});
after(async () => {
  await tb?.close();
});

test('Maximal: applied without disconnecting the client; the stray top-level cleanSession is named in a warning', async () => {
  const example = {
    api: 'mq', action: 'alterMqSession', cleanSession: false,
    params: {
      clientName: 'a unique client identifier for MQTT or MQ API', temporarySession: false, sessionStatus: 'normal', keepAliveSeconds: 60,
      userProperties: [{ key: 'some key', value: 'some value' }], mqttPayloadType: 'utf8', sessionExpiryInterval: 60, receiveMaximum: 1024,
      maximumPacketSize: 1024, topicAliasMaximum: 0, requestProblemInformation: true, requestResponseInformation: false,
      willTopic: 'some/Topic/Name/', willQoS: 2, willPayload: 'This message is sent when client disconnects.', willRetain: true,
      willContentType: 'IanaMediaType or a CustomType', willCorrelationData: 'any JSON value up to 65500 bytes', willPayloadFormatIndicator: 'utf8',
      willExpirySeconds: 60, willDelaySeconds: 60, willResponseTopic: 'topic/name/for/subscriber/to/respond/to',
      willUserProperties: [{ key: 'some key', value: 'some value' }], label: { group: 'group name', name: 'label name' },
      minHealthySendRatePerMinute: 10, maxHealthySendRatePerMinute: 1000, maxHealthyBacklogRatePerMinute: 10,
      minHealthySubscribedTopicFiltersCount: 10, maxHealthySubscribedTopicFiltersCount: 1000, metadata: {},
    },
    apiVersion: '1.0', debug: 'max', requestId: 'optionalUniqueRequestIdFromTheClient', authToken: 'replaceWithAuthTokenFromCreateSession',
  };
  const r = await send(tb, example, { 'a unique client identifier for MQTT or MQ API': 'alter-me' });
  assertSucceeded(r, example);
  assert.ok(warningsOf(r).some((w) => w.code === 14015 && w.message.startsWith('cleanSession')));
  for (const k of ['clientName', 'sessionStatus', 'connectionStatus', 'sessionType', 'willTopic']) assert.equal(typeof r.result[k], 'string', k);
  assert.equal(r.result.connectionStatus, 'connected');
  assert.equal(client.connected, true, 'alterMqSession never disconnects');
  assert.deepEqual((await tb.describe('alter-me')).label, { id: (await tb.describe('alter-me')).label.id, group: 'group name', name: 'label name' });
});
