import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HealthReason } from '@mqdash/contracts';
import { formatDuration, healthReasonText, healthReasonWords } from '../health-words.ts';

const now = Date.parse('2026-12-03T10:00:00Z');
const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
const reason = (r: Partial<HealthReason>): HealthReason => ({
  measure: 'publishRatePerMinute', comparison: 'above', value: 711, limit: 500, limitProperty: 'maxHealthySendRatePerMinute', since: ago(12), ...r,
});

test('the issue\'s example, word for word', () => {
  assert.equal(healthReasonText(reason({}), now), 'Publishing 711/min, above the 500/min limit, for 12 min');
});

test('the limit is its own part, named by its property', () => {
  const w = healthReasonWords(reason({}), now);
  assert.equal(w.limit, '500/min limit');
  assert.equal(w.limitProperty, 'maxHealthySendRatePerMinute');
});

test('each measure reads as words', () => {
  assert.equal(
    healthReasonText(reason({ comparison: 'below', value: 2, limit: 10.5, limitProperty: 'minHealthySendRatePerMinute', since: ago(3) }), now),
    'Publishing 2/min, below the 10.5/min minimum, for 3 min',
  );
  assert.equal(
    healthReasonText(reason({ measure: 'deliveryBacklogRatePerMinute', value: 30, limit: 20, limitProperty: 'maxHealthyBacklogRatePerMinute', since: ago(90) }), now),
    'Backlog growing 30/min, above the 20/min limit, for 1 h 30 min',
  );
  assert.equal(
    healthReasonText(reason({ measure: 'subscribedTopicFiltersCount', comparison: 'below', value: 1, limit: 2, limitProperty: 'minHealthySubscribedTopicFiltersCount', since: ago(0.5) }), now),
    'Subscribed to 1 topic filter, below the minimum of 2, for less than a minute',
  );
  assert.equal(
    healthReasonText(reason({ measure: 'subscribedTopicFiltersCount', value: 1200, limit: 1000, limitProperty: 'maxHealthySubscribedTopicFiltersCount', since: ago(60 * 24 * 2 + 60) }), now),
    'Subscribed to 1,200 topic filters, above the maximum of 1,000, for 2 days 1 h',
  );
});

test('durations', () => {
  assert.equal(formatDuration(-5000), 'less than a minute');
  assert.equal(formatDuration(59_999), 'less than a minute');
  assert.equal(formatDuration(60_000), '1 min');
  assert.equal(formatDuration(120 * 60_000), '2 h');
  assert.equal(formatDuration(24 * 3_600_000), '1 day');
});

test('an unreadable since leaves the duration out', () => {
  assert.equal(healthReasonText(reason({ since: 'not a time' }), now), 'Publishing 711/min, above the 500/min limit');
});
