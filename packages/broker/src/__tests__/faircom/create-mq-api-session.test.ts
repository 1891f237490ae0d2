/**
 * createMqApiSession: FairCom's documented request examples (the same as seed 003's, which
 * actions-seed-examples.test.ts checks property by property), sent as JSON to a real broker.
 * Page: https://docs.faircom.com/docs/en/UUID-cda72308-afbb-ffd9-4adb-a84f44144efd.html
 * Its placeholders ("5.0 | 3.1.1", "normal | hidden | banned | inactive", "none | utf8") become one real value each.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type TestBroker } from '../helpers.ts';
import { assertSucceeded, send } from './faircom-helpers.ts';

let tb: TestBroker;
before(async () => {
  tb = await startBroker();
});
after(async () => {
  await tb?.close();
});

test('Minimal: a generated clientName', async () => {
  const example = { action: 'createMqApiSession', params: {}, authToken: 'replaceWithAuthTokenFromCreateSession' };
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assert.ok(r.result.clientName.length > 0);
  assert.equal(r.result.sessionType, 'mqApi');
});

test('Maximal: the response example\'s properties', async () => {
  const example = {
    api: 'mq', action: 'createMqApiSession',
    params: {
      clientName: 'a unique MQ API client identifier or empty string', cleanSession: true, temporarySession: true, sessionStatus: 'normal',
      mqttProtocol: '5.0', keepAliveSeconds: 60, userProperties: [{ key: 'some key', value: 'some value' }], mqttPayloadType: 'utf8',
      sessionExpiryInterval: 4294967296, receiveMaximum: 1024, maximumPacketSize: 1024, topicAliasMaximum: 0, requestProblemInformation: true,
      requestResponseInformation: false, willTopic: 'some/Topic/Name/', willQoS: 2, willPayload: 'This message is sent when client disconnects.',
      willRetain: true, willContentType: 'IanaMediaType or a CustomType', willCorrelationData: 'any JSON value up to 65500 bytes',
      willPayloadFormatIndicator: 'utf8', willExpirySeconds: 60, willDelaySeconds: 60, willResponseTopic: 'topic/name/for/subscriber/to/respond/to',
      willUserProperties: [{ key: 'some key', value: 'some value' }], label: { group: 'group name', name: 'label name' },
      minHealthySendRatePerMinute: 10, maxHealthySendRatePerMinute: 1000, maxHealthyBacklogRatePerMinute: 10,
      minHealthySubscribedTopicFiltersCount: 10, maxHealthySubscribedTopicFiltersCount: 1000, metadata: {},
    },
    debug: 'max', requestId: 'optionalUniqueRequestIdFromTheClient', authToken: 'replaceWithAuthTokenFromCreateSession',
  };
  const r = await send(tb, example, { 'a unique MQ API client identifier or empty string': 'billing-bridge' });
  assertSucceeded(r, example);
  assert.equal(r.debugInfo!.warnings, undefined, 'every documented property is known');
  for (const k of ['clientName', 'sessionStatus', 'connectionStatus', 'sessionType', 'defaultBinaryFormat', 'defaultVariantFormat', 'willTopic'])
    assert.equal(typeof r.result[k], 'string', k);
  for (const k of ['cleanSession', 'temporarySession', 'willRetain', 'sessionPresent']) assert.equal(typeof r.result[k], 'boolean', k);
  assert.deepEqual([r.result.clientName, r.result.willQoS, r.result.sessionPresent], ['billing-bridge', 2, false]);
});
