/**
 * Property tests of the router (fast-check): qlobber's trie, as configured, agrees with a direct
 * reading of the matching rules [MQTT-4.7.1-1, 4.7.1-2, 4.7.2-1], overlapping subscriptions give one
 * delivery with the highest QoS and every identifier, and a shared group delivers each message
 * exactly once, evenly over its online members (MQTT 5 §4.8.2); the retained store's tree finds
 * exactly the retained topics a filter matches, after any sequence of stores and clearings.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { QoS } from 'mqtt-packet';
import { MemoryRetainedStore } from '../retained.ts';
import { Router } from '../router.ts';
import { topicMatches } from '../topics.ts';
import type { EngineMessage, Subscription } from '../types.ts';

const level = fc.constantFrom('a', 'b', '$x', '');
const topic = fc.array(level, { minLength: 1, maxLength: 4 }).map((levels) => levels.join('/'));
const filter = fc
  .tuple(fc.array(fc.constantFrom('a', 'b', '$x', '', '+'), { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([levels, hash]) => (hash ? [...levels, '#'] : levels).join('/'));
const qos = fc.constantFrom<QoS>(0, 1, 2);

const subscription = (clientId: string, topicFilter: string, granted: QoS, subscriptionId?: number, group?: string): Subscription => ({
  clientId,
  filter: group ? `$share/${group}/${topicFilter}` : topicFilter,
  topicFilter,
  group,
  qos: granted,
  noLocal: false,
  retainAsPublished: false,
  retainHandling: 0,
  subscriptionId,
});
const message = (name: string, published: QoS): EngineMessage => ({ topic: name, payload: Buffer.from('x'), qos: published, retain: false, properties: {} });

describe('router properties', () => {
  test('deliveries match a direct reading of the filter rules, one per session, highest QoS, every identifier', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('c1', 'c2', 'c3'), filter, qos), { maxLength: 12 }), topic, qos, (subs, name, published) => {
        const router = new Router();
        const added = new Map<string, Subscription>();
        subs.forEach(([clientId, topicFilter, granted], i) => {
          const key = `${clientId} ${topicFilter}`;
          const previous = added.get(key);
          if (previous) router.remove(previous); // SUBSCRIBE replaces a session's subscription to the same filter
          const sub = subscription(clientId, topicFilter, granted, i + 1);
          added.set(key, sub);
          router.add(sub);
        });
        const expected = new Map<string, { qos: number; ids: number[] }>();
        for (const sub of added.values()) {
          if (!topicMatches(sub.topicFilter, name)) continue;
          const entry = expected.get(sub.clientId) ?? { qos: 0, ids: [] };
          entry.qos = Math.max(entry.qos, Math.min(sub.qos, published));
          entry.ids.push(sub.subscriptionId!);
          expected.set(sub.clientId, entry);
        }
        const actual = router.route(message(name, published), () => true);
        assert.deepEqual(
          new Map(actual.map((d) => [d.clientId, { qos: d.qos, ids: [...d.subscriptionIds].sort((x, y) => x - y) }])),
          new Map([...expected].map(([id, e]) => [id, { qos: e.qos, ids: e.ids.sort((x, y) => x - y) }])),
        );
      }),
      { numRuns: 300 },
    );
  });

  test('a shared group delivers each message once, evenly over its online members', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 30 }), fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), (members, count, onlineFlags) => {
        const router = new Router();
        for (let i = 0; i < members; i++) router.add(subscription(`m${i}`, 'jobs/+', 1, undefined, 'g'));
        const isOnline = (clientId: string) => onlineFlags[Number(clientId.slice(1))]!;
        const online = Array.from({ length: members }, (_, i) => `m${i}`).filter(isOnline);
        const received = new Map<string, number>();
        for (let n = 0; n < count; n++) {
          const deliveries = router.route(message('jobs/x', 1), isOnline);
          assert.equal(deliveries.length, 1, 'exactly one member per message');
          const to = deliveries[0]!.clientId;
          if (online.length > 0) assert.ok(online.includes(to), 'an online member while any is online');
          received.set(to, (received.get(to) ?? 0) + 1);
        }
        const counts = [...received.values()];
        assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `even spread: ${counts}`);
      }),
      { numRuns: 200 },
    );
  });

  test('[MQTT-3.3.1-5, 3.3.1-6] the retained store matches what the filter rules say, after stores and clearings', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(topic, fc.boolean()), { maxLength: 20 }), filter, (puts, topicFilter) => {
        const store = new MemoryRetainedStore();
        const expected = new Map<string, string>();
        puts.forEach(([name, clear], i) => {
          store.put({ ...message(name, 0), payload: clear ? Buffer.alloc(0) : Buffer.from(`v${i}`) });
          if (clear) expected.delete(name);
          else expected.set(name, `v${i}`);
        });
        assert.equal(store.count(), expected.size);
        const found = store.match(topicFilter, Date.now()).map((m) => [m.topic, m.payload.toString()]);
        const wanted = [...expected].filter(([name]) => topicMatches(topicFilter, name));
        assert.deepEqual(found.sort(), wanted.sort());
      }),
      { numRuns: 300 },
    );
  });
});
