/**
 * Health and backlog thresholds are evaluated for MQ API sessions too (issue 9): a session whose
 * subscription fills its queue while no client fetches turns unhealthy instead of staying
 * "offline"; one never used and without subscriptions stays offline. Across a restart too.
 * Real broker, real SQLite file, real MQTT publisher.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, waitFor, type TestBroker } from './helpers.ts';

let tb: TestBroker | undefined;
after(async () => {
  await tb?.close();
});

const healthOf = async (t: TestBroker, name: string) => (await t.describe(name)).stats.sessionHealth as string;
const listedAs = async (t: TestBroker, name: string, health: string) =>
  (await t.list({ partialClientName: name, healthFilter: [health] })).some((r) => r.clientName === name);

test('a growing backlog nobody fetches makes an MQ API session unhealthy; it stays disconnected', async () => {
  tb = await startBroker();
  await tb.ok('createMqApiSession', { clientName: 'api-backlog' });
  await tb.ok('createMqApiSession', { clientName: 'api-idle' });
  await tb.ok('subscribeToMq', { clientName: 'api-backlog', subscriptionActions: [{ subscriptionAction: 'add', topicFilter: 'feed/#' }] });
  await tb.ok('alterMqSession', { clientName: 'api-backlog', maxHealthyBacklogRatePerMinute: 5 });
  await tb.ok('alterMqSession', { clientName: 'api-idle', maxHealthyBacklogRatePerMinute: 5 });
  await waitFor(async () => (await healthOf(tb!, 'api-backlog')) === 'healthy', 3000, 'watched and healthy once subscribed');

  const pub = await tb.connect({ clientId: 'feed-pub', protocolVersion: 5 });
  for (let i = 0; i < 20; i++) await pub.publishAsync('feed/x', `m${i}`, { qos: 1 });
  await waitFor(() => listedAs(tb!, 'api-backlog', 'unhealthy'), 3000, 'listMqSessions healthFilter unhealthy to find api-backlog');
  const d = await tb.describe('api-backlog');
  assert.equal(d.stats.currentDeliveryBacklogged, 20);
  assert.match(d.stats.unhealthyReason, /maxHealthyBacklogRatePerMinute/);
  assert.equal(d.connectionStatus, 'disconnected', 'no client used it');
  // Never used and nothing subscribed: offline, whatever its thresholds.
  assert.equal(await healthOf(tb, 'api-idle'), 'offline');

  // After a restart the session is watched again from its stored subscription.
  await tb.stop();
  tb = await startBroker({ dataDir: tb.dataDir });
  await waitFor(async () => (await tb!.describe('api-backlog')).stats.currentDeliveryBacklogged === 20, 3000, 'the queue survived');
  const pub2 = await tb.connect({ clientId: 'feed-pub', protocolVersion: 5 });
  for (let i = 0; i < 20; i++) await pub2.publishAsync('feed/x', `n${i}`, { qos: 1 });
  await waitFor(() => listedAs(tb!, 'api-backlog', 'unhealthy'), 3000, 'unhealthy again after the restart');
});
