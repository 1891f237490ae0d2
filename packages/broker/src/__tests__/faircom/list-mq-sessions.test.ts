/**
 * listMqSessions: FairCom's documented request examples (the same as seed 000's, which
 * actions-seed-examples.test.ts runs in full), sent as JSON to a real broker with real MQTT clients.
 * Page: https://docs.faircom.com/docs/en/UUID-4994897f-1238-9435-b223-d6d5bf35ca4a.html
 * Its Maximal gives both of two mutually exclusive pairs (label / labelId, sortAscending /
 * sortDescending) with "a|b|c" placeholders: a placeholder becomes one real value, and giving both
 * of a pair is refused, as seed 000 says (docs/faircom-api.md).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type TestBroker } from '../helpers.ts';
import { assertRefused, assertSucceeded, send } from './faircom-helpers.ts';

let tb: TestBroker;
before(async () => {
  tb = await startBroker();
  await tb.connect({ clientId: 'lm-device', protocolVersion: 5 });
  await tb.ok('createMqApiSession', { clientName: 'lm-api', label: { group: 'group name', name: 'label name' } });
});
after(async () => {
  await tb?.close();
});

const maximal = (params: Record<string, unknown>) => ({
  api: 'mq', action: 'listMqSessions',
  params: {
    partialClientName: '',
    connectionStatusFilter: ['disconnected', 'connected', 'connectedTemporarily'],
    sessionStatusFilter: ['normal', 'banned', 'hidden', 'inactive'],
    sessionTypeFilter: ['mqtt', 'mqApi'],
    healthFilter: ['healthy', 'unhealthy', 'offline'],
    unsetHealthMeasures: true,
    ...params,
  },
  apiVersion: '1.0', debug: 'max', requestId: 'optionalUniqueRequestIdFromTheClient', authToken: 'replaceWithAuthTokenFromCreateSession',
});

test('Minimal: data[] of clientName and sessionType, the response example\'s shape', async () => {
  const example = { api: 'mq', action: 'listMqSessions', params: {}, authToken: 'replaceWithAuthTokenFromCreateSession' };
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assert.deepEqual(r.result.data.map((d: { clientName: string; sessionType: string }) => [d.clientName, d.sessionType]), [['lm-api', 'mqApi'], ['lm-device', 'mqtt']]);
});

test('Maximal with one of each pair: label and sortDescending "lastConnect"', async () => {
  const example = maximal({ sortDescending: 'lastConnect', label: { group: 'group name', name: 'label name' } });
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assert.deepEqual(r.result.data.map((d: { clientName: string }) => d.clientName), ['lm-api']);
});

test('Maximal with labelId and sortAscending "ipAddress"; the page\'s healthFilter without "offline"', async () => {
  const labelId = (await tb.describe('lm-api')).label.id;
  const r = await send(tb, maximal({ sortAscending: 'ipAddress', labelId, healthFilter: ['healthy', 'unhealthy'] }));
  assert.equal(r.errorCode, 0, r.errorMessage);
  assert.deepEqual(r.result.data, [], 'the labelled session is offline');
});

test('Maximal as printed, both pairs given: refused as mutually exclusive (seed 000)', async () => {
  const r = await send(tb, maximal({ sortDescending: 'lastConnect', sortAscending: 'clientName', labelId: 423, label: { group: 'group name', name: 'label name' } }));
  assertRefused(r, 14004);
  assert.equal(r.requestId, 'optionalUniqueRequestIdFromTheClient');
});
