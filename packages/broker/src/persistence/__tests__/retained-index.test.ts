/** The sorted retained index against the plain definition: filter every topic with topicMatches, then sort. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { topicMatches } from '@mqdash/contracts';
import { RetainedIndex } from '../retained-index.ts';

const level = fc.constantFrom('a', 'b', 'ab', '', '$SYS', 'x y', 'é');
const topic = fc.array(level, { minLength: 1, maxLength: 4 }).map((l) => l.join('/')).filter((t) => t.length > 0);
const filter = fc.array(fc.oneof(level, fc.constant('+')), { minLength: 1, maxLength: 4 })
  .chain((l) => fc.boolean().map((hash) => (hash ? [...l, '#'] : l).join('/')))
  .filter((f) => f.length > 0);

const sorted = (a: string[]) => [...a].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

test('page() and matching() agree with topicMatches over random topics and filters', () => {
  fc.assert(fc.property(fc.uniqueArray(topic, { maxLength: 40 }), fc.oneof(filter, fc.constant('#'), fc.constant('+/#')), fc.nat(10), fc.integer({ min: 1, max: 10 }), (topics, f, skip, limit) => {
    const index = new RetainedIndex<null>();
    // Half inserted one by one, half loaded at once: both keep the order.
    topics.slice(0, topics.length / 2).forEach((t) => index.set({ topic: t, packet: null, storedAt: 0 }));
    index.load(topics.slice(topics.length / 2).map((t) => ({ topic: t, packet: null, storedAt: 0 })));
    const expected = sorted(topics.filter((t) => topicMatches(f, t)));
    assert.deepEqual([...index.matching(f)].map((e) => e.topic), expected);
    const page = index.page(f, skip, limit);
    assert.equal(page.totalCount, expected.length);
    assert.deepEqual(page.entries.map((e) => e.topic), expected.slice(skip, skip + limit));
  }), { numRuns: 2000 });
});

test('delete keeps the order and the counts', () => {
  const index = new RetainedIndex<null>();
  for (const t of ['c', 'a/b', 'a', 'b/1', 'a/c']) index.set({ topic: t, packet: null, storedAt: 0 });
  assert.equal(index.delete('a/b'), true);
  assert.equal(index.delete('a/b'), false);
  assert.deepEqual(index.page('#', 0, 10).entries.map((e) => e.topic), ['a', 'a/c', 'b/1', 'c']);
  assert.equal(index.page('a/#', 0, 10).totalCount, 2);
});

test('deleteMany removes many at once and keeps the rest in order', () => {
  const index = new RetainedIndex<null>();
  index.load(Array.from({ length: 200 }, (_, i) => ({ topic: `t/${i}`, packet: null, storedAt: 0 })));
  const gone = Array.from({ length: 150 }, (_, i) => `t/${i * 2 % 200}`);
  assert.equal(index.deleteMany([...gone, 'not/there']), 100);
  const left = [...index.matching('#')].map((e) => e.topic);
  assert.equal(left.length, 100);
  assert.ok(left.every((t) => Number(t.slice(2)) % 2 === 1));
  assert.deepEqual(left, [...left].sort());
  assert.equal(index.deleteMany(['t/1', 't/3']), 2);
  assert.equal(index.size, 98);
});
