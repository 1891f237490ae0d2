/**
 * `GET /api/v5/subscriptions` in EMQX 5's documented shape, paging and filters
 * (https://docs.emqx.com/en/cloud/latest/api/subscriptions_v5.html; EMQX 5 also takes topic,
 * match_topic, share_group, node): real MQTT 5 and 3.1.1 clients subscribe, a real server lists.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NODE, startEmqxServer, type EmqxTestServer } from './emqx-helpers.ts';

const run = promisify(execFile);

describe('EMQX subscriptions API', () => {
  let t: EmqxTestServer;
  const topicsOf = (body: { data: Array<{ clientid: string; topic: string }> }) => body.data.map((s) => `${s.clientid} ${s.topic}`);

  before(async () => {
    t = await startEmqxServer();
    const a = await t.connect('sub-a', { clean: false, properties: { sessionExpiryInterval: 3600 } });
    await a.subscribeAsync('t/a', { qos: 0 });
    await a.subscribeAsync('t/#', { qos: 1, nl: true, rap: true, rh: 1 });
    const b = await t.connect('sub-b', { protocolVersion: 4, clean: false });
    await b.subscribeAsync('t/b', { qos: 1 });
    await b.subscribeAsync('sensors/+/temp', { qos: 2 });
    // An offline client keeps its subscriptions, as EMQX lists a persistent session's.
    await b.endAsync();
    // Not EMQX clients: an MQ API session and a hidden session.
    await t.ok('createMqApiSession', { clientName: 'sub-api' });
    await t.ok('subscribeToMq', { clientName: 'sub-api', subscriptionActions: [{ subscriptionAction: 'add', topicFilter: 't/a' }] });
    const h = await t.connect('sub-hidden');
    await h.subscribeAsync('t/a', { qos: 0 });
    await t.ok('alterMqSession', { clientName: 'sub-hidden', sessionStatus: 'hidden' });
  });
  after(async () => {
    await t?.close();
  });

  test('the documented curl line: every subscription with meta {page, limit, hasnext, count}', async () => {
    const { stdout } = await run('bash', ['-c', `curl -u ${t.key.apiKey}:${t.key.apiSecret} -X GET ${t.api}/subscriptions -sS -w '\\n%{http_code}'`], { timeout: 10_000 });
    const at = stdout.lastIndexOf('\n');
    assert.equal(stdout.slice(at + 1), '200');
    const body = JSON.parse(stdout.slice(0, at));
    assert.deepEqual(body.meta, { page: 1, limit: 100, hasnext: false, count: 4 });
    assert.deepEqual(topicsOf(body), ['sub-a t/#', 'sub-a t/a', 'sub-b sensors/+/temp', 'sub-b t/b']);
    assert.deepEqual(body.data[0], { topic: 't/#', qos: 1, node: NODE, clientid: 'sub-a', nl: 1, rap: 1, rh: 1 });
    assert.deepEqual(body.data[1], { topic: 't/a', qos: 0, node: NODE, clientid: 'sub-a', nl: 0, rap: 0, rh: 0 });
  });

  test('paging: _page and _limit, hasnext', async () => {
    const p1 = (await t.get('/subscriptions?_page=1&_limit=3').expect(200)).body;
    assert.deepEqual(p1.meta, { page: 1, limit: 3, hasnext: true, count: 4 });
    const p2 = (await t.get('/subscriptions?_page=2&_limit=3').expect(200)).body;
    assert.deepEqual(p2.meta, { page: 2, limit: 3, hasnext: false, count: 4 });
    assert.deepEqual(topicsOf(p2), ['sub-b t/b']);
  });

  test('filters: clientid, qos, topic, match_topic (and _match_topic), share_group, node', async () => {
    const list = async (q: string) => topicsOf((await t.get(`/subscriptions?${q}`).expect(200)).body);
    assert.deepEqual(await list('clientid=sub-b'), ['sub-b sensors/+/temp', 'sub-b t/b']);
    assert.deepEqual(await list('qos=1'), ['sub-a t/#', 'sub-b t/b']);
    assert.deepEqual(await list(`topic=${encodeURIComponent('t/a')}`), ['sub-a t/a']);
    assert.deepEqual(await list(`match_topic=${encodeURIComponent('t/#')}`), ['sub-a t/#', 'sub-a t/a', 'sub-b t/b']);
    assert.deepEqual(await list(`_match_topic=${encodeURIComponent('sensors/+/+')}`), ['sub-b sensors/+/temp']);
    assert.deepEqual(await list('clientid=sub-a&qos=0'), ['sub-a t/a']);
    assert.deepEqual(await list('share_group=g1'), []);
    assert.deepEqual(await list(`node=${encodeURIComponent(NODE)}&clientid=sub-b`), ['sub-b sensors/+/temp', 'sub-b t/b']);
    assert.deepEqual(await list('node=emqx%40elsewhere'), []);
    assert.deepEqual(await list('clientid=sub-api'), [], 'MQ API sessions are not EMQX clients');
    assert.deepEqual(await list('clientid=sub-hidden'), [], 'hidden sessions are left out');
  });

  test('bad query parameters: 400 BAD_REQUEST naming the parameter', async () => {
    const r = await t.get('/subscriptions?qos=3').expect(400);
    assert.equal(r.body.code, 'BAD_REQUEST');
    assert.match(r.body.message, /qos/);
    assert.match((await t.get('/subscriptions?_limit=0').expect(400)).body.message, /_limit/);
  });
});
