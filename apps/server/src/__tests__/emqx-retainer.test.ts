/**
 * EMQX 5's retainer API (`/api/v5/mqtt/retainer/…`) and `GET /api/v5/topics` in their documented
 * shapes, codes and paging: real MQTT clients publish retained messages and subscribe, a real
 * server answers; a deleted retained message no longer reaches a new subscriber.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NODE, nextMessage, startEmqxServer, waitFor, type EmqxTestServer } from './emqx-helpers.ts';

describe('EMQX retainer and topics API', () => {
  let t: EmqxTestServer;

  before(async () => {
    t = await startEmqxServer();
    const pub = await t.connect('ret-pub', { username: 'line-user' });
    for (const topic of ['ret/b', 'ret/a', 'ret/c/1', 'other/x']) await pub.publishAsync(topic, `payload ${topic}`, { qos: 1, retain: true });
    await waitFor(() => t.broker.retained!.countMatching('#') === 4 || null, 'four retained messages');
  });
  after(async () => {
    await t?.close();
  });

  test('GET /mqtt/retainer/messages: summaries in topic order with meta {page, limit, count, hasnext}', async () => {
    const r = await t.get('/mqtt/retainer/messages').expect(200);
    assert.deepEqual(r.body.meta, { page: 1, limit: 100, count: 4, hasnext: false });
    assert.deepEqual(r.body.data.map((m: { topic: string }) => m.topic), ['other/x', 'ret/a', 'ret/b', 'ret/c/1']);
    const m = r.body.data[1];
    assert.deepEqual(Object.keys(m).sort(), ['from_clientid', 'from_username', 'msgid', 'publish_at', 'qos', 'topic']);
    assert.equal(m.from_clientid, 'ret-pub');
    assert.equal(m.from_username, 'line-user');
    assert.equal(m.qos, 1);
    assert.match(m.msgid, /^[0-9a-f]{32}$/);
    assert.match(m.publish_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);

    const p2 = await t.get('/mqtt/retainer/messages?page=2&limit=3').expect(200);
    assert.deepEqual(p2.body.meta, { page: 2, limit: 3, count: 4, hasnext: false });
    assert.deepEqual(p2.body.data.map((x: { topic: string }) => x.topic), ['ret/c/1']);
    const p1 = await t.get('/mqtt/retainer/messages?page=1&limit=3').expect(200);
    assert.equal(p1.body.meta.hasnext, true);
    const filtered = await t.get(`/mqtt/retainer/messages?topic=${encodeURIComponent('ret/+')}`).expect(200);
    assert.deepEqual(filtered.body.data.map((x: { topic: string }) => x.topic), ['ret/a', 'ret/b']);
    assert.equal(filtered.body.meta.count, 2);

    const bad = await t.get('/mqtt/retainer/messages?limit=0').expect(400);
    assert.equal(bad.body.code, 'BAD_REQUEST');
    assert.match(bad.body.message, /limit/);
    const badFilter = await t.get(`/mqtt/retainer/messages?topic=${encodeURIComponent('a/#/b')}`).expect(400);
    assert.match(badFilter.body.message, /topicFilter/);
  });

  test('GET /mqtt/retainer/message/{topic}: the message with its payload in base64; 404 NOT_FOUND when absent', async () => {
    const r = await t.get(`/mqtt/retainer/message/${encodeURIComponent('ret/c/1')}`).expect(200);
    assert.equal(r.body.topic, 'ret/c/1');
    assert.equal(Buffer.from(r.body.payload, 'base64').toString(), 'payload ret/c/1');
    // The topic's levels as path segments work too.
    assert.equal((await t.get('/mqtt/retainer/message/ret/c/1').expect(200)).body.topic, 'ret/c/1');
    const missing = await t.get(`/mqtt/retainer/message/${encodeURIComponent('ret/none')}`).expect(404);
    assert.deepEqual(missing.body, { code: 'NOT_FOUND', message: "Viewed message doesn't exist" });
  });

  test('DELETE /mqtt/retainer/message/{topic}: 204, then a new subscriber does not get it; 404 the second time', async () => {
    await t.del(`/mqtt/retainer/message/${encodeURIComponent('ret/a')}`).expect(204);
    assert.equal((await t.del(`/mqtt/retainer/message/${encodeURIComponent('ret/a')}`).expect(404)).body.code, 'NOT_FOUND');
    const sub = await t.connect('ret-sub');
    const gotB = nextMessage(sub, 'ret/b');
    const gotA = new Promise<string>((resolve) => sub.on('message', (topic) => topic === 'ret/a' && resolve(topic)));
    await sub.subscribeAsync('ret/+', { qos: 1 });
    assert.equal(await gotB, 'payload ret/b');
    // Retained messages go out in topic order (ret/a before ret/b): ret/b arrived, so ret/a would have.
    assert.equal(await Promise.race([gotA, Promise.resolve('not delivered')]), 'not delivered');
    await sub.endAsync();
  });

  test('GET /topics: the routes (subscribed topic filters) with this node, paged; topic and node filter', async () => {
    const a = await t.connect('topics-a');
    await a.subscribeAsync('plant/+/temp', { qos: 1 });
    // MQTT clients here have no shared subscriptions; an MQ API session's route is its filter without $share/{group}/.
    await t.ok('createMqApiSession', { clientName: 'topics-api' });
    await t.ok('subscribeToMq', { clientName: 'topics-api', subscriptionActions: [{ subscriptionAction: 'add', topicFilter: '$share/g1/plant/line' }] });
    const b = await t.connect('topics-b');
    await b.subscribeAsync('plant/+/temp', { qos: 0 });
    await waitFor(async () => (await t.get('/topics').expect(200)).body.meta.count === 2 || null, 'two routes');
    const r = await t.get('/topics').expect(200);
    assert.deepEqual(r.body, {
      data: [{ topic: 'plant/+/temp', node: NODE }, { topic: 'plant/line', node: NODE }],
      meta: { page: 1, limit: 100, count: 2, hasnext: false },
    });
    const p = await t.get('/topics?page=1&limit=1').expect(200);
    assert.deepEqual(p.body.meta, { page: 1, limit: 1, count: 2, hasnext: true });
    const one = await t.get(`/topics?topic=${encodeURIComponent('plant/line')}`).expect(200);
    assert.deepEqual(one.body.data, [{ topic: 'plant/line', node: NODE }]);
    assert.equal((await t.get('/topics?node=other@host').expect(200)).body.meta.count, 0);
  });

  test('DELETE /mqtt/retainer/messages: 204, every retained message is gone', async () => {
    await t.del('/mqtt/retainer/messages').expect(204);
    const r = await t.get('/mqtt/retainer/messages').expect(200);
    assert.deepEqual(r.body, { data: [], meta: { page: 1, limit: 100, count: 0, hasnext: false } });
  });

  test('roles: a viewer key reads; deleting needs operator (403 FORBIDDEN)', async () => {
    const viewer = await t.ok('createApiKey', { name: 'ret-viewer', role: 'viewer' });
    const { default: request } = await import('supertest');
    await request(t.app).get('/api/v5/mqtt/retainer/messages').auth(viewer.apiKey, viewer.apiSecret).expect(200);
    await request(t.app).get('/api/v5/topics').auth(viewer.apiKey, viewer.apiSecret).expect(200);
    const denied = await request(t.app).delete('/api/v5/mqtt/retainer/messages').auth(viewer.apiKey, viewer.apiSecret).expect(403);
    assert.equal(denied.body.code, 'FORBIDDEN');
  });
});
