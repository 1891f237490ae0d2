/**
 * `GET /api/v5/clients` and `GET /api/v5/clients/{clientid}` (seed 004, DESIGN §4) over supertest
 * on the real app, with real MQTT 3.1.1 and 5.0 clients (TCP and WebSocket) on a real broker:
 * the EMQX field names, every filter, paging, the 404, the API key and bad input.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import request from 'supertest';
import { NODE, closed, sleep, startEmqxServer, waitFor, type EmqxTestServer } from './emqx-helpers.ts';

const permanent5 = { protocolVersion: 5 as const, clean: false, properties: { sessionExpiryInterval: 0xffffffff } };
const permanent4 = { protocolVersion: 4 as const, clean: false };
const VISIBLE = ['dev-v5-a', 'dev-v4-b', 'dev-v4-off', 'dev-v5-off', 'dev-ws'];

describe('GET /api/v5/clients', () => {
  let t: EmqxTestServer;
  let v5: MqttClient;
  let tMid: number;
  const ids = async (query: string): Promise<string[]> => {
    const res = await t.get(`/clients${query}`).expect(200);
    assert.equal(res.body.meta.count, res.body.data.length, `count of ${query} (one page)`);
    return res.body.data.map((c: { clientid: string }) => c.clientid).sort();
  };

  before(async () => {
    t = await startEmqxServer();
    v5 = await t.connect('dev-v5-a', { username: 'alice', keepalive: 30 });
    await t.connect('dev-v4-b', { ...permanent4, username: 'bob', localAddress: '127.0.0.2' });
    await sleep(30);
    tMid = Date.now();
    await sleep(30);
    const off4 = await t.connect('dev-v4-off', { ...permanent4, username: 'bob' });
    const off5 = await t.connect('dev-v5-off', permanent5);
    await Promise.all([off4.endAsync(), off5.endAsync()]);
    await t.connect('dev-ws', { ws: true });
    await t.connect('dev-hidden');
    await t.ok('alterMqSession', { clientName: 'dev-hidden', sessionStatus: 'hidden' });
    await t.ok('createMqApiSession', { clientName: 'api-session' });
    // Traffic: dev-v5-a publishes twice to a topic it subscribed to.
    await v5.subscribeAsync('loop/a', { qos: 1 });
    await v5.publishAsync('loop/a', 'one', { qos: 1 });
    await v5.publishAsync('loop/a', 'two', { qos: 1 });
    await waitFor(async () => {
      const c = (await t.get('/clients/dev-v5-off').expect(200)).body;
      const c4 = (await t.get('/clients/dev-v4-off').expect(200)).body;
      return !c.connected && !c4.connected;
    }, 'the two clients to be recorded as disconnected');
  });
  after(() => t.close());

  test('lists the visible MQTT sessions (no MQ API, no hidden) with EMQX meta', async () => {
    const res = await t.get('/clients').expect(200).expect('content-type', /application\/json/);
    assert.deepEqual(res.body.meta, { page: 1, limit: 100, hasnext: false, count: VISIBLE.length });
    assert.deepEqual(res.body.data.map((c: { clientid: string }) => c.clientid), VISIBLE, 'in creation order');
  });

  test('a connected MQTT 5 client has the field names and values of the seed example', async () => {
    const c = (await t.get('/clients/dev-v5-a').expect(200)).body;
    assert.deepEqual(Object.keys(c).sort(), [
      'clean_start', 'clientid', 'connected', 'connected_at', 'created_at', 'expiry_interval', 'inflight_cnt', 'inflight_max',
      'ip_address', 'is_bridge', 'is_persistent', 'keepalive', 'listener', 'mqueue_dropped', 'mqueue_len', 'mqueue_max', 'node',
      'port', 'proto_name', 'proto_ver', 'recv_msg', 'send_msg', 'subscriptions_cnt', 'subscriptions_max', 'username', 'zone',
    ]);
    assert.equal(c.clientid, 'dev-v5-a');
    assert.equal(c.username, 'alice');
    assert.equal(c.proto_name, 'MQTT');
    assert.equal(c.proto_ver, 5);
    assert.equal(c.ip_address, '127.0.0.1');
    assert.equal(typeof c.port, 'number');
    assert.equal(c.is_bridge, false);
    assert.equal(c.connected, true);
    assert.match(c.connected_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/, 'RFC 3339 as in the seed example');
    assert.match(c.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/);
    assert.equal('disconnected_at' in c, false, 'only returned when connected is false');
    assert.equal(c.zone, 'default');
    assert.equal(c.keepalive, 30);
    assert.equal(c.clean_start, true);
    assert.equal(c.expiry_interval, 0);
    assert.equal(c.subscriptions_cnt, 1);
    assert.equal(c.subscriptions_max, 'infinity');
    assert.equal(c.inflight_max, 65535);
    assert.equal(c.mqueue_max, 0);
    assert.equal(c.mqueue_dropped, 0);
    assert.equal(c.recv_msg, 2, 'PUBLISH messages the broker received from it');
    assert.equal(c.send_msg, 2, 'PUBLISH messages the broker sent to it');
    assert.equal(c.node, NODE);
    assert.equal(c.listener, 'tcp:default');
    assert.equal(c.is_persistent, false);
  });

  test('a disconnected 3.1.1 client: connected false, disconnected_at, persistent, clean_start false', async () => {
    const c = (await t.get('/clients/dev-v4-off').expect(200)).body;
    assert.equal(c.connected, false);
    assert.match(c.disconnected_at, /\+00:00$/);
    assert.ok(Date.parse(c.disconnected_at) >= Date.parse(c.connected_at));
    assert.equal(c.proto_ver, 4);
    assert.equal(c.clean_start, false);
    assert.equal(c.is_persistent, true);
    assert.equal(c.expiry_interval, 0xffffffff);
    assert.equal(c.username, 'bob');
    const ws = (await t.get('/clients/dev-ws').expect(200)).body;
    assert.equal(ws.listener, 'ws:default');
    assert.equal(ws.username, null);
  });

  test('each filter of the seed', async () => {
    assert.deepEqual(await ids('?clientid=dev-v5-a'), ['dev-v5-a']);
    assert.deepEqual(await ids('?clientid=dev-v5-a&clientid=dev-ws'), ['dev-v5-a', 'dev-ws']);
    assert.deepEqual(await ids('?clientid=api-session'), [], 'MQ API sessions are not clients');
    assert.deepEqual(await ids('?clientid=dev-hidden'), [], 'hidden sessions are left out');
    assert.deepEqual(await ids('?username=bob'), ['dev-v4-b', 'dev-v4-off']);
    assert.deepEqual(await ids('?username=alice&username=bob'), ['dev-v4-b', 'dev-v4-off', 'dev-v5-a']);
    assert.deepEqual(await ids('?zone=default'), [...VISIBLE].sort());
    assert.deepEqual(await ids('?zone=external'), []);
    assert.deepEqual(await ids('?ip_address=127.0.0.2'), ['dev-v4-b']);
    assert.deepEqual(await ids('?conn_state=connected'), ['dev-v4-b', 'dev-v5-a', 'dev-ws']);
    assert.deepEqual(await ids('?conn_state=disconnected'), ['dev-v4-off', 'dev-v5-off']);
    assert.deepEqual(await ids('?conn_state=idle'), []);
    assert.deepEqual(await ids('?clean_start=true'), ['dev-v5-a', 'dev-ws']);
    assert.deepEqual(await ids('?clean_start=false'), ['dev-v4-b', 'dev-v4-off', 'dev-v5-off']);
    assert.deepEqual(await ids('?proto_name=MQTT'), [...VISIBLE].sort());
    assert.deepEqual(await ids('?proto_name=CoAP'), []);
    assert.deepEqual(await ids('?proto_ver=4'), ['dev-v4-b', 'dev-v4-off']);
    assert.deepEqual(await ids('?proto_ver=5'), ['dev-v5-a', 'dev-v5-off', 'dev-ws']);
    assert.deepEqual(await ids('?proto_ver=3'), []);
    assert.deepEqual(await ids('?like_clientid=v4'), ['dev-v4-b', 'dev-v4-off']);
    assert.deepEqual(await ids('?conn_state=connected&proto_ver=4'), ['dev-v4-b'], 'filters combine with AND');
  });

  test('time bounds take RFC 3339 or epoch milliseconds; _gte is at or after, _lte at or before', async () => {
    const iso = new Date(tMid).toISOString();
    const later = ['dev-v4-off', 'dev-v5-off', 'dev-ws'];
    const earlier = ['dev-v4-b', 'dev-v5-a'];
    assert.deepEqual(await ids(`?_gte_created_at=${iso}`), later);
    assert.deepEqual(await ids(`?_gte_created_at=${tMid}`), later);
    assert.deepEqual(await ids(`?_lte_created_at=${tMid}`), earlier);
    assert.deepEqual(await ids(`?_lte_created_at=${encodeURIComponent(iso.replace('Z', '+00:00'))}`), earlier);
    // An unencoded "+" arrives as a space; it is read as the offset it was.
    assert.deepEqual(await ids(`?_lte_created_at=${iso.replace('Z', '+00:00')}`), earlier);
    assert.deepEqual(await ids(`?_gte_connected_at=${tMid}&conn_state=connected`), ['dev-ws']);
    assert.deepEqual(await ids(`?_lte_connected_at=${iso}`), earlier);
    const c = (await t.get('/clients/dev-ws').expect(200)).body;
    const at = Date.parse(c.created_at);
    assert.deepEqual(await ids(`?_gte_created_at=${at}&_lte_created_at=${at}`), ['dev-ws'], 'both bounds include their end');
  });

  test('pages: _page and _limit, hasnext, no overlap, and a page past the end', async () => {
    const seen: string[] = [];
    for (const page of [1, 2, 3]) {
      const res = await t.get(`/clients?_page=${page}&_limit=2`).expect(200);
      assert.deepEqual(res.body.meta, { page, limit: 2, hasnext: page < 3, count: VISIBLE.length });
      seen.push(...res.body.data.map((c: { clientid: string }) => c.clientid));
    }
    assert.deepEqual(seen, VISIBLE);
    const past = await t.get('/clients?_page=4&_limit=2').expect(200);
    assert.deepEqual(past.body, { meta: { page: 4, limit: 2, hasnext: false, count: VISIBLE.length }, data: [] });
    const filtered = await t.get('/clients?_page=2&_limit=1&username=bob').expect(200);
    assert.deepEqual(filtered.body.meta, { page: 2, limit: 1, hasnext: false, count: 2 });
    assert.equal(filtered.body.data[0].clientid, 'dev-v4-off');
    const max = await t.get('/clients?_limit=10000').expect(200);
    assert.equal(max.body.meta.limit, 10000);
  });

  test('bad query parameters: 400 BAD_REQUEST naming the parameter', async () => {
    const cases: Array<[string, RegExp]> = [
      ['_limit=0', /_limit/], ['_limit=10001', /_limit: must be at most 10000/], ['_page=0', /_page/], ['_page=abc', /_page: must be a whole number/],
      ['conn_state=online', /conn_state: must be one of/], ['clean_start=yes', /clean_start/], ['proto_ver=five', /proto_ver/],
      ['proto_name=HTTP', /proto_name/], ['ip_address=300.1.1.1', /ip_address: must be an IPv4 or IPv6 address/],
      ['_gte_created_at=yesterday', /_gte_created_at: must be an RFC 3339 date-time/], ['_lte_connected_at=2023-13-45', /_lte_connected_at/],
      ['_page=1&_page=2', /_page/],
    ];
    for (const [q, message] of cases) {
      const res = await t.get(`/clients?${q}`).expect(400);
      assert.equal(res.body.code, 'BAD_REQUEST', q);
      assert.match(res.body.message, message, q);
    }
  });

  test('GET /clients/{clientid}: 404 CLIENTID_NOT_FOUND for unknown, MQ API and hidden sessions', async () => {
    for (const id of ['nobody', 'api-session', 'dev-hidden']) {
      const res = await t.get(`/clients/${id}`).expect(404);
      assert.equal(res.body.code, 'CLIENTID_NOT_FOUND', id);
      assert.equal(typeof res.body.message, 'string');
    }
    // A client id with a slash is one path segment when encoded.
    await t.connect('site/1/gw');
    assert.equal((await t.get(`/clients/${encodeURIComponent('site/1/gw')}`).expect(200)).body.clientid, 'site/1/gw');
  });

  test('API key: missing, wrong, unknown, disabled or deleted → 401 BAD_API_KEY_OR_SECRET', async () => {
    const expect401 = async (req: request.Test, why: string) => {
      const res = await req.expect(401);
      assert.equal(res.body.code, 'BAD_API_KEY_OR_SECRET', why);
      assert.match(res.headers['www-authenticate'] ?? '', /^Basic /, why);
    };
    await expect401(request(t.app).get('/api/v5/clients'), 'no Authorization');
    await expect401(request(t.app).get('/api/v5/clients').set('Authorization', 'Bearer abc'), 'not Basic');
    await expect401(request(t.app).get('/api/v5/clients').auth(t.key.apiKey, 'wrong'), 'wrong secret');
    await expect401(request(t.app).get('/api/v5/clients').auth('unknown', t.key.apiSecret), 'unknown key');
    await expect401(request(t.app).delete('/api/v5/clients/dev-v5-a').auth(t.key.apiKey, 'wrong'), 'a kick with a wrong secret');
    assert.equal((await t.get('/clients/dev-v5-a').expect(200)).body.connected, true, 'nothing happened');

    const k = await t.createKey('to-disable');
    const asK = () => request(t.app).get('/api/v5/clients').auth(k.apiKey, k.apiSecret);
    await asK().expect(200);
    await t.ok('alterApiKey', { name: 'to-disable', enabled: false });
    await expect401(asK(), 'disabled key, refused at once');
    await t.ok('alterApiKey', { name: 'to-disable', enabled: true });
    await asK().expect(200);
    await t.ok('deleteApiKey', { name: 'to-disable' });
    await expect401(asK(), 'deleted key');
  });

  test('a disconnect is reflected at once in conn_state', async () => {
    const c = await t.connect('short-visit', permanent5);
    assert.deepEqual(await ids('?clientid=short-visit&conn_state=connected'), ['short-visit']);
    await c.endAsync();
    await closed(c);
    await waitFor(async () => (await ids('?clientid=short-visit&conn_state=disconnected')).length === 1, 'disconnected');
  });
});
