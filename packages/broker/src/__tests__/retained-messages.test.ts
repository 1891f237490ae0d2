/**
 * Retained messages in the console (issue 14): real mqtt.js clients publish retained messages to a
 * real broker; listRetainedMessages / describeRetainedMessages / deleteRetainedMessages find, show
 * and remove them; a new subscriber no longer gets a deleted one, also after a restart.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ErrorCode } from '@mqdash/contracts';
import { collect, restartableBrokers, tempDir, waitFor, type TestBroker, type TestClient } from './helpers.ts';

const pool = restartableBrokers();
after(() => pool.closeAll());
const open = (dataDir: string) => pool.open(dataDir);

/** Subscribes a new client to `filter` and returns the topics of the retained messages it gets. */
async function retainedFor(tb: TestBroker, filter: string, expectTopic: string): Promise<string[]> {
  const sub = await tb.connect({ clientId: `probe-${Math.random().toString(36).slice(2)}`, clean: true });
  const got = collect(sub);
  await sub.subscribeAsync(filter, { qos: 1 });
  await waitFor(() => got.some((m) => m.topic === expectTopic), 5000, `retained ${expectTopic}`);
  // A marker published after the SUBACK's retained messages: once it is back, they have all come.
  await sub.subscribeAsync('marker/done', { qos: 1 });
  await sub.publishAsync('marker/done', 'x', { qos: 1 });
  await waitFor(() => got.some((m) => m.topic === 'marker/done'), 5000, 'the marker');
  sub.end(true);
  return got.filter((m) => m.packet.retain).map((m) => m.topic);
}

test('retained messages are listed by filter, paged in topic order, described, deleted, and stay deleted after a restart', async () => {
  const dir = tempDir();
  const b1 = await open(dir);
  const pub: TestClient = await b1.connect({ clientId: 'rt-publisher', username: 'plant-1', clean: true });
  for (const t of ['plant/b/temp', 'plant/a/temp', 'plant/a/hum', 'plant', 'other/x'])
    await pub.publishAsync(t, `v ${t}`, { qos: 1, retain: true });
  await pub.publishAsync('plant/json', JSON.stringify({ on: true }), {
    qos: 0, retain: true, properties: { contentType: 'application/json', messageExpiryInterval: 3600, userProperties: { line: '2' } },
  });
  await pub.publishAsync('plant/not-retained', 'x', { qos: 1 });

  // Every topic but $… ones, sorted; the admin feed's $SYS overview is left out of "#".
  const all = await waitFor(async () => {
    const r = await b1.ok('listRetainedMessages', {});
    return r.totalCount === 6 ? r : null;
  }, 5000, 'six retained messages');
  assert.deepEqual(all.data.map((m: { topic: string }) => m.topic), ['other/x', 'plant', 'plant/a/hum', 'plant/a/temp', 'plant/b/temp', 'plant/json']);
  const first = all.data[1];
  assert.equal(first.payloadSize, Buffer.byteLength('v plant'));
  assert.equal(first.qos, 1);
  assert.equal(first.publisherClientName, 'rt-publisher');
  assert.equal(first.publisherUsername, 'plant-1');
  assert.ok(Math.abs(Date.parse(first.storedDateTime) - Date.now()) < 60_000);

  // Filters: `+`, `#` with its parent level, an exact topic; paging with totalCount.
  const plus = await b1.ok('listRetainedMessages', { topicFilter: 'plant/+/temp' });
  assert.deepEqual(plus.data.map((m: { topic: string }) => m.topic), ['plant/a/temp', 'plant/b/temp']);
  const hash = await b1.ok('listRetainedMessages', { topicFilter: 'plant/#', skipRecords: 1, maxRecords: 2 });
  assert.equal(hash.totalCount, 5);
  assert.deepEqual(hash.data.map((m: { topic: string }) => m.topic), ['plant/a/hum', 'plant/a/temp']);
  assert.equal((await b1.ok('listRetainedMessages', { topicFilter: 'plant/a/hum' })).totalCount, 1);

  // Describe: payload as JSON, MQTT 5 properties, expiry; unknown topics listed apart.
  const d = await b1.ok('describeRetainedMessages', { topics: ['plant/json', 'plant/none'], binaryFormat: 'json' });
  assert.deepEqual(d.notFoundTopics, ['plant/none']);
  assert.deepEqual(d.data[0].payload, { on: true });
  assert.equal(d.data[0].contentType, 'application/json');
  assert.deepEqual(d.data[0].userProperties, [{ key: 'line', value: '2' }]);
  assert.ok(d.data[0].expirySeconds > 3500 && d.data[0].expirySeconds <= 3600);
  assert.ok(d.data[0].expiryDateTime);

  // Bad input names the property.
  const bad = await b1.act('listRetainedMessages', { topicFilter: 'plant/#/x' });
  assert.equal(bad.errorCode, ErrorCode.outOfLimits);
  assert.match(bad.errorMessage, /topicFilter/);
  const both = await b1.act('deleteRetainedMessages', { topic: 'a', topicFilter: 'a/#' });
  assert.equal(both.errorCode, ErrorCode.mutuallyExclusive);
  const neither = await b1.act('deleteRetainedMessages', {});
  assert.equal(neither.errorCode, ErrorCode.missingProperty);
  assert.match(neither.errorMessage, /topicFilter/);

  // Delete one; a new subscriber gets the others but not it.
  assert.deepEqual(await b1.ok('deleteRetainedMessages', { topic: 'plant/a/hum' }), { matchedCount: 1, deletedCount: 1, dryRun: false });
  const seen = await retainedFor(b1, 'plant/a/#', 'plant/a/temp');
  assert.ok(!seen.includes('plant/a/hum'), `deleted retained message was delivered: ${seen.join(', ')}`);

  // Delete all matching a filter: a dry run counts, then it deletes.
  assert.deepEqual(await b1.ok('deleteRetainedMessages', { topicFilter: 'plant/+/temp', dryRun: true }), { matchedCount: 2, deletedCount: 0, dryRun: true });
  assert.equal((await b1.ok('listRetainedMessages', { topicFilter: 'plant/+/temp' })).totalCount, 2);
  assert.deepEqual(await b1.ok('deleteRetainedMessages', { topicFilter: 'plant/+/temp' }), { matchedCount: 2, deletedCount: 2, dryRun: false });
  assert.deepEqual((await b1.ok('listRetainedMessages', {})).data.map((m: { topic: string }) => m.topic), ['other/x', 'plant', 'plant/json']);
  const audit = await b1.ok('listAuditLog', { maxRecords: 10 });
  assert.ok(audit.data.some((e: { action: string; target: string }) => e.action === 'deleteRetainedMessages' && e.target === 'retained:plant/+/temp'));
  await b1.stop();

  // After a restart: what was deleted stays deleted; what was kept keeps its time and publisher.
  const b2 = await open(dir);
  const after2 = await b2.ok('listRetainedMessages', { topicFilter: '#' });
  assert.deepEqual(after2.data.map((m: { topic: string }) => m.topic), ['other/x', 'plant', 'plant/json']);
  assert.equal(after2.data[1].storedDateTime, first.storedDateTime);
  assert.equal(after2.data[1].publisherClientName, 'rt-publisher');
  const seen2 = await retainedFor(b2, 'plant/#', 'plant');
  assert.deepEqual(seen2.sort(), ['plant', 'plant/json']);
});

test('roles: a viewer lists and describes retained messages; deleting needs an operator', async () => {
  const tb = await open(tempDir());
  await tb.ok('createAccount', { username: 'watcher', password: 'watcher-password-1', role: 'viewer' });
  const login = await tb.broker.actions.run({ action: 'createSession', params: { username: 'watcher', password: 'watcher-password-1' } });
  const as = (action: string, params: Record<string, unknown>) => tb.broker.actions.run({ action, params, authToken: login.authToken });
  assert.equal((await as('listRetainedMessages', {})).errorCode, 0);
  assert.equal((await as('describeRetainedMessages', { topics: ['x'] })).errorCode, 0);
  assert.equal((await as('deleteRetainedMessages', { topicFilter: '#' })).errorCode, ErrorCode.notPermitted);
});
