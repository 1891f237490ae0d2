/**
 * Stats and health (DESIGN §3 "Stats and health"): thresholds set with alterMqSession against real
 * MQTT traffic; the counters of describeMqSessions' stats and listMqSessions' rows.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closed, collect, sleep, startBroker, waitFor, type TestBroker } from './helpers.ts';

let tb: TestBroker;

before(async () => {
  tb = await startBroker();
});
after(async () => {
  await tb?.close();
});

const row = async (clientName: string, params: Record<string, unknown> = {}) =>
  (await tb.list({ partialClientName: clientName, ...params })).find((r) => r.clientName === clientName);
const healthOf = async (clientName: string) => (await tb.describe(clientName)).stats.sessionHealth as string;
const inHealth = async (clientName: string, health: string) => (await row(clientName, { healthFilter: [health] })) !== undefined;

describe('health thresholds', () => {
  test('maxHealthySendRatePerMinute: 5 messages over a max of 3 make the session unhealthy; raising it to 100 makes it healthy', async () => {
    const name = 'h-send';
    const c = await tb.connect({ clientId: name, protocolVersion: 5 });
    const altered = await tb.ok('alterMqSession', { clientName: name, maxHealthySendRatePerMinute: 3 });
    assert.equal(altered.connectionStatus, 'connected');
    assert.equal(await healthOf(name), 'healthy');
    assert.equal(await inHealth(name, 'unhealthy'), false);

    for (let i = 0; i < 5; i++) await c.publishAsync('h/send', `m${i}`, { qos: 1 });
    await waitFor(() => inHealth(name, 'unhealthy'), 2500, 'listMqSessions healthFilter unhealthy to find h-send');
    const d = await tb.describe(name);
    assert.equal(d.stats.sessionHealth, 'unhealthy');
    assert.equal(d.stats.publishRatePerMinute, 5);
    assert.equal(d.stats.maxHealthySendRatePerMinute, 3);
    assert.match(d.stats.unhealthyReason ?? '', /maxHealthySendRatePerMinute/);
    const r = await row(name);
    assert.equal(r.sessionHealth, 'unhealthy');
    assert.match(r.unhealthyReason ?? '', /maxHealthySendRatePerMinute/);
    assert.equal(await inHealth(name, 'healthy'), false);

    await tb.ok('alterMqSession', { clientName: name, maxHealthySendRatePerMinute: 100 });
    await waitFor(() => inHealth(name, 'healthy'), 2000, 'healthy after raising the threshold');
    const d2 = await tb.describe(name);
    assert.equal(d2.stats.sessionHealth, 'healthy');
    assert.equal(d2.stats.unhealthyReason, undefined);
    assert.equal(await inHealth(name, 'unhealthy'), false);

    // A fractional threshold is valid (seed 002: "such as 10 or 0.1").
    await tb.ok('alterMqSession', { clientName: name, maxHealthySendRatePerMinute: 4.5 });
    await waitFor(async () => (await healthOf(name)) === 'unhealthy', 2000, 'unhealthy at 4.5');
  });

  test('subscribed topic filter count: min 2 with one subscription is unhealthy, a second makes it healthy; disconnected is offline', async () => {
    const name = 'h-subs';
    const c = await tb.connect({ clientId: name, protocolVersion: 4, clean: false });
    await c.subscribeAsync('h/one', { qos: 0 });
    await tb.ok('alterMqSession', { clientName: name, minHealthySubscribedTopicFiltersCount: 2 });
    await waitFor(() => inHealth(name, 'unhealthy'), 2000, 'unhealthy with 1 of min 2 subscriptions');
    const d = await tb.describe(name);
    assert.match(d.stats.unhealthyReason ?? '', /minHealthySubscribedTopicFiltersCount/);
    assert.equal((await row(name)).subscribedTopicFiltersCount, 1);

    await c.subscribeAsync('h/two', { qos: 1 });
    await waitFor(() => inHealth(name, 'healthy'), 2000, 'healthy with 2 subscriptions');
    assert.equal((await row(name)).subscribedTopicFiltersCount, 2);

    // A maximum too: a third filter over max 2 breaks it.
    await tb.ok('alterMqSession', { clientName: name, maxHealthySubscribedTopicFiltersCount: 2 });
    await c.subscribeAsync('h/three', { qos: 0 });
    await waitFor(() => inHealth(name, 'unhealthy'), 2000, 'unhealthy with 3 subscriptions over max 2');
    assert.match((await tb.describe(name)).stats.unhealthyReason ?? '', /maxHealthySubscribedTopicFiltersCount/);
    await c.unsubscribeAsync('h/three');
    await waitFor(() => inHealth(name, 'healthy'), 2000, 'healthy after unsubscribing');
    assert.equal((await row(name)).subscribedTopicFiltersCount, 2);

    c.end();
    await closed(c);
    await waitFor(() => inHealth(name, 'offline'), 2000, 'offline after disconnect');
    assert.equal(await healthOf(name), 'offline');
    assert.equal(await inHealth(name, 'healthy'), false);
    // Subscriptions of a persistent session are kept while it is offline.
    assert.equal((await row(name)).subscribedTopicFiltersCount, 2);
  });

  test('minHealthySendRatePerMinute is not checked before the session has been connected a full minute', async () => {
    const name = 'h-minsend';
    await tb.connect({ clientId: name, protocolVersion: 5 });
    await tb.ok('alterMqSession', { clientName: name, minHealthySendRatePerMinute: 10 });
    await sleep(1200);
    assert.equal(await healthOf(name), 'healthy');
  });

  test('unsetHealthMeasures false leaves out sessions without thresholds', async () => {
    await tb.connect({ clientId: 'h-unset-none', protocolVersion: 5 });
    await tb.connect({ clientId: 'h-unset-some', protocolVersion: 5 });
    await tb.ok('alterMqSession', { clientName: 'h-unset-some', maxHealthySendRatePerMinute: 1000 });
    const rows = await tb.list({ partialClientName: 'h-unset-', unsetHealthMeasures: false });
    assert.deepEqual(rows.map((r) => r.clientName), ['h-unset-some']);
    const all = await tb.list({ partialClientName: 'h-unset-' });
    assert.deepEqual(all.map((r) => r.clientName), ['h-unset-none', 'h-unset-some']);
  });
});

describe('stats counters', () => {
  test('published and received totals and per-minute rates follow real traffic', async () => {
    const sub = await tb.connect({ clientId: 'st-sub', protocolVersion: 5 });
    const got = collect(sub);
    await sub.subscribeAsync('st/#', { qos: 1 });
    const pub = await tb.connect({ clientId: 'st-pub', protocolVersion: 4, clean: false });
    for (let i = 0; i < 4; i++) await pub.publishAsync('st/a', `a${i}`, { qos: 1 });
    for (let i = 0; i < 3; i++) await pub.publishAsync('st/b', `b${i}`, { qos: 0 });
    await waitFor(() => got.length === 7, 2000, '7 messages delivered');

    const p = await tb.describe('st-pub');
    assert.equal(p.stats.totalMessagesPublished, 7);
    assert.equal(p.stats.publishRatePerMinute, 7);
    assert.equal(p.stats.publishRatePerHour, 7);
    assert.equal(p.stats.publishRatePerMinuteLast10Minutes, 0.7);
    assert.equal(p.stats.totalMessagesReceived, 0);
    assert.equal(p.stats.receiveMessagesPerMinute, 0);
    assert.deepEqual(p.publishedTopics, ['st/a', 'st/b']);

    const s = await tb.describe('st-sub');
    assert.equal(s.stats.totalMessagesReceived, 7);
    assert.equal(s.stats.receiveMessagesPerMinute, 7);
    assert.equal(s.stats.receiveMessagesPerHour, 7);
    assert.equal(s.stats.totalMessagesPublished, 0);
    assert.equal(s.stats.publishRatePerMinute, 0);
    assert.deepEqual(s.publishedTopics, []);

    const pr = await row('st-pub');
    assert.equal(pr.publishRatePerMinute, 7);
    assert.equal(pr.receiveMessagesPerMinute, 0);
    const sr = await row('st-sub');
    assert.equal(sr.publishRatePerMinute, 0);
    assert.equal(sr.receiveMessagesPerMinute, 7);

    // Totals are "since the session was created": kept across a reconnect.
    pub.end();
    await closed(pub);
    await waitFor(async () => (await tb.describe('st-pub')).connectionStatus === 'disconnected', 2000, 'st-pub disconnected');
    assert.equal((await tb.describe('st-pub')).stats.totalMessagesPublished, 7);
    const pub2 = await tb.connect({ clientId: 'st-pub', protocolVersion: 4, clean: false });
    await pub2.publishAsync('st/c', 'c', { qos: 1 });
    await waitFor(() => got.length === 8, 2000, '8th message delivered');
    const p2 = await tb.describe('st-pub');
    assert.equal(p2.stats.totalMessagesPublished, 8);
    assert.equal((await tb.describe('st-sub')).stats.totalMessagesReceived, 8);
  });

  test('a message no one is subscribed to counts as published, not as received by anyone', async () => {
    const pub = await tb.connect({ clientId: 'st-lonely', protocolVersion: 5 });
    await pub.publishAsync('nobody/listens', 'x', { qos: 1 });
    await pub.publishAsync('nobody/listens', 'y', { qos: 0 });
    await waitFor(async () => (await tb.describe('st-lonely')).stats.totalMessagesPublished === 2, 2000, '2 published');
    assert.equal((await tb.describe('st-lonely')).stats.totalMessagesReceived, 0);
  });

  test('currentDeliveryBacklogged counts QoS 1 messages queued for an offline persistent subscriber, and returns to 0 once acknowledged', async () => {
    const name = 'bl-sub';
    const sub = await tb.connect({ clientId: name, protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 300 } });
    await sub.subscribeAsync('bl/t', { qos: 1 });
    sub.end();
    await closed(sub);
    await waitFor(async () => (await tb.describe(name)).connectionStatus === 'disconnected', 2000, 'bl-sub disconnected');

    const pub = await tb.connect({ clientId: 'bl-pub', protocolVersion: 4 });
    for (let i = 0; i < 4; i++) await pub.publishAsync('bl/t', `q${i}`, { qos: 1 });
    await pub.publishAsync('bl/other', 'not for bl-sub', { qos: 1 });

    await waitFor(async () => (await tb.describe(name)).stats.currentDeliveryBacklogged === 4, 2000, 'backlog of 4');
    const d = await tb.describe(name);
    assert.equal(d.stats.sessionHealth, 'offline');
    assert.equal(d.stats.deliveryBacklogRatePerMinute, 4);
    assert.equal((await row(name)).currentDeliveryBacklogged, 4);
    assert.equal((await tb.describe('bl-pub')).stats.currentDeliveryBacklogged, 0);

    const back = await tb.connect({ clientId: name, protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 300 } });
    assert.equal(back.connack.sessionPresent, true);
    const got = collect(back);
    await waitFor(() => got.length === 4, 3000, 'the 4 queued messages delivered');
    assert.deepEqual(got.map((m) => m.text), ['q0', 'q1', 'q2', 'q3']);
    await waitFor(async () => (await tb.describe(name)).stats.currentDeliveryBacklogged === 0, 2000, 'backlog back to 0');
    assert.equal((await row(name)).currentDeliveryBacklogged, 0);
    assert.equal((await tb.describe(name)).stats.totalMessagesReceived, 4);
  });

  test('QoS 2 messages queued for a persistent subscriber leave the backlog once PUBCOMP completes the exchange', async () => {
    const name = 'bl-sub2';
    const sub = await tb.connect({ clientId: name, protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 300 } });
    await sub.subscribeAsync('bl2/t', { qos: 2 });
    sub.end();
    await closed(sub);
    await waitFor(async () => (await tb.describe(name)).connectionStatus === 'disconnected', 2000, 'bl-sub2 disconnected');
    const pub = await tb.connect({ clientId: 'bl-pub2', protocolVersion: 5 });
    for (let i = 0; i < 3; i++) await pub.publishAsync('bl2/t', `e${i}`, { qos: 2 });
    await waitFor(async () => (await tb.describe(name)).stats.currentDeliveryBacklogged === 3, 2000, 'backlog of 3');

    // PUBREC turns each stored PUBLISH into a PUBREL (packet identifier only); PUBCOMP clears it.
    const back = await tb.connect({ clientId: name, protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 300 } });
    const got = collect(back);
    await waitFor(() => got.length === 3, 3000, 'the 3 queued messages delivered');
    await waitFor(async () => (await tb.describe(name)).stats.currentDeliveryBacklogged === 0, 2000, 'backlog back to 0');
    // And live QoS 2 deliveries to the connected session do not pile up either.
    for (let i = 0; i < 3; i++) await pub.publishAsync('bl2/t', `l${i}`, { qos: 2 });
    await waitFor(() => got.length === 6, 3000, '3 more delivered');
    await waitFor(async () => (await tb.describe(name)).stats.currentDeliveryBacklogged === 0, 2000, 'backlog still 0');
  });

  test('unacknowledged in-flight messages count as backlog and break maxHealthyBacklogRatePerMinute', async () => {
    const name = 'bl-noack';
    // customHandleAcks that never answers: mqtt.js sends no PUBACK.
    const sub = await tb.connect({
      clientId: name, protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 300 },
      customHandleAcks: () => {},
    });
    await sub.subscribeAsync('bl/noack', { qos: 1 });
    await tb.ok('alterMqSession', { clientName: name, maxHealthyBacklogRatePerMinute: 2 });
    assert.equal(await healthOf(name), 'healthy');

    const pub = await tb.connect({ clientId: 'bl-noack-pub', protocolVersion: 5 });
    for (let i = 0; i < 3; i++) await pub.publishAsync('bl/noack', `n${i}`, { qos: 1 });
    await waitFor(async () => (await tb.describe(name)).stats.currentDeliveryBacklogged === 3, 2000, 'backlog of 3 in flight');
    await waitFor(() => inHealth(name, 'unhealthy'), 2500, 'unhealthy on backlog growth');
    assert.match((await tb.describe(name)).stats.unhealthyReason ?? '', /maxHealthyBacklogRatePerMinute/);

    // A new connection of the same session that acknowledges drains it.
    sub.end(true);
    await closed(sub);
    const again = await tb.connect({ clientId: name, protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 300 } });
    const got = collect(again);
    await waitFor(() => got.length === 3, 3000, 'redelivery of the 3 messages');
    await waitFor(async () => (await tb.describe(name)).stats.currentDeliveryBacklogged === 0, 2000, 'backlog back to 0');
  });
});
