/**
 * EMQX 5's `GET /api/v5/stats`, `/metrics`, `/nodes` and `/nodes/{node}` on a real broker with
 * real mqtt.js traffic: EMQX's field names and shapes (`aggregate`), the numbers moving with the
 * traffic, validation naming the parameter, and auth (API key, viewer role enough).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import request from 'supertest';
import { NODE, startEmqxServer, waitFor, type EmqxTestServer } from './emqx-helpers.ts';

let s: EmqxTestServer;

before(async () => {
  s = await startEmqxServer();
});
after(async () => {
  await s.close();
});

const STAT_KEYS = ['connections', 'live_connections', 'sessions', 'channels', 'subscriptions', 'suboptions', 'subscribers', 'subscriptions.shared', 'topics', 'retained'];

test('GET /stats: per node by default, one object with aggregate=true; counts follow clients, subscriptions and retained messages', async () => {
  const list = await s.get('/stats').expect(200);
  assert.ok(Array.isArray(list.body) && list.body.length === 1);
  assert.equal(list.body[0].node, NODE);
  for (const k of STAT_KEYS) {
    assert.equal(typeof list.body[0][`${k}.count`], 'number', `${k}.count`);
    assert.equal(typeof list.body[0][`${k}.max`], 'number', `${k}.max`);
  }
  const base = (await s.get('/stats?aggregate=true').expect(200)).body;
  assert.equal(base.node, undefined, 'the aggregate has no node');
  const a = await s.connect('stats-a', { clean: false, properties: { sessionExpiryInterval: 3600 } });
  const b = await s.connect('stats-b', { protocolVersion: 4 });
  await a.subscribeAsync(['stats/one', 'stats/two'], { qos: 1 });
  await b.subscribeAsync('stats/one', { qos: 0 });
  await b.publishAsync('stats/retained', 'kept', { qos: 1, retain: true });
  const now = await waitFor(async () => {
    const body = (await s.get('/stats?aggregate=true').expect(200)).body;
    return body['subscriptions.count'] === base['subscriptions.count'] + 3 && body['retained.count'] === base['retained.count'] + 1 ? body : null;
  }, 'the stats to count the new subscriptions and retained message');
  assert.equal(now['connections.count'], base['connections.count'] + 2);
  assert.equal(now['live_connections.count'], now['connections.count']);
  assert.equal(now['sessions.count'], base['sessions.count'] + 2);
  assert.equal(now['channels.count'], now['sessions.count']);
  assert.equal(now['subscribers.count'], base['subscribers.count'] + 2);
  assert.equal(now['topics.count'], base['topics.count'] + 2, 'stats/one and stats/two');
  assert.equal(now['suboptions.count'], now['subscriptions.count']);
  await b.endAsync();
  const later = await waitFor(async () => {
    const body = (await s.get('/stats?aggregate=true').expect(200)).body;
    return body['connections.count'] === now['connections.count'] - 1 ? body : null;
  }, 'the disconnect');
  assert.equal(later['connections.max'], now['connections.count'], 'the highest count seen stays');
  await a.endAsync();
});

test('GET /metrics: EMQX counter names, moving with real traffic; aggregate and node', async () => {
  const base = (await s.get('/metrics?aggregate=true').expect(200)).body;
  for (const k of ['bytes.received', 'bytes.sent', 'messages.received', 'messages.sent', 'messages.qos0.received', 'messages.qos1.sent', 'packets.connect.received',
    'packets.connack.error', 'packets.connack.auth_error', 'client.connected', 'client.disconnected', 'delivery.dropped', 'delivery.dropped.expired'])
    assert.equal(typeof base[k], 'number', k);
  const sub = await s.connect('metrics-sub');
  await sub.subscribeAsync('emqx-metrics/#', { qos: 1 });
  const pub = await s.connect('metrics-pub');
  let got = 0;
  sub.on('message', () => got++);
  await pub.publishAsync('emqx-metrics/a', 'abcd', { qos: 0 });
  await pub.publishAsync('emqx-metrics/b', 'efghij', { qos: 1 });
  await waitFor(() => got === 2, 'both messages delivered');
  const now = await waitFor(async () => {
    const body = (await s.get('/metrics?aggregate=true').expect(200)).body;
    return body['messages.sent'] === base['messages.sent'] + 2 ? body : null;
  }, 'the deliveries counted');
  assert.equal(now['messages.received'], base['messages.received'] + 2);
  assert.equal(now['messages.qos0.received'], base['messages.qos0.received'] + 1);
  assert.equal(now['messages.qos1.received'], base['messages.qos1.received'] + 1);
  assert.equal(now['bytes.received'], base['bytes.received'] + 10);
  assert.equal(now['bytes.sent'], base['bytes.sent'] + 10);
  assert.equal(now['client.connected'], base['client.connected'] + 2);
  assert.equal(now['packets.connect.received'], base['packets.connect.received'] + 2);
  const perNode = (await s.get(`/metrics?node=${encodeURIComponent(NODE)}`).expect(200)).body;
  assert.equal(perNode.length, 1);
  assert.equal(perNode[0].node, NODE);
  assert.deepEqual((await s.get('/metrics?node=emqx@elsewhere').expect(200)).body, [], 'another node has nothing here');
});

test('GET /nodes and /nodes/{node}: this node, running, with its uptime, version, memory and connections', async () => {
  const list = (await s.get('/nodes').expect(200)).body;
  assert.equal(list.length, 1);
  const n = list[0];
  assert.equal(n.node, NODE);
  assert.equal(n.node_status, 'running');
  assert.match(n.version, /^\d+\.\d+\.\d+/);
  assert.ok(Number.isInteger(n.uptime) && n.uptime > 0);
  assert.ok(n.memory_used > 0 && n.memory_total >= n.memory_used);
  for (const k of ['connections', 'live_connections', 'load1', 'load5', 'load15']) assert.equal(typeof n[k], 'number', k);
  const one = (await s.get(`/nodes/${encodeURIComponent(NODE)}`).expect(200)).body;
  assert.equal(one.node, NODE);
  const missing = await s.get('/nodes/emqx@elsewhere').expect(404);
  assert.equal(missing.body.code, 'NOT_FOUND');
});

test('bad input is refused with 400 naming the parameter', async () => {
  const bad = await s.get('/stats?aggregate=yes').expect(400);
  assert.equal(bad.body.code, 'BAD_REQUEST');
  assert.match(bad.body.message, /aggregate/);
  const twice = await s.get('/metrics?aggregate=true&aggregate=false').expect(400);
  assert.match(twice.body.message, /aggregate/);
  const emptyNode = await s.get('/stats?node=').expect(400);
  assert.match(emptyNode.body.message, /node/);
});

test('auth: an API key is required; a viewer key may read them', async () => {
  for (const route of ['/stats', '/metrics', '/nodes', `/nodes/${NODE}`]) {
    const res = await request(s.app).get(`/api/v5${route}`).expect(401);
    assert.equal(res.body.code, 'BAD_API_KEY_OR_SECRET');
  }
  const viewer = await s.ok('createApiKey', { name: 'monitor-viewer', role: 'viewer' });
  for (const route of ['/stats', '/metrics', '/nodes', `/nodes/${NODE}`])
    await request(s.app).get(`/api/v5${route}`).auth(viewer.apiKey, viewer.apiSecret).expect(200);
});
