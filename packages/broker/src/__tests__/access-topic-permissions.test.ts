/**
 * Topic permissions (issue 12) end to end: real mqtt.js clients (MQTT 3.1.1 and 5.0, TCP and
 * WebSocket) against a real broker, the rules managed through the JSON actions. Each decision
 * path: allow, deny, placeholders, order, account / anonymous / everyone, the default, the cache
 * recomputed when rules change, and every denial counted on the session.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- results are read property by property */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import { ErrorCode } from '@mqdash/contracts';
import { collect, startBroker, waitFor, type TestBroker, type Transport } from './helpers.ts';

const versions = [4, 5] as const;
let tb: TestBroker;
let uniq = 0;
const id = (prefix: string) => `${prefix}-${++uniq}`;

before(async () => {
  tb = await startBroker();
});
after(() => tb.close());
/** Each test starts from no rules and the default allow. */
afterEach(async () => {
  for (const r of (await tb.ok('listTopicPermissions')).data) await tb.ok('deleteTopicPermission', { permissionId: r.permissionId });
  await tb.ok('alterTopicPermissionSettings', { defaultPermission: 'allow' });
});

const rule = (subject: string, permission: string, action: string, topicFilter: string, extra: Record<string, unknown> = {}) =>
  tb.ok('createTopicPermission', { subject, permission, action, topicFilter, ...extra });

/** The SUBACK's granted codes: MQTT 5 reason codes, 3.1.1 return codes. */
function subscribe(c: MqttClient, filter: string, qos: 0 | 1 = 0): Promise<number> {
  return new Promise((resolve, reject) => c.subscribe(filter, { qos }, (err, granted) => {
    // mqtt.js reports a SUBACK failure code (0x80 and up) as an error carrying the SUBACK.
    const failure = (err as { packet?: { granted?: number[] } } | null)?.packet?.granted?.[0];
    if (typeof failure === 'number') return resolve(failure);
    if (granted?.[0]) return resolve(granted[0].qos);
    reject(err ?? new Error('no SUBACK'));
  }));
}

/** Publishes and resolves with the PUBACK's reason code (0 when accepted; 3.1.1 has none). */
function publish(c: MqttClient, topic: string, qos: 0 | 1 | 2): Promise<number> {
  return new Promise((resolve) => c.publish(topic, 'x', { qos }, (err, packet) => {
    const code = (err as { code?: number } | undefined)?.code ?? (packet as { reasonCode?: number } | undefined)?.reasonCode ?? 0;
    resolve(code);
  }));
}

/**
 * Whether a message on `topic` from `pub` reaches a subscriber to '#': a marker published after it
 * on an allowed topic arrives in order, so its arrival without the first proves the first dropped.
 */
async function delivered(pub: MqttClient, topic: string, qos: 0 | 1 | 2, watcher: MqttClient): Promise<boolean> {
  const seen = collect(watcher);
  const marker = `marker/${id('m')}`;
  await publish(pub, topic, qos);
  await publish(pub, marker, 0);
  await waitFor(() => seen.some((m) => m.topic === marker), 5000, `the marker ${marker}`);
  return seen.some((m) => m.topic === topic);
}

async function watcher(): Promise<MqttClient> {
  const w = await tb.connect({ clientId: id('watcher') });
  assert.equal(await subscribe(w, '#'), 0);
  return w;
}

describe('topic permissions', () => {
  test('with no rules and the default allow, everything is allowed (an upgrade changes nothing)', async () => {
    const w = await watcher();
    const c = await tb.connect({ clientId: id('c') });
    assert.equal(await subscribe(c, 'any/thing/#'), 0);
    assert.equal(await delivered(c, 'any/thing', 1, w), true);
  });

  for (const v of versions) {
    const name = v === 5 ? 'MQTT 5' : 'MQTT 3.1.1';
    const transport: Transport = v === 5 ? 'tcp' : 'ws';
    test(`${name} over ${transport}: a denied SUBSCRIBE gets ${v === 5 ? '0x87' : '0x80'} for that filter; the others are granted`, async () => {
      await rule('everyone', 'deny', 'subscribe', 'secret/#');
      const c = await tb.connect({ clientId: id(`s${v}`), protocolVersion: v, transport });
      assert.equal(await subscribe(c, 'secret/a'), v === 5 ? 0x87 : 0x80);
      assert.equal(await subscribe(c, 'secret/#'), v === 5 ? 0x87 : 0x80);
      // "#" could read secret/…: a rule covers a subscription only when it covers every topic it matches.
      assert.equal(await subscribe(c, 'public/#', 1), 1);
      const d = await tb.describe(c.options.clientId!);
      assert.equal(d.accessDenials.subscribe, 2);
      assert.match(d.accessDenials.lastDenial, /subscribe to "secret\/#" denied by topic permission #1/);
    });

    test(`${name} over ${transport}: a denied PUBLISH is dropped at every QoS${v === 5 ? ', QoS 1/2 answered 0x87' : ' and acknowledged as usual'}; the connection stays`, async () => {
      await rule('everyone', 'deny', 'publish', 'secret/#');
      const w = await watcher();
      const c = await tb.connect({ clientId: id(`p${v}`), protocolVersion: v, transport });
      for (const qos of [0, 1, 2] as const) assert.equal(await delivered(c, `secret/q${qos}`, qos, w), false, `QoS ${qos} was delivered`);
      if (v === 5) {
        assert.equal(await publish(c, 'secret/x', 1), 0x87);
        assert.equal(await publish(c, 'secret/x', 2), 0x87);
      }
      assert.equal(await delivered(c, 'public/x', 1, w), true);
      assert.equal(c.connected, true);
      const d = await tb.describe(c.options.clientId!);
      assert.equal(d.accessDenials.publish, v === 5 ? 5 : 3);
    });
  }

  test('%c and %u stand for the client id and user name; rules apply in order', async () => {
    // The watcher subscribes before the rules exist (rules judge new SUBSCRIBEs, not granted ones).
    const w = await tb.connect({ clientId: 'w-admin' });
    assert.equal(await subscribe(w, '#'), 0);
    await rule('everyone', 'allow', 'all', 'devices/%c/#');
    await rule('everyone', 'allow', 'publish', 'users/%u/#');
    await rule('everyone', 'deny', 'all', '#');
    await rule('everyone', 'allow', 'publish', 'marker/#', { position: 1 });
    const me = id('dev');
    const c = await tb.connect({ clientId: me, username: 'alice' });
    assert.equal(await delivered(c, `devices/${me}/temp`, 1, w), true);
    assert.equal(await delivered(c, 'devices/someone-else/temp', 1, w), false);
    assert.equal(await delivered(c, 'users/alice/x', 0, w), true);
    assert.equal(await delivered(c, 'users/bob/x', 0, w), false);
    assert.equal(await subscribe(c, `devices/${me}/#`), 0);
    assert.equal(await subscribe(c, 'devices/+/temp'), 0x87);
    // Without a user name, a %u rule does not apply (and a "+" in an id does not widen a %c rule).
    const anon = await tb.connect({ clientId: id('anon') });
    assert.equal(await delivered(anon, 'users//x', 0, w), false);
    const list = (await tb.ok('listTopicPermissions')).data;
    assert.deepEqual(list.map((r: any) => [r.position, r.topicFilter]), [[1, 'marker/#'], [2, 'devices/%c/#'], [3, 'users/%u/#'], [4, '#']]);
  });

  test('rules for an account, for anonymous clients and for everyone; the default deny', async () => {
    const password = 'sensor-password-1';
    await tb.ok('createMqttUser', { username: 'sensor', password });
    await tb.ok('createMqttUser', { username: 'viewer-dev', password });
    await rule('account', 'allow', 'publish', 'telemetry/#', { username: 'sensor' });
    await rule('anonymous', 'deny', 'all', '#');
    await rule('everyone', 'allow', 'subscribe', 'telemetry/#');
    await rule('everyone', 'allow', 'all', 'marker/#');
    await tb.ok('alterTopicPermissionSettings', { defaultPermission: 'deny' });
    const w = await tb.connect({ clientId: id('w'), username: 'viewer-dev', password });
    assert.equal(await subscribe(w, 'telemetry/#'), 0);
    assert.equal(await subscribe(w, 'other/#'), 0x87);
    assert.equal(await subscribe(w, 'marker/#'), 0);
    const sensor = await tb.connect({ clientId: id('sensor'), username: 'sensor', password, protocolVersion: 4 });
    assert.equal(await delivered(sensor, 'telemetry/t1', 1, w), true);
    const other = await tb.connect({ clientId: id('other'), username: 'viewer-dev', password });
    assert.equal(await delivered(other, 'telemetry/t2', 1, w), false);
    // Anonymous access is denied before the everyone rule.
    await tb.ok('alterMqttAuthSettings', { allowAnonymous: true });
    const anon = await tb.connect({ clientId: id('anon') });
    assert.equal(await subscribe(anon, 'telemetry/#'), 0x87);
    await tb.ok('deleteMqttUser', { username: 'sensor' });
    await tb.ok('deleteMqttUser', { username: 'viewer-dev' });
    assert.equal((await tb.ok('listTopicPermissions')).data.some((r: any) => r.subject === 'account'), false, 'an account\'s rules go with it');
  });

  test('a connection\'s cached decision is recomputed when the rules change', async () => {
    const w = await watcher();
    const c = await tb.connect({ clientId: id('cache') });
    assert.equal(await delivered(c, 'flip/x', 1, w), true);
    const r = await rule('everyone', 'deny', 'publish', 'flip/#', { position: 1 });
    assert.equal(await delivered(c, 'flip/x', 1, w), false);
    await tb.ok('deleteTopicPermission', { permissionId: r.permissionId });
    assert.equal(await delivered(c, 'flip/x', 1, w), true);
  });

  test('bad rules are refused naming the property', async () => {
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ subject: 'account', permission: 'allow', action: 'all', topicFilter: 'a' }, ErrorCode.missingProperty, 'params.username'],
      [{ subject: 'everyone', username: 'x', permission: 'allow', action: 'all', topicFilter: 'a' }, ErrorCode.mutuallyExclusive, 'params.username'],
      [{ subject: 'everyone', permission: 'allow', action: 'all', topicFilter: 'a/#/b' }, ErrorCode.outOfLimits, 'params.topicFilter'],
      [{ subject: 'everyone', permission: 'maybe', action: 'all', topicFilter: 'a' }, ErrorCode.outOfLimits, 'params.permission'],
      [{ subject: 'account', username: 'nobody-here', permission: 'allow', action: 'all', topicFilter: 'a' }, ErrorCode.unknownMqttUser, 'params.username'],
    ];
    for (const [params, code, property] of cases) {
      const r = await tb.act('createTopicPermission', params);
      assert.equal(r.errorCode, code, `${JSON.stringify(params)}: ${r.errorMessage}`);
      assert.equal(r.errorData?.property, property, r.errorMessage);
    }
    assert.equal((await tb.act('deleteTopicPermission', { permissionId: 999999 })).errorCode, ErrorCode.unknownTopicPermission);
  });
});
