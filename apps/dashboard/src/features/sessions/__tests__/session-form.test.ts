import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionDetail } from '@mqdash/contracts';
import { buildPatch, formValuesFrom } from '../lib/session-form.ts';

const detail: SessionDetail = {
  clientName: 'sensor/1',
  cleanSession: false,
  temporarySession: false,
  sessionStatus: 'normal',
  keepAliveSeconds: 60,
  connectionStatus: 'connected',
  createdDateTime: '2025-09-18T20:56:13Z',
  defaultBinaryFormat: 'hex',
  defaultVariantFormat: 'json',
  defaultResponseOptions: { binaryFormat: 'hex', variantFormat: 'json', dataFormat: 'objects', numberFormat: 'number' },
  sessionType: 'mqtt',
  sessionExpiryInterval: 4294967296,
  receiveMaximum: 1024,
  maximumPacketSize: 1024,
  topicAliasMaximum: 0,
  requestProblemInformation: true,
  requestResponseInformation: false,
  mqttPayloadType: 'binary',
  userProperties: [],
  willTopic: 'last/will',
  willPayload: 'bye',
  subscriberCount: 0,
  label: { id: 3, group: 'site', name: 'north' },
  metadata: { a: 1 },
};

test('an untouched form makes an empty patch', () => {
  const values = formValuesFrom(detail);
  assert.deepEqual(buildPatch(detail.clientName, values, values), { patch: {}, errors: {} });
});

test('only changed properties are sent, parsed to their API types', () => {
  const initial = formValuesFrom(detail);
  const values = { ...initial, keepAliveSeconds: '30', minHealthySendRatePerMinute: '0.1', metadata: '{"b":2}', labelGroup: '', labelName: '' };
  assert.deepEqual(buildPatch(detail.clientName, values, initial), {
    patch: { keepAliveSeconds: 30, minHealthySendRatePerMinute: 0.1, metadata: { b: 2 }, label: null },
    errors: {},
  });
});

test('the contracts schema finds out-of-limit values, keyed by property', () => {
  const initial = formValuesFrom(detail);
  const values = { ...initial, receiveMaximum: '0', keepAliveSeconds: '1.5', labelGroup: 'g', labelName: '', userProperties: [{ key: '', value: 'v' }] };
  const { errors } = buildPatch(detail.clientName, values, initial);
  assert.ok(errors.receiveMaximum);
  assert.equal(errors.keepAliveSeconds, 'Must be a whole number');
  assert.ok(errors['label.name']);
  assert.ok(errors['userProperties.0.key']);
});

test('unparsable numbers and JSON are reported before the schema runs', () => {
  const initial = formValuesFrom(detail);
  const { errors } = buildPatch(detail.clientName, { ...initial, willDelaySeconds: 'soon', metadata: '{', willPayloadMode: 'json', willPayload: 'nope' }, initial);
  assert.deepEqual(Object.keys(errors).sort(), ['metadata', 'willDelaySeconds', 'willPayload']);
});

test('"never expires" is 4294967296', () => {
  const initial = { ...formValuesFrom(detail), sessionExpiryNever: false, sessionExpiryInterval: '60' };
  assert.deepEqual(buildPatch(detail.clientName, { ...initial, sessionExpiryNever: true }, initial).patch, { sessionExpiryInterval: 4294967296 });
});
