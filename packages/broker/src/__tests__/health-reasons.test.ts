/**
 * Issue 13 "Health in words": each broken threshold as data (unhealthyReasonDetail) beside the
 * API's string (unhealthyReason), and "unhealthy since" kept in the store.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateHealth, type Thresholds } from '../stats/health.ts';
import { startBroker, waitFor, type TestBroker } from './helpers.ts';

const none: Thresholds = { minSend: 0, maxSend: 0, maxBacklog: 0, minSubs: 0, maxSubs: 0 };
const input = { connected: true, connectedSeconds: 120, publishRatePerMinute: 711, backlogRatePerMinute: 0, subscribedTopicFilters: 1 };

describe('evaluateHealth names the broken threshold as data and in the API words', () => {
  test('a send rate above the maximum', () => {
    const h = evaluateHealth({ ...none, maxSend: 500 }, input);
    assert.equal(h.health, 'unhealthy');
    assert.deepEqual(h.broken, {
      measure: 'publishRatePerMinute', comparison: 'above', value: 711, limit: 500, limitProperty: 'maxHealthySendRatePerMinute',
    });
    assert.equal(h.reason, 'publishRatePerMinute 711 is above maxHealthySendRatePerMinute 500');
  });

  test('each threshold keeps its unhealthyReason string', () => {
    const cases: Array<[Partial<Thresholds>, Partial<typeof input>, string]> = [
      [{ minSend: 1000 }, {}, 'publishRatePerMinute 711 is below minHealthySendRatePerMinute 1000'],
      [{ maxBacklog: 2 }, { backlogRatePerMinute: 3 }, 'deliveryBacklogRatePerMinute 3 is above maxHealthyBacklogRatePerMinute 2'],
      [{ minSubs: 2 }, {}, 'subscribed topic filters 1 is below minHealthySubscribedTopicFiltersCount 2'],
      [{ maxSubs: 2 }, { subscribedTopicFilters: 3 }, 'subscribed topic filters 3 is above maxHealthySubscribedTopicFiltersCount 2'],
    ];
    for (const [t, s, reason] of cases) {
      const h = evaluateHealth({ ...none, ...t }, { ...input, ...s });
      assert.equal(h.reason, reason);
      assert.equal(h.broken?.limit, Object.values(t)[0]);
    }
  });

  test('healthy and offline carry no reason', () => {
    assert.deepEqual(evaluateHealth({ ...none, maxSend: 1000 }, input), { health: 'healthy', reason: null, broken: null });
    assert.deepEqual(evaluateHealth({ ...none, maxSend: 5 }, { ...input, connected: false }), { health: 'offline', reason: null, broken: null });
  });
});

describe('structured reasons and unhealthy since, against a real client', () => {
  let tb: TestBroker;
  before(async () => {
    tb = await startBroker();
  });
  after(async () => {
    await tb?.close();
  });

  test('publishing above the maximum: detail, list row and store agree; since holds while unhealthy and clears after', async () => {
    const name = 'hr-send';
    const c = await tb.connect({ clientId: name, protocolVersion: 5 });
    await tb.ok('alterMqSession', { clientName: name, maxHealthySendRatePerMinute: 3 });
    const startedAt = Date.now();
    for (let i = 0; i < 5; i++) await c.publishAsync('hr/send', `m${i}`, { qos: 1 });
    await waitFor(async () => (await tb.describe(name)).stats.sessionHealth === 'unhealthy', 2500, 'unhealthy after 5 messages');

    const { stats } = await tb.describe(name);
    assert.match(stats.unhealthyReason, /maxHealthySendRatePerMinute 3/);
    const { since, ...rest } = stats.unhealthyReasonDetail;
    assert.deepEqual(rest, { measure: 'publishRatePerMinute', comparison: 'above', value: 5, limit: 3, limitProperty: 'maxHealthySendRatePerMinute' });
    assert.equal(since, stats.unhealthySince);
    const sinceMs = Date.parse(stats.unhealthySince);
    assert.ok(sinceMs >= startedAt - 1000 && sinceMs <= Date.now(), `unhealthySince ${stats.unhealthySince} is around now`);
    assert.equal(tb.broker.store.getSession(name)!.unhealthySince, sinceMs, 'the store keeps unhealthy since');

    const row = (await tb.list({ partialClientName: name })).find((r) => r.clientName === name);
    assert.equal(row.unhealthySince, stats.unhealthySince);
    assert.equal(row.unhealthyReasonDetail.limitProperty, 'maxHealthySendRatePerMinute');

    // The value moves; the clock does not.
    await c.publishAsync('hr/send', 'more', { qos: 1 });
    await waitFor(async () => (await tb.describe(name)).stats.unhealthyReasonDetail?.value === 6, 2500, 'the value follows the rate');
    assert.equal((await tb.describe(name)).stats.unhealthySince, stats.unhealthySince);

    await tb.ok('alterMqSession', { clientName: name, maxHealthySendRatePerMinute: 100 });
    await waitFor(async () => (await tb.describe(name)).stats.sessionHealth === 'healthy', 2500, 'healthy after raising the limit');
    const healthy = (await tb.describe(name)).stats;
    assert.equal(healthy.unhealthySince, undefined);
    assert.equal(healthy.unhealthyReasonDetail, undefined);
    assert.equal(tb.broker.store.getSession(name)!.unhealthySince, null);
    c.end();
  });
});
