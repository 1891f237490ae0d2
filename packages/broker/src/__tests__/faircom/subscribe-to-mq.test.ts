/**
 * subscribeToMq: FairCom's documented request forms, sent as JSON to a real broker, with real
 * MQTT 5 clients (mqtt.js) seeing the effect, and MQ API sessions reading their queues.
 * Page: https://docs.faircom.com/docs/en/UUID-6fc74708-593d-e913-e7a6-c92c41c9dc5f.html
 * (its item properties: subscriptionAction "add" | "remove", topicFilter, subscriptionIdentifier,
 * includeExpiredMessages, receiveRetainedMessages, receiveMyMessages, userProperties). The stored
 * copy of the page ends before its request examples, so these requests are built from the
 * properties it documents; the receiveRetainedMessages words and receiveMyOwnMessages come from
 * an older copy of describeMqSessions (https://docs.faircom.com/docs/en/UUID-5871e2cf-c005-eaff-e32a-6c97728599e1.html).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { collect, roundTrip, startBroker, waitFor, type TestBroker } from '../helpers.ts';
import { assertRefused, assertSucceeded, send, warningsOf } from './faircom-helpers.ts';

let tb: TestBroker;

before(async () => {
  tb = await startBroker();
});
after(async () => {
  await tb?.close();
});

const subscribe = (clientName: string, subscriptionActions: unknown[], extra: Record<string, unknown> = {}) => ({
  api: 'mq', action: 'subscribeToMq', params: { clientName, subscriptionActions }, authToken: 'replaceWithAuthTokenFromCreateSession', ...extra,
});

describe('an MQTT 5 client sees what subscribeToMq does', () => {
  test('"add" with every FairCom property: the client is subscribed live; messages carry the Subscription Identifier', async () => {
    const c = await tb.connect({ clientId: 'fc-add', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 600 } });
    const got = collect(c);
    const example = subscribe('fc-add', [{
      subscriptionAction: 'add',
      topicFilter: 'plant/+/temperature',
      subscriptionIdentifier: 7,
      includeExpiredMessages: false,
      receiveRetainedMessages: 'onSubscription',
      receiveMyMessages: true,
      userProperties: [{ key: 'team', value: 'ops' }],
    }], { apiVersion: '1.0', requestId: 'sub-1', debug: 'max' });
    const r = await send(tb, example);
    assertSucceeded(r, example, 'add');
    assert.deepEqual(r.result.results, [{ subscriptionAction: 'add', action: 'subscribe', topicFilter: 'plant/+/temperature', qos: 2, succeeded: true }]);
    assert.equal(warningsOf(r).length, 0, JSON.stringify(r.debugInfo));

    const pub = await tb.connect({ clientId: 'fc-add-pub', protocolVersion: 5 });
    await pub.publishAsync('plant/7/temperature', '21.5', { qos: 1 });
    await waitFor(() => got.length >= 1, 3000, 'the message through the added subscription');
    assert.equal(got[0]!.topic, 'plant/7/temperature');
    assert.equal(got[0]!.packet.properties?.subscriptionIdentifier, 7);

    const d = await tb.describe('fc-add');
    const s = d.subscribedTopics.find((x: { topicFilter: string }) => x.topicFilter === 'plant/+/temperature');
    assert.equal(s.subscriptionIdentifier, 7);
    assert.equal(s.receiveMyMessages, true);
    assert.equal(s.receiveRetainedMessages, 'onSubscription');
    assert.equal(s.includeExpiredMessages, false);
    assert.deepEqual(s.userProperties, [{ key: 'team', value: 'ops' }]);
    // FairCom's topics: what was published under the filter since it was subscribed.
    assert.deepEqual(s.topics, [{ topic: 'plant/7/temperature' }]);
  });

  test('"remove" unsubscribes the client (it used to subscribe it, silently)', async () => {
    const c = await tb.connect({ clientId: 'fc-remove', protocolVersion: 5 });
    const got = collect(c);
    await c.subscribeAsync('line/1/state', { qos: 1 });
    const example = subscribe('fc-remove', [{ subscriptionAction: 'remove', topicFilter: 'line/1/state' }]);
    const r = await send(tb, example);
    assertSucceeded(r, example, 'remove');
    assert.deepEqual(r.result.results, [{ subscriptionAction: 'remove', action: 'unsubscribe', topicFilter: 'line/1/state', succeeded: true }]);
    assert.deepEqual(r.result.subscribedTopics, []);
    const pub = await tb.connect({ clientId: 'fc-remove-pub', protocolVersion: 5 });
    await pub.publishAsync('line/1/state', 'running', { qos: 1 });
    // A round trip on the same client proves the message would have arrived by now.
    await roundTrip(c);
    assert.equal(got.filter((m) => m.topic === 'line/1/state').length, 0, 'no message after remove');
    assert.deepEqual((await tb.describe('fc-remove')).subscribedTopics, []);
  });

  test('"REMOVE" in capitals works too; mqdash\'s "action": "unsubscribe" stays an alias', async () => {
    const c = await tb.connect({ clientId: 'fc-alias', protocolVersion: 5 });
    await c.subscribeAsync('a/1', { qos: 0 });
    await c.subscribeAsync('a/2', { qos: 0 });
    const r = await send(tb, subscribe('fc-alias', [{ subscriptionAction: 'REMOVE', topicFilter: 'a/1' }, { action: 'unsubscribe', topicFilter: 'a/2' }]));
    assert.equal(r.errorCode, 0, r.errorMessage);
    assert.ok(r.result.results.every((x: { succeeded: boolean }) => x.succeeded));
    assert.deepEqual(r.result.subscribedTopics, []);
  });

  test('receiveMyMessages false: the session\'s own messages are not delivered to it (No Local)', async () => {
    const c = await tb.connect({ clientId: 'fc-own', protocolVersion: 5 });
    const got = collect(c);
    assert.equal((await send(tb, subscribe('fc-own', [{ subscriptionAction: 'add', topicFilter: 'own/#', receiveMyMessages: false }]))).errorCode, 0);
    await c.publishAsync('own/x', 'mine', { qos: 1 });
    const other = await tb.connect({ clientId: 'fc-own-other', protocolVersion: 5 });
    await other.publishAsync('own/x', 'theirs', { qos: 1 });
    await waitFor(() => got.some((m) => m.text === 'theirs'), 3000, 'the other client\'s message');
    assert.deepEqual(got.filter((m) => m.topic === 'own/x').map((m) => m.text), ['theirs']);
    // The older spelling is an alias.
    const old = await send(tb, subscribe('fc-own', [{ subscriptionAction: 'add', topicFilter: 'own2/#', receiveMyOwnMessages: false }]));
    assert.equal(old.errorCode, 0, old.errorMessage);
    assert.equal((await tb.describe('fc-own')).subscribedTopics.find((s: { topicFilter: string }) => s.topicFilter === 'own2/#').noLocal, true);
  });

  test('receiveRetainedMessages: "never" sends no retained message, "onSubscription" does', async () => {
    const pub = await tb.connect({ clientId: 'fc-ret-pub', protocolVersion: 5 });
    await pub.publishAsync('ret/a', 'kept', { qos: 1, retain: true });
    const c = await tb.connect({ clientId: 'fc-ret', protocolVersion: 5 });
    const got = collect(c);
    assert.equal((await send(tb, subscribe('fc-ret', [{ subscriptionAction: 'add', topicFilter: 'ret/#', receiveRetainedMessages: 'never' }]))).errorCode, 0);
    await roundTrip(c);
    assert.equal(got.filter((m) => m.topic === 'ret/a').length, 0, '"never": no retained message');
    assert.equal((await send(tb, subscribe('fc-ret', [{ subscriptionAction: 'add', topicFilter: 'ret/+', receiveRetainedMessages: 'onSubscription' }]))).errorCode, 0);
    await waitFor(() => got.some((m) => m.topic === 'ret/a'), 3000, 'the retained message on subscription');
  });
});

describe('bad and unknown item properties', () => {
  test('a letter-case variant of a property ("subscriptionaction") is refused and changes nothing', async () => {
    await tb.ok('createMqApiSession', { clientName: 'fc-case' });
    await tb.ok('subscribeToMq', { clientName: 'fc-case', subscriptionActions: [{ topicFilter: 'keep/this' }] });
    const r = await send(tb, subscribe('fc-case', [{ subscriptionaction: 'remove', topicFilter: 'keep/this' }]));
    assertRefused(r, 14015, 'params.subscriptionActions[0].subscriptionaction');
    assert.match(r.errorMessage, /did you mean "subscriptionAction"/);
    assert.deepEqual((await tb.describe('fc-case')).subscribedTopics.map((s: { topicFilter: string }) => s.topicFilter), ['keep/this']);
  });

  test('an unknown property inside an item is named in a warning', async () => {
    await tb.ok('createMqApiSession', { clientName: 'fc-unknown' });
    const r = await send(tb, subscribe('fc-unknown', [{ subscriptionAction: 'add', topicFilter: 'u/1', deliveryMode: 'fast' }]));
    assert.equal(r.errorCode, 0, r.errorMessage);
    assert.ok(warningsOf(r).some((w) => w.code === 14015 && w.message.includes('params.subscriptionActions[0].deliveryMode')));
  });

  test('subscriptionAction and its alias disagreeing, or a bad subscriptionIdentifier, are refused', async () => {
    await tb.ok('createMqApiSession', { clientName: 'fc-bad' });
    assertRefused(await send(tb, subscribe('fc-bad', [{ subscriptionAction: 'add', action: 'unsubscribe', topicFilter: 'b/1' }])), 14004, 'params.subscriptionActions[0].action');
    assertRefused(await send(tb, subscribe('fc-bad', [{ subscriptionAction: 'drop', topicFilter: 'b/1' }])), 14003, 'params.subscriptionActions[0].subscriptionAction');
    assertRefused(await send(tb, subscribe('fc-bad', [{ subscriptionAction: 'add', topicFilter: 'b/1', subscriptionIdentifier: 0 }])), 14003, 'params.subscriptionActions[0].subscriptionIdentifier');
    assertRefused(await send(tb, subscribe('fc-bad', [{ subscriptionAction: 'add', topicFilter: 'b/1', receiveRetainedMessages: 'sometimes' }])), 14003, 'params.subscriptionActions[0].receiveRetainedMessages');
    assert.deepEqual((await tb.describe('fc-bad')).subscribedTopics, []);
  });
});

describe('shared subscriptions ($share/{group}/{filter})', () => {
  test('malformed ones are refused with the rule they break', async () => {
    await tb.ok('createMqApiSession', { clientName: 'fc-share-bad' });
    for (const topicFilter of ['$share//t', '$share/g', '$share/g/', '$share/g+/t', '$share/g/a/#/b']) {
      const r = await send(tb, subscribe('fc-share-bad', [{ subscriptionAction: 'add', topicFilter }]));
      assertRefused(r, 14003, 'params.subscriptionActions[0].topicFilter');
      assert.match(r.errorMessage, /MQTT-4\.8\.2|MQTT-4\.7/);
    }
    assertRefused(await send(tb, subscribe('fc-share-bad', [{ subscriptionAction: 'add', topicFilter: '$share/g/t', receiveMyMessages: false }])), 14003, 'params.subscriptionActions[0].receiveMyMessages');
  });

  test('MQ API sessions of one group get each message once between them; a plain subscriber gets every one', async () => {
    for (const n of ['fc-w1', 'fc-w2', 'fc-all']) await tb.ok('createMqApiSession', { clientName: n });
    for (const n of ['fc-w1', 'fc-w2']) {
      const r = await send(tb, subscribe(n, [{ subscriptionAction: 'add', topicFilter: '$share/workers/jobs/#' }]));
      assert.equal(r.errorCode, 0, r.errorMessage);
    }
    await tb.ok('subscribeToMq', { clientName: 'fc-all', subscriptionActions: [{ subscriptionAction: 'add', topicFilter: 'jobs/#' }] });
    const pub = await tb.connect({ clientId: 'fc-jobs', protocolVersion: 5 });
    const N = 20;
    for (let i = 0; i < N; i++) await pub.publishAsync(`jobs/${i % 3}`, `job-${i}`, { qos: 1 });
    const take = async (clientName: string) => (await tb.ok('getMessagesFromMqApiSession', { clientName, maxMessages: 1000 })).data.map((m: { payload: string }) => m.payload);
    const all = await waitFor(async () => {
      const d = await tb.describe('fc-all');
      return d.stats.currentDeliveryBacklogged === N ? take('fc-all') : null;
    }, 3000, 'every message at the plain subscriber');
    assert.equal(all.length, N);
    const w1 = await take('fc-w1');
    const w2 = await take('fc-w2');
    assert.equal(w1.length + w2.length, N, 'each message once per group');
    assert.deepEqual([...w1, ...w2].sort(), [...all].sort());
    assert.ok(w1.length > 0 && w2.length > 0, `both members get work: ${w1.length} / ${w2.length}`);
  });

  test('a member that keeps fetching takes the work; reading with its $share filter narrows to it', async () => {
    for (const n of ['fc-busy', 'fc-idle']) {
      await tb.ok('createMqApiSession', { clientName: n });
      await tb.ok('subscribeToMq', { clientName: n, subscriptionActions: [{ subscriptionAction: 'add', topicFilter: '$share/pool/work/+' }] });
    }
    const pub = await tb.connect({ clientId: 'fc-work-pub', protocolVersion: 5 });
    const busy: string[] = [];
    for (let i = 0; i < 10; i++) {
      await pub.publishAsync('work/a', `w${i}`, { qos: 1 });
      // Wait until the message is queued for one of them, then the busy one fetches.
      await waitFor(async () => (await tb.describe('fc-busy')).stats.currentDeliveryBacklogged + (await tb.describe('fc-idle')).stats.currentDeliveryBacklogged > 0, 3000, 'queued');
      busy.push(...(await tb.ok('getMessagesFromMqApiSession', { clientName: 'fc-busy', topic: '$share/pool/work/+' })).data.map((m: { payload: string }) => m.payload));
    }
    const idle = (await tb.ok('getMessagesFromMqApiSession', { clientName: 'fc-idle' })).data.length;
    assert.equal(busy.length + idle, 10);
    assert.ok(idle <= 1, `the idle member holds at most the one message given while the busy one was level with it, got ${idle}`);
  });

  test('an MQTT session cannot take one yet: the item fails with the reason, nothing is stored', async () => {
    await tb.connect({ clientId: 'fc-share-mqtt', protocolVersion: 5 });
    const r = await send(tb, subscribe('fc-share-mqtt', [{ subscriptionAction: 'add', topicFilter: '$share/g/t' }]));
    assert.equal(r.errorCode, 0, r.errorMessage);
    assert.equal(r.result.results[0].succeeded, false);
    assert.match(r.result.results[0].reason, /shared subscriptions/);
    assert.deepEqual((await tb.describe('fc-share-mqtt')).subscribedTopics, []);
  });
});

describe('includeExpiredMessages (MQ API sessions)', () => {
  test('true keeps a message past its expiry for the session; false drops it', async () => {
    for (const n of ['fc-exp-keep', 'fc-exp-drop']) await tb.ok('createMqApiSession', { clientName: n });
    await tb.ok('subscribeToMq', { clientName: 'fc-exp-keep', subscriptionActions: [{ subscriptionAction: 'add', topicFilter: 'exp/t', includeExpiredMessages: true }] });
    await tb.ok('subscribeToMq', { clientName: 'fc-exp-drop', subscriptionActions: [{ subscriptionAction: 'add', topicFilter: 'exp/t' }] });
    await tb.ok('createMqApiSession', { clientName: 'fc-exp-pub' });
    const sent = Date.now();
    await tb.ok('publishMessagesToMq', { clientName: 'fc-exp-pub', topic: 'exp/t', messages: [{ payload: 'short-lived', expirySeconds: 1 }] });
    // The expiry is time itself: wait until it has run out.
    await waitFor(() => Date.now() > sent + 1200, 3000, 'the message expiry');
    const keep = await tb.ok('getMessagesFromMqApiSession', { clientName: 'fc-exp-keep' });
    assert.deepEqual(keep.data.map((m: { payload: string }) => m.payload), ['short-lived']);
    const drop = await tb.ok('getMessagesFromMqApiSession', { clientName: 'fc-exp-drop' });
    assert.deepEqual(drop.data, []);
    assert.equal(drop.droppedMessages, 1);
  });
});
