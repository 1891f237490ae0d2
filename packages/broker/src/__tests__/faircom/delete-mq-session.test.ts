/**
 * deleteMqSession: FairCom's documented request forms, sent as JSON to a real broker; real MQTT
 * clients (mqtt.js, MQTT 5 and 3.1.1) see the disconnect.
 * Page: https://docs.faircom.com/docs/en/UUID-b192549c-6ec2-7871-63a2-6a2ab8264b41.html
 * (false, null or omitted permanentlyDeleteSession marks the session inactive; true removes it; a
 * connected MQTT client is disconnected either way; it makes the session normal when it connects
 * again). The stored copy of the page ends inside its first example, so the others use the forms
 * its text documents.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closed, disconnectReason, startBroker, waitFor, type TestBroker } from '../helpers.ts';
import { assertRefused, assertSucceeded, send } from './faircom-helpers.ts';

let tb: TestBroker;

before(async () => {
  tb = await startBroker();
});
after(async () => {
  await tb?.close();
});

const persistent5 = { protocolVersion: 5 as const, clean: false, properties: { sessionExpiryInterval: 3600 } };
const request = (clientName: string, extra: Record<string, unknown> = {}) => ({
  action: 'deleteMqSession', params: { clientName, ...extra }, authToken: 'replaceWithAuthTokenFromCreateSession',
});

test('Minimum (clientName only): the session is marked inactive and its MQTT 5 client disconnected (0x98)', async () => {
  const c = await tb.connect({ clientId: 'del-min', ...persistent5 });
  const reason = disconnectReason(c);
  const example = request('del-min');
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assert.deepEqual(r.result, { clientName: 'del-min', deleted: false, sessionStatus: 'inactive', disconnected: true });
  assert.equal(await reason, 0x98, 'MQTT 5 DISCONNECT: Administrative action');
  await closed(c);
  await waitFor(async () => (await tb.describe('del-min')).connectionStatus === 'disconnected', 3000, 'recorded as disconnected');
  assert.equal((await tb.describe('del-min')).sessionStatus, 'inactive', 'kept, inactive');
});

test('permanentlyDeleteSession false or null: the same; an MQTT 3.1.1 client is disconnected too', async () => {
  for (const [name, value] of [['del-false', false], ['del-null', null]] as const) {
    const c = await tb.connect({ clientId: name, protocolVersion: 4, clean: false });
    const r = await send(tb, request(name, { permanentlyDeleteSession: value }));
    assert.equal(r.errorCode, 0, r.errorMessage);
    assert.equal(r.result.disconnected, true);
    await closed(c);
    assert.equal((await tb.describe(name)).sessionStatus, 'inactive');
  }
});

test('a client that connects again makes the inactive session normal', async () => {
  const c = await tb.connect({ clientId: 'del-back', ...persistent5 });
  await send(tb, request('del-back'));
  await closed(c);
  await tb.connect({ clientId: 'del-back', ...persistent5 });
  await waitFor(async () => (await tb.describe('del-back')).sessionStatus === 'normal', 3000, 'normal again after the reconnect');
});

test('permanentlyDeleteSession true: disconnected and removed', async () => {
  const c = await tb.connect({ clientId: 'del-perm', ...persistent5 });
  const reason = disconnectReason(c);
  const example = { api: 'mq', ...request('del-perm', { permanentlyDeleteSession: true }), apiVersion: '1.0', requestId: 'del-3', debug: 'max' };
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assert.equal(r.result.deleted, true);
  assert.equal(await reason, 0x98);
  assertRefused(await tb.act('describeMqSessions', { clientNames: ['del-perm'] }), 14006);
});

test('an MQ API session is marked inactive (nothing to disconnect); an unknown one is refused', async () => {
  await tb.ok('createMqApiSession', { clientName: 'del-api' });
  const r = await send(tb, request('del-api'));
  assert.deepEqual(r.result, { clientName: 'del-api', deleted: false, sessionStatus: 'inactive', disconnected: false });
  assertRefused(await send(tb, request('no-such-session')), 14006, 'params.clientName');
});
