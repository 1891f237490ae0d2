import assert from 'node:assert/strict';
import { test } from 'node:test';
import { throughputSeries } from '../lib/throughput.ts';

const at = (iso: string) => Date.parse(iso) / 1000;

test('per-minute history becomes per second, live points take over where they begin, older than an hour is dropped', () => {
  const history = [
    { ts: '2030-01-01T10:00:00Z', messagesIn: 600, messagesOut: 60, connections: 1 },
    { ts: '2030-01-01T11:00:00Z', messagesIn: 120, messagesOut: 0, connections: 2 },
    { ts: '2030-01-01T11:01:00Z', messagesIn: 60, messagesOut: 6, connections: 3 },
    { ts: '2030-01-01T11:02:00Z', messagesIn: 60, messagesOut: 6, connections: 3 },
  ];
  const live = [
    { t: at('2030-01-01T11:01:30Z'), inPerSecond: 5, outPerSecond: 1, connections: 4 },
    { t: at('2030-01-01T11:01:35Z'), inPerSecond: 6, outPerSecond: 2, connections: 4 },
  ];
  const s = throughputSeries(history, live, at('2030-01-01T11:30:00Z'));
  assert.deepEqual(s.t, [at('2030-01-01T11:00:00Z'), at('2030-01-01T11:01:00Z'), live[0]!.t, live[1]!.t]);
  assert.deepEqual(s.inPerSecond, [2, 1, 5, 6]);
  assert.deepEqual(s.outPerSecond, [0, 0.1, 1, 2]);
  assert.deepEqual(s.connections, [2, 3, 4, 4]);
});
