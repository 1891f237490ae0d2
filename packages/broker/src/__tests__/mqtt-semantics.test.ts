/**
 * Session semantics of DESIGN §3/§5 end to end: real mqtt.js clients (TCP and WebSocket, MQTT 3.1.1
 * and 5.0) against a real broker with a real SQLite file, driven through the JSON actions.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import { closed, collect, disconnectReason, roundTrip, sleep, startBroker, waitFor, type TestBroker, type Transport } from './helpers.ts';

let tb: TestBroker;

before(async () => {
  tb = await startBroker();
});
after(async () => {
  await tb?.close();
});

const names = async (params: Record<string, unknown> = {}) => (await tb.list(params)).map((r) => r.clientName as string);
/** The SUBACK codes a SUBSCRIBE gets, whether mqtt.js resolves or rejects it. */
async function subackCodes(c: MqttClient, topics: string | string[], qos: 0 | 1 | 2): Promise<number[]> {
  try {
    const granted = await c.subscribeAsync(topics, { qos });
    return granted.map((g) => g.qos);
  } catch (e: any) {
    assert.ok(e.packet?.granted, `SUBSCRIBE failed without a SUBACK: ${e.message}`);
    return e.packet.granted;
  }
}

const persistent5 = { protocolVersion: 5 as const, clean: false, properties: { sessionExpiryInterval: 0xffffffff } };

describe('ban', () => {
  for (const transport of ['tcp', 'ws'] as Transport[]) {
    test(`over ${transport}: banning keeps the connection; after a disconnect the client is refused (0x8A / rc 5) until unbanned`, async () => {
      const name = `ban-${transport}`;
      const c = await tb.connect({ transport, clientId: name, ...persistent5 });

      const banned = await tb.ok('alterMqSession', { clientName: name, sessionStatus: 'banned' });
      assert.equal(banned.sessionStatus, 'banned');
      // alterMqSession never disconnects (seed 002, DESIGN §3): the client still works.
      await sleep(200);
      assert.equal(c.connected, true, 'the banned client was disconnected by alterMqSession');
      await roundTrip(c);
      const d1 = await tb.describe(name);
      assert.equal(d1.connectionStatus, 'connected');
      assert.equal(d1.sessionStatus, 'banned');
      assert.equal(d1.lastFailedConnectDateTime, undefined);
      // A second connection with the banned name is refused and does not take the live one over.
      assert.equal((await tb.connectRefused({ transport, clientId: name, ...persistent5 })).code, 0x8a);
      await sleep(100);
      assert.equal(c.connected, true, 'a refused connect took over the banned client\'s connection');
      assert.equal((await tb.describe(name)).connectionStatus, 'connected');

      // The explicit disconnect: MQTT 5 gets DISCONNECT 0x98 Administrative action.
      const reason = disconnectReason(c);
      const res = await tb.ok('disconnectMqSession', { clientName: name });
      assert.deepEqual(res, { clientName: name, wasConnected: true });
      assert.equal(await reason, 0x98);
      await closed(c);
      await waitFor(async () => (await tb.describe(name)).connectionStatus === 'disconnected', 2000, `${name} disconnected`);

      const t0 = Date.now();
      const r5 = await tb.connectRefused({ transport, clientId: name, ...persistent5 });
      assert.equal(r5.code, 0x8a, `MQTT 5 refusal: ${r5.message}`);
      const d2 = await tb.describe(name);
      assert.equal(d2.lastFailedConnectReason, 'session is banned');
      assert.ok(d2.lastFailedConnectDateTime, 'lastFailedConnectDateTime missing');
      const failedAt = Date.parse(d2.lastFailedConnectDateTime);
      assert.ok(failedAt >= t0 - 5 && failedAt <= Date.now(), `lastFailedConnectDateTime ${d2.lastFailedConnectDateTime} is not the refusal's time`);
      assert.equal(d2.connectionStatus, 'disconnected', 'a refused connect must not mark the session connected');

      const r4 = await tb.connectRefused({ transport, clientId: name, protocolVersion: 4, clean: false });
      assert.equal(r4.code, 5, `MQTT 3.1.1 refusal: ${r4.message}`);
      const d3 = await tb.describe(name);
      assert.ok(Date.parse(d3.lastFailedConnectDateTime) >= failedAt, 'the second refusal was not recorded');

      // Still banned after refusals: the session is kept (a banned session never expires).
      assert.equal(d3.sessionStatus, 'banned');

      const unbanned = await tb.ok('alterMqSession', { clientName: name, sessionStatus: 'normal' });
      assert.equal(unbanned.sessionStatus, 'normal');
      const c2 = await tb.connect({ transport, clientId: name, ...persistent5 });
      assert.equal(c2.connack.reasonCode ?? 0, 0);
      await roundTrip(c2);
      assert.equal((await tb.describe(name)).connectionStatus, 'connected');
      const c3 = await tb.connect({ transport, clientId: `${name}-v4`, protocolVersion: 4 });
      assert.equal(c3.connack.returnCode, 0);
    });
  }

  test('banning a disconnected MQTT 3.1.1 session refuses its next connect with return code 5', async () => {
    const name = 'ban-offline-v4';
    const c = await tb.connect({ clientId: name, protocolVersion: 4, clean: false });
    c.end();
    await closed(c);
    await waitFor(async () => (await tb.describe(name)).connectionStatus === 'disconnected', 2000, 'disconnected');
    await tb.ok('alterMqSession', { clientName: name, sessionStatus: 'banned' });
    const r = await tb.connectRefused({ clientId: name, protocolVersion: 4, clean: true });
    assert.equal(r.code, 5);
    assert.equal((await tb.describe(name)).lastFailedConnectReason, 'session is banned');
  });

  test('a banned temporary session is kept after its expiry; once unbanned it expires', async () => {
    const name = 'ban-tmp';
    const c = await tb.connect({ clientId: name, protocolVersion: 5, clean: true, properties: { sessionExpiryInterval: 1 } });
    await tb.ok('alterMqSession', { clientName: name, sessionStatus: 'banned' });
    c.end();
    await closed(c);
    await sleep(1800);
    const d = await tb.describe(name);
    assert.equal(d.sessionStatus, 'banned', 'the ban must hold: a banned session does not expire');
    assert.equal((await tb.connectRefused({ clientId: name, protocolVersion: 5 })).code, 0x8a);

    await tb.ok('alterMqSession', { clientName: name, sessionStatus: 'normal' });
    await waitFor(async () => (await tb.act('describeMqSessions', { clientNames: [name] })).errorCode === 14006, 3000, 'the unbanned temporary session to expire');
  });

  test('the request aliases "ban" and "hide" work and responses say banned/hidden', async () => {
    const name = 'alias-1';
    const c = await tb.connect({ clientId: name, ...persistent5 });
    const b = await tb.ok('alterMqSession', { clientName: name, sessionStatus: 'ban' });
    assert.equal(b.sessionStatus, 'banned');
    assert.equal((await tb.describe(name)).sessionStatus, 'banned');
    // The alias is accepted in filters too, and lists say banned.
    const bannedRows = await tb.list({ sessionStatusFilter: ['ban'], partialClientName: name });
    assert.deepEqual(bannedRows.map((r) => [r.clientName, r.sessionStatus]), [[name, 'banned']]);

    const h = await tb.ok('alterMqSession', { clientName: name, sessionStatus: 'hide' });
    assert.equal(h.sessionStatus, 'hidden');
    assert.equal((await tb.describe(name)).sessionStatus, 'hidden');
    const hiddenRows = await tb.list({ sessionStatusFilter: ['hide'], partialClientName: name });
    assert.deepEqual(hiddenRows.map((r) => [r.clientName, r.sessionStatus]), [[name, 'hidden']]);
    assert.equal(c.connected, true);

    const bad = await tb.act('alterMqSession', { clientName: name, sessionStatus: 'blocked' });
    assert.equal(bad.errorCode, 14003, 'an unknown sessionStatus must be refused as out of limits');
    assert.equal((await tb.describe(name)).sessionStatus, 'hidden', 'a refused alter changed the session');
  });
});

describe('hidden', () => {
  test('a hidden session is left out of listMqSessions unless the filter names hidden, and keeps working', async () => {
    const name = 'hid-1';
    const c = await tb.connect({ clientId: name, protocolVersion: 4 });
    const other = await tb.connect({ clientId: 'hid-peer', protocolVersion: 5 });
    assert.ok((await names()).includes(name));

    assert.equal((await tb.ok('alterMqSession', { clientName: name, sessionStatus: 'hidden' })).sessionStatus, 'hidden');

    const all = await tb.ok('listMqSessions', {});
    assert.ok(!all.data.some((r: any) => r.clientName === name), 'hidden session listed without a filter');
    assert.equal(all.totalCount, all.data.length);
    assert.ok(!(await names({ sessionStatusFilter: ['normal', 'banned', 'inactive'] })).includes(name));
    assert.ok(!(await names({ partialClientName: 'hid-' })).includes(name), 'prefix search must not reveal a hidden session');
    assert.deepEqual(await names({ sessionStatusFilter: ['hidden'], partialClientName: 'hid-' }), [name]);
    assert.deepEqual(await names({ sessionStatusFilter: ['normal', 'hidden'], partialClientName: 'hid-' }), [name, 'hid-peer']);
    // describe still finds it.
    assert.equal((await tb.describe(name)).sessionStatus, 'hidden');

    // Fully working: subscribe, publish, and traffic both ways with another client.
    await roundTrip(c);
    const fromHidden = collect(other);
    await other.subscribeAsync('hid/out', { qos: 1 });
    await c.publishAsync('hid/out', 'from-hidden', { qos: 1 });
    const toHidden = collect(c);
    await c.subscribeAsync('hid/in', { qos: 1 });
    await other.publishAsync('hid/in', 'to-hidden', { qos: 1 });
    await waitFor(() => fromHidden.length === 1 && toHidden.length === 1, 2000, 'messages to and from the hidden client');
    assert.equal(fromHidden[0]!.text, 'from-hidden');
    assert.equal(toHidden[0]!.text, 'to-hidden');

    // Unhiding brings it back into the default list.
    await tb.ok('alterMqSession', { clientName: name, sessionStatus: 'normal' });
    assert.ok((await names()).includes(name));
  });
});

describe('inactive and delete', () => {
  test('deleteMqSession without permanentlyDeleteSession marks inactive; a reconnect makes it normal again', async () => {
    const name = 'inact-1';
    const c = await tb.connect({ clientId: name, ...persistent5 });
    c.end();
    await closed(c);
    await waitFor(async () => (await tb.describe(name)).connectionStatus === 'disconnected', 2000, 'disconnected');

    const r = await tb.ok('deleteMqSession', { clientName: name });
    assert.deepEqual(r, { clientName: name, deleted: false, sessionStatus: 'inactive', disconnected: false }, 'the client had gone already: nothing to disconnect');
    assert.equal((await tb.describe(name)).sessionStatus, 'inactive');
    assert.deepEqual(await names({ sessionStatusFilter: ['inactive'], partialClientName: 'inact-' }), [name]);
    // Kept with its history: still in the default list.
    assert.ok((await names()).includes(name));

    const c2 = await tb.connect({ clientId: name, ...persistent5 });
    // [MQTT-3.2.2-2] the session has not expired, so it exists and Session Present is 1 (the own
    // engine); aedes keeps no session apart from its subscriptions and answers 0 when there are none.
    assert.equal(c2.connack.sessionPresent, tb.broker.engine.kind === 'mqdash', 'Session Present as each engine answers it');
    await waitFor(async () => (await tb.describe(name)).sessionStatus === 'normal', 2000, 'status back to normal');
    assert.equal((await tb.describe(name)).connectionStatus, 'connected');
  });

  test('permanentlyDeleteSession disconnects the client, drops its will and removes the session and its subscriptions', async () => {
    const name = 'del-1';
    const watcher = await tb.connect({ clientId: 'del-watcher', protocolVersion: 5 });
    const wills = collect(watcher);
    await watcher.subscribeAsync('del/will', { qos: 1 });
    const peer = await tb.connect({ clientId: 'del-peer', protocolVersion: 4 });

    const c = await tb.connect({ clientId: name, ...persistent5, will: { topic: 'del/will', payload: Buffer.from('will'), qos: 1, retain: false } });
    await c.subscribeAsync('del/sub', { qos: 1 });
    assert.equal((await tb.describe(name)).subscribedTopics.length, 1);

    const r = await tb.ok('deleteMqSession', { clientName: name, permanentlyDeleteSession: true });
    assert.equal(r.deleted, true);
    await closed(c);
    assert.ok(!(await names({ sessionStatusFilter: ['normal', 'hidden', 'banned', 'inactive'] })).includes(name));
    const d = await tb.act('describeMqSessions', { clientNames: [name] });
    assert.equal(d.errorCode, 14006);
    const alter = await tb.act('alterMqSession', { clientName: name, sessionStatus: 'banned' });
    assert.equal(alter.errorCode, 14006);

    await sleep(300);
    assert.deepEqual(wills.map((w) => w.text), [], 'the will of a deleted session must not be published');

    // The MQTT side is gone too: a new connection finds no session and gets nothing for the old subscription.
    const c2 = await tb.connect({ clientId: name, ...persistent5 });
    assert.equal(c2.connack.sessionPresent, false);
    const got = collect(c2);
    await peer.publishAsync('del/sub', 'after-delete', { qos: 1 });
    await sleep(300);
    assert.deepEqual(got.map((m) => m.text), []);
    const fresh = await tb.describe(name);
    assert.deepEqual(fresh.subscribedTopics, []);
    assert.equal(fresh.stats.totalMessagesPublished, 0, 'a re-created session must start with fresh counters');
  });
});

describe('name conflicts between MQ API and MQTT sessions', () => {
  test('an MQTT client named like an MQ API session is refused (0x85 / rc 2) with the reason recorded', async () => {
    const created = await tb.ok('createMqApiSession', { clientName: 'api-x' });
    assert.equal(created.clientName, 'api-x');
    assert.equal(created.sessionType, 'mqApi');

    const r5 = await tb.connectRefused({ clientId: 'api-x', protocolVersion: 5 });
    assert.equal(r5.code, 0x85, r5.message);
    const d = await tb.describe('api-x');
    assert.equal(d.lastFailedConnectReason, 'API session is already in use');
    assert.ok(d.lastFailedConnectDateTime);
    assert.equal(d.sessionType, 'mqApi', 'the refused MQTT client must not take the session over');

    const r4 = await tb.connectRefused({ clientId: 'api-x', protocolVersion: 4, transport: 'ws' });
    assert.equal(r4.code, 2, r4.message);
    assert.equal((await tb.describe('api-x')).lastFailedConnectReason, 'API session is already in use');
  });

  test('createMqApiSession fails with 14007 for a name an MQTT session or an MQ API session has', async () => {
    const c = await tb.connect({ clientId: 'mq-owned', protocolVersion: 4, clean: false });
    const r = await tb.act('createMqApiSession', { clientName: 'mq-owned' });
    assert.equal(r.errorCode, 14007, r.errorMessage);
    const d = await tb.describe('mq-owned');
    assert.equal(d.sessionType, 'mqtt');
    assert.equal(d.connectionStatus, 'connected');
    assert.equal(c.connected, true);

    await tb.ok('createMqApiSession', { clientName: 'api-dup' });
    assert.equal((await tb.act('createMqApiSession', { clientName: 'api-dup' })).errorCode, 14007);
  });

  test('an empty clientName gets a generated unique name', async () => {
    const a = await tb.ok('createMqApiSession', { clientName: '' });
    const b = await tb.ok('createMqApiSession', {});
    assert.equal(typeof a.clientName, 'string');
    assert.ok(a.clientName.length > 0 && b.clientName.length > 0, 'generated names must not be empty');
    assert.notEqual(a.clientName, b.clientName);
    const listed = await names({ sessionTypeFilter: ['mqApi'] });
    assert.ok(listed.includes(a.clientName) && listed.includes(b.clientName));
    assert.equal((await tb.describe(a.clientName)).sessionType, 'mqApi');
  });
});

describe('temporary sessions', () => {
  test('MQTT 5 expiry 2 s: listed after disconnect, gone after the expiry; 3.1.1 clean gone at once; persistent ones stay', async () => {
    const tmp5 = await tb.connect({ clientId: 'exp-tmp5', protocolVersion: 5, clean: true, properties: { sessionExpiryInterval: 2 } });
    const tmp4 = await tb.connect({ clientId: 'exp-tmp4', protocolVersion: 4, clean: true });
    const perm4 = await tb.connect({ clientId: 'exp-perm4', protocolVersion: 4, clean: false });
    const perm5 = await tb.connect({ clientId: 'exp-perm5', ...persistent5 });
    assert.equal((await tb.describe('exp-tmp5')).temporarySession, true);
    assert.equal((await tb.describe('exp-tmp5')).sessionExpiryInterval, 2);
    assert.equal((await tb.describe('exp-perm4')).temporarySession, false);

    const t0 = Date.now();
    for (const c of [tmp5, tmp4, perm4, perm5]) c.end();
    await Promise.all([tmp5, tmp4, perm4, perm5].map((c) => closed(c)));

    await waitFor(async () => !(await names({ partialClientName: 'exp-' })).includes('exp-tmp4'), 1000, '3.1.1 clean session removed at disconnect');
    const rows = await tb.list({ partialClientName: 'exp-' });
    const tmp5Row = rows.find((r) => r.clientName === 'exp-tmp5');
    assert.ok(tmp5Row, 'the MQTT 5 session must still be listed right after its disconnect');
    assert.equal(tmp5Row.connectionStatus, 'disconnected');

    await waitFor(async () => !(await names({ partialClientName: 'exp-' })).includes('exp-tmp5'), 4000, 'the MQTT 5 session expired');
    const elapsed = Date.now() - t0;
    assert.ok(elapsed >= 1500, `expired after ${elapsed} ms, before its 2 s expiry`);
    assert.equal((await tb.act('describeMqSessions', { clientNames: ['exp-tmp5'] })).errorCode, 14006);

    await sleep(Math.max(0, 3000 - (Date.now() - t0)));
    assert.deepEqual(await names({ partialClientName: 'exp-' }), ['exp-perm4', 'exp-perm5']);
  });

  test('a reconnect within the expiry keeps the session', async () => {
    const c = await tb.connect({ clientId: 'exp-back', protocolVersion: 5, clean: true, properties: { sessionExpiryInterval: 1 } });
    c.end();
    await closed(c);
    await sleep(300);
    const c2 = await tb.connect({ clientId: 'exp-back', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 1 } });
    await sleep(1500);
    assert.equal((await tb.describe('exp-back')).connectionStatus, 'connected');
    assert.equal(c2.connected, true);
  });

  test('a temporary MQ API session ends with the authToken that created it; a permanent one stays', async () => {
    const token2 = await tb.login();
    const run = (action: string, params: Record<string, unknown>, authToken: string) => tb.broker.actions.run({ action, params, authToken });
    const t = await run('createMqApiSession', { clientName: 'api-tmp', temporarySession: true }, token2);
    assert.equal(t.errorCode, 0, t.errorMessage);
    assert.equal((t.result as any).temporarySession, true);
    const p = await run('createMqApiSession', { clientName: 'api-perm' }, token2);
    assert.equal(p.errorCode, 0, p.errorMessage);
    assert.equal((await tb.describe('api-tmp')).temporarySession, true);

    const out = await run('deleteSession', {}, token2);
    assert.equal(out.errorCode, 0);
    assert.equal((await run('pingSession', {}, token2)).errorCode, 12031, 'the deleted token still works');

    assert.equal((await tb.act('describeMqSessions', { clientNames: ['api-tmp'] })).errorCode, 14006);
    assert.equal((await tb.describe('api-perm')).sessionType, 'mqApi');
  });
});

describe('will set by alterMqSession', () => {
  for (const protocolVersion of [4, 5] as const) {
    test(`MQTT ${protocolVersion === 5 ? '5' : '3.1.1'}: published when the socket dies, not after a clean DISCONNECT`, async () => {
      const sub = await tb.connect({ clientId: `will-sub-${protocolVersion}`, protocolVersion: 5 });
      const got = collect(sub);
      await sub.subscribeAsync('wills/#', { qos: 1 });

      const dying = `will-dies-${protocolVersion}`;
      const polite = `will-ends-${protocolVersion}`;
      const c1 = await tb.connect({ clientId: dying, protocolVersion, clean: false, ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 60 } } : {}) });
      const c2 = await tb.connect({ clientId: polite, protocolVersion, clean: false, ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 60 } } : {}) });
      assert.equal((await tb.describe(dying)).willTopic, '');

      for (const n of [dying, polite]) {
        const r = await tb.ok('alterMqSession', { clientName: n, willTopic: `wills/${n}`, willPayload: `${n} is gone` });
        assert.equal(r.willTopic, `wills/${n}`);
        assert.equal(r.willPayload, `${n} is gone`);
        assert.equal(r.willQoS, 2);
      }
      assert.equal(c1.connected && c2.connected, true, 'setting a will must not disconnect');

      c2.end();
      await closed(c2);
      (c1 as any).stream.destroy();
      await closed(c1);

      await waitFor(() => got.some((m) => m.topic === `wills/${dying}`), 3000, `the will of ${dying}`);
      await sleep(300);
      assert.deepEqual(got.map((m) => [m.topic, m.text]), [[`wills/${dying}`, `${dying} is gone`]]);
    });
  }
});

describe('will set by alterMqSession while disconnected', () => {
  test('is used at the next connection; setting willTopic "" removes a will', async () => {
    const sub = await tb.connect({ clientId: 'will-next-sub', protocolVersion: 5 });
    const got = collect(sub);
    await sub.subscribeAsync('wnext/#', { qos: 1 });

    const c = await tb.connect({ clientId: 'will-next', protocolVersion: 4, clean: false });
    c.end();
    await closed(c);
    await waitFor(async () => (await tb.describe('will-next')).connectionStatus === 'disconnected', 2000, 'disconnected');
    const r = await tb.ok('alterMqSession', { clientName: 'will-next', willTopic: 'wnext/a', willPayload: { down: true } });
    assert.equal(r.willTopic, 'wnext/a');
    // The client connects without a will of its own; the stored one applies.
    const c2 = await tb.connect({ clientId: 'will-next', protocolVersion: 4, clean: false });
    assert.equal((await tb.describe('will-next')).willTopic, 'wnext/a');
    (c2 as any).stream.destroy();
    await waitFor(() => got.length === 1, 3000, 'the stored will');
    // Published at the will's QoS 2, delivered at the QoS 1 the subscription was granted [MQTT-3.8.4-8].
    assert.deepEqual([got[0]!.topic, got[0]!.text, got[0]!.packet.qos], ['wnext/a', '{"down":true}', 1]);

    // Removing the will of a connected client that brought its own.
    const w = await tb.connect({ clientId: 'will-removed', protocolVersion: 5, will: { topic: 'wnext/b', payload: Buffer.from('b'), qos: 1, retain: false } });
    assert.equal((await tb.describe('will-removed')).willTopic, 'wnext/b');
    assert.equal((await tb.ok('alterMqSession', { clientName: 'will-removed', willTopic: '' })).willTopic, '');
    (w as any).stream.destroy();
    await closed(w);
    await sleep(500);
    assert.deepEqual(got.map((m) => m.topic), ['wnext/a'], 'a removed will was published');
  });
});

describe('$SYS', () => {
  test('an ordinary client cannot subscribe under $SYS/ (0x80 on 3.1.1, 0x87 on 5.0)', async () => {
    const v4 = await tb.connect({ clientId: 'sys-v4', protocolVersion: 4 });
    const v5 = await tb.connect({ clientId: 'sys-v5', protocolVersion: 5 });
    // mqtt.js rejects with the SUBACK attached: its `granted` holds the return/reason codes.
    for (const topic of ['$SYS/#', '$SYS/mqdash/events']) {
      assert.deepEqual(await subackCodes(v4, topic, 0), [0x80], `3.1.1 ${topic}`);
      assert.deepEqual(await subackCodes(v5, topic, 1), [0x87], `5.0 ${topic}`);
    }
    assert.equal(v4.connected && v5.connected, true);
    assert.deepEqual((await tb.describe('sys-v4')).subscribedTopics, []);
    assert.deepEqual((await tb.describe('sys-v5')).subscribedTopics, []);
    assert.equal((await tb.describe('sys-v5')).subscriberCount, 0);

    // A mixed SUBSCRIBE: the ordinary filter is granted, the $SYS one refused.
    assert.deepEqual(await subackCodes(v5, ['ok/topic', '$SYS/mqdash/overview'], 1), [1, 0x87]);
    assert.deepEqual((await tb.describe('sys-v5')).subscribedTopics.map((s: any) => s.topicFilter), ['ok/topic']);
  });

  test('an admin feed client may subscribe; publishes under $SYS/ from ordinary clients reach no one', async () => {
    // The dashboard's feed connection (DESIGN §5): the feed user with a token from createFeedToken.
    const feed = await tb.ok('createFeedToken', {});
    const admin = await tb.connect({ clientId: 'sysadmin-feed', protocolVersion: 5, username: feed.username, password: feed.token, transport: 'ws' });
    const adminGot = collect(admin);
    assert.deepEqual(await subackCodes(admin, '$SYS/mqdash/#', 1), [1]);
    // The overview is retained (DESIGN §5, every 5 s): once it exists, a wildcard subscriber must not get it.
    await waitFor(() => adminGot.some((m) => m.topic === '$SYS/mqdash/overview'), 7000, 'the retained overview on the feed');
    const watcher = await tb.connect({ clientId: 'sys-watch', protocolVersion: 5 });
    const watcherGot = collect(watcher);
    await watcher.subscribeAsync('#', { qos: 1 });
    const watcher4 = await tb.connect({ clientId: 'sys-watch4', protocolVersion: 4 });
    const watcher4Got = collect(watcher4);
    await watcher4.subscribeAsync(['+/mqdash/overview', '+/mqdash/#'], { qos: 0 });

    // MQTT 5, QoS 1: answered with PUBACK 0x87 and dropped; the connection stays.
    const p5 = await tb.connect({ clientId: 'sys-pub5', protocolVersion: 5 });
    await assert.rejects(p5.publishAsync('$SYS/mqdash/events', 'forged', { qos: 1 }), (e: any) => e.code === 0x87);
    await p5.publishAsync('$SYS/mqdash/sessions/changes', 'forged-qos0', { qos: 0 });
    assert.equal(p5.connected, true);
    // MQTT 3.1.1 has no reason code: the broker drops the message (aedes closes that connection).
    const p4 = await tb.connect({ clientId: 'sys-pub4', protocolVersion: 4 });
    p4.publish('$SYS/mqdash/events', 'forged-v4', { qos: 0 });
    await closed(p4).catch(() => {});

    // The feed batches every 250 ms: wait past a batch so anything forged would have arrived.
    await sleep(700);
    assert.ok(adminGot.length > 0, 'the feed itself sent nothing, so the check below would prove nothing');
    assert.deepEqual(adminGot.filter((m) => m.text.startsWith('forged')).map((m) => m.topic), [], 'a forged $SYS message reached the admin feed');
    assert.deepEqual(watcherGot.map((m) => m.topic).filter((t) => t.startsWith('$SYS')), [], '# matched a $SYS topic [MQTT-4.7.2-1]');
    assert.deepEqual(watcher4Got.map((m) => m.topic), [], '+/… matched a $SYS topic [MQTT-4.7.2-1]');
    assert.deepEqual((await tb.describe('sys-pub5')).publishedTopics, [], 'refused publishes were recorded as published topics');
    assert.equal((await tb.describe('sys-pub5')).stats.totalMessagesPublished, 0, 'refused publishes were counted');
  });
});

describe('QoS of deliveries', () => {
  test('a QoS 2 message reaches a subscription granted QoS 1 at QoS 1, through an exact or a wildcard filter [MQTT-3.8.4-8]', async () => {
    for (const protocolVersion of [4, 5] as const) {
      const sub = await tb.connect({ clientId: `qos-sub-${protocolVersion}`, protocolVersion });
      const got = collect(sub);
      await sub.subscribeAsync(`qos${protocolVersion}/exact`, { qos: 1 });
      await sub.subscribeAsync(`qos${protocolVersion}/wild/+`, { qos: 1 });
      await sub.subscribeAsync(`qos${protocolVersion}/two/#`, { qos: 2 });
      const pub = await tb.connect({ clientId: `qos-pub-${protocolVersion}`, protocolVersion: 5 });
      for (const topic of ['exact', 'wild/a', 'two/b']) await pub.publishAsync(`qos${protocolVersion}/${topic}`, topic, { qos: 2 });
      await waitFor(() => got.length === 3, 3000, 'three deliveries');
      const qos = Object.fromEntries(got.map((m) => [m.topic, m.packet.qos]));
      assert.deepEqual(qos, { [`qos${protocolVersion}/exact`]: 1, [`qos${protocolVersion}/wild/a`]: 1, [`qos${protocolVersion}/two/b`]: 2 }, `MQTT ${protocolVersion}`);
    }
  });
});
