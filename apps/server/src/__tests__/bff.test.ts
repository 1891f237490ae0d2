/**
 * Every `/bff` route (DESIGN §4) through supertest on the exported app, against a real broker on a
 * real SQLite file with real mqtt.js clients: signed in, unauthenticated (401), without the CSRF
 * header (403) and with invalid input (400 naming the property, nothing changed).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import request from 'supertest';
import { createBroker, type Broker } from '@mqdash/broker';
import { createApp } from '../app.ts';

const PASSWORD = 'bff-test-password';

describe('/bff', () => {
  let dir: string;
  let broker: Broker;
  let app: ReturnType<typeof createApp>;
  let mqttPort: number;
  let agent: ReturnType<typeof request.agent>;
  let csrf: string;
  const clients: MqttClient[] = [];

  const connect = async (clientId: string, opts: mqtt.IClientOptions = {}) => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { clientId, protocolVersion: 5, reconnectPeriod: 0, ...opts });
    clients.push(c);
    return c;
  };
  const describeSession = async (name: string) => (await agent.get(`/bff/sessions/${encodeURIComponent(name)}`).expect(200)).body;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bff-test-'));
    broker = await createBroker({ dataDir: dir, adminPassword: PASSWORD });
    mqttPort = ((await broker.listenMqtt(0)).address() as net.AddressInfo).port;
    app = createApp(broker, { maxBodyBytes: 64 * 1024 });
    agent = request.agent(app);
    const login = await agent.post('/bff/login').send({ username: 'admin', password: PASSWORD }).expect(200);
    csrf = login.body.csrfToken;
    const persistent = { clean: false, properties: { sessionExpiryInterval: 0xffffffff } };
    for (const name of ['plant-a-1', 'plant-a-2', 'plant-a-3', 'plant-b-1']) await connect(name, persistent);
  });

  after(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => {});
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('sign-in', () => {
    test('login sets an httpOnly SameSite=Strict cookie and returns the CSRF token; /me answers', async () => {
      const a = request.agent(app);
      const r = await a.post('/bff/login').send({ username: 'admin', password: PASSWORD }).expect(200);
      const cookie = String(r.headers['set-cookie']);
      assert.match(cookie, /mqdash_sid=/);
      assert.match(cookie, /HttpOnly/i);
      assert.match(cookie, /SameSite=Strict/i);
      assert.equal(typeof r.body.csrfToken, 'string');
      const me = await a.get('/bff/me').expect(200);
      assert.deepEqual(me.body, { username: 'admin', role: 'administrator', csrfToken: r.body.csrfToken });
    });

    test('a wrong password is 401 and never sets a cookie; bad input is 400', async () => {
      const r = await request(app).post('/bff/login').send({ username: 'admin', password: 'nope' }).expect(401);
      assert.equal(r.body.error, 'LOGIN_FAILED');
      assert.equal(r.headers['set-cookie'], undefined);
      const bad = await request(app).post('/bff/login').send({ username: 'admin' }).expect(400);
      assert.equal(bad.body.property, 'password');
    });

    test('repeated failed logins slow down with 429 and Retry-After', async () => {
      let last;
      for (let i = 0; i < 7; i++) last = await request(app).post('/bff/login').send({ username: 'brute', password: `guess-${i}` });
      assert.equal(last!.status, 429);
      assert.ok(Number(last!.headers['retry-after']) >= 1);
    });

    test('logout ends the sign-in: the cookie no longer works', async () => {
      const a = request.agent(app);
      const r = await a.post('/bff/login').send({ username: 'admin', password: PASSWORD }).expect(200);
      await a.post('/bff/logout').set('X-CSRF-Token', r.body.csrfToken).expect(204);
      await a.get('/bff/me').expect(401);
    });
  });

  describe('guards', () => {
    const reads = ['/bff/me', '/bff/sessions', '/bff/sessions/plant-a-1', '/bff/sessions/export?format=csv', '/bff/labels', '/bff/audit', '/bff/overview', '/bff/sessions/plant-a-1/history', '/bff/api-keys'];
    const writes: Array<[string, string, unknown]> = [
      ['post', '/bff/logout', {}], ['post', '/bff/password', { currentPassword: 'x', newPassword: 'y'.repeat(12) }],
      ['patch', '/bff/sessions/plant-a-1', { sessionStatus: 'hidden' }], ['post', '/bff/sessions/bulk', { action: 'ban', clientNames: ['plant-a-1'] }],
      ['post', '/bff/sessions/plant-a-1/disconnect', {}], ['post', '/bff/sessions/plant-a-1/kick', {}], ['delete', '/bff/sessions/plant-a-1?permanent=true', undefined],
      ['post', '/bff/sessions/plant-a-1/subscriptions', { topicFilter: 'x/#' }], ['delete', '/bff/sessions/plant-a-1/subscriptions?topicFilter=x', undefined],
      ['post', '/bff/mq-api-sessions', { clientName: 'guarded' }], ['post', '/bff/feed-token', {}],
    ];

    test('every route is 401 without a sign-in', async () => {
      for (const url of reads) assert.equal((await request(app).get(url)).status, 401, url);
      for (const [method, url, body] of writes) {
        const r = await (request(app) as any)[method](url).send(body);
        assert.equal(r.status, 401, `${method} ${url}`);
      }
    });

    test('every state-changing route is 403 without the CSRF header, and nothing changed', async () => {
      const before = await describeSession('plant-a-1');
      for (const [method, url, body] of writes) {
        const r = await (agent as any)[method](url).send(body);
        assert.equal(r.status, 403, `${method} ${url}`);
        assert.equal(r.body.error, 'CSRF');
      }
      const afterIt = await describeSession('plant-a-1');
      assert.equal(afterIt.sessionStatus, before.sessionStatus);
      assert.equal(afterIt.connectionStatus, 'connected');
      assert.deepEqual(afterIt.subscribedTopics, before.subscribedTopics);
    });

    test('a wrong CSRF token is refused too', async () => {
      const r = await agent.patch('/bff/sessions/plant-a-1').set('X-CSRF-Token', 'forged').send({ sessionStatus: 'hidden' });
      assert.equal(r.status, 403);
    });
  });

  describe('sessions', () => {
    test('list: filters, sort and paging from the query string', async () => {
      const r = await agent.get('/bff/sessions?prefix=plant-a&connection=connected&sort=clientName&dir=desc&pageSize=2&page=0').expect(200);
      assert.equal(r.body.total, 3);
      assert.deepEqual(r.body.rows.map((x: { clientName: string }) => x.clientName), ['plant-a-3', 'plant-a-2']);
      const p2 = await agent.get('/bff/sessions?prefix=plant-a&sort=clientName&dir=desc&pageSize=2&page=1').expect(200);
      assert.deepEqual(p2.body.rows.map((x: { clientName: string }) => x.clientName), ['plant-a-1']);
      const row = r.body.rows[0];
      for (const k of ['sessionType', 'connectionStatus', 'sessionStatus', 'sessionHealth', 'ipaddress', 'port', 'mqttProtocol', 'lastConnectDateTime', 'subscribedTopicFiltersCount', 'publishRatePerMinute'])
        assert.ok(k in row, `row has ${k}`);
    });

    test('list: invalid query values are 400 naming the parameter', async () => {
      const r = await agent.get('/bff/sessions?health=sick').expect(400);
      assert.equal(r.body.property, 'health[0]');
      assert.match(r.body.message, /must be one of/);
      const p = await agent.get('/bff/sessions?pageSize=100000').expect(400);
      assert.equal(p.body.property, 'pageSize');
    });

    test('detail: everything describeMqSessions returns; 404 for an unknown name', async () => {
      const d = await describeSession('plant-a-1');
      assert.equal(d.clientName, 'plant-a-1');
      assert.equal(d.connectionStatus, 'connected');
      assert.equal(typeof d.stats.totalMessagesPublished, 'number');
      const r = await agent.get('/bff/sessions/nobody').expect(404);
      assert.equal(r.body.error, 'SESSION_NOT_FOUND');
    });

    test('edit: a patch changes only what it names; invalid input is 400 and changes nothing', async () => {
      const r = await agent.patch('/bff/sessions/plant-b-1').set('X-CSRF-Token', csrf)
        .send({ maxHealthySendRatePerMinute: 100, label: { group: 'site/', name: 'b' }, metadata: { rack: 7 } }).expect(200);
      assert.equal(r.body.stats.maxHealthySendRatePerMinute, 100);
      assert.deepEqual(r.body.label && { group: r.body.label.group, name: r.body.label.name }, { group: 'site/', name: 'b' });
      assert.deepEqual(r.body.metadata, { rack: 7 });
      const before = await describeSession('plant-b-1');
      const bad = await agent.patch('/bff/sessions/plant-b-1').set('X-CSRF-Token', csrf).send({ receiveMaximum: 0, maxHealthySendRatePerMinute: 5 }).expect(400);
      assert.equal(bad.body.property, 'receiveMaximum');
      const afterIt = await describeSession('plant-b-1');
      assert.equal(afterIt.stats.maxHealthySendRatePerMinute, 100);
      assert.equal(afterIt.receiveMaximum, before.receiveMaximum);
      await agent.patch('/bff/sessions/plant-b-1').set('X-CSRF-Token', csrf).send('[1]').set('Content-Type', 'application/json').expect(400);
    });

    test('edit: a connect-time property of a connected client is flagged for the next connection', async () => {
      const r = await agent.patch('/bff/sessions/plant-b-1').set('X-CSRF-Token', csrf).send({ keepAliveSeconds: 30 }).expect(200);
      assert.match(String(r.headers['x-mqdash-warning']), /keepAliveSeconds/);
    });

    test('subscriptions: add and remove on behalf of a connected client, who then receives', async () => {
      const c = await connect('sub-target');
      const got = new Promise<string>((resolve) => c.on('message', (_t, m) => resolve(m.toString())));
      const r = await agent.post('/bff/sessions/sub-target/subscriptions').set('X-CSRF-Token', csrf).send({ topicFilter: 'orders/+', qos: 1 }).expect(200);
      assert.deepEqual(r.body.subscribedTopics.map((s: { topicFilter: string }) => s.topicFilter), ['orders/+']);
      const pub = await connect('sub-publisher');
      await pub.publishAsync('orders/1', 'order-1', { qos: 1 });
      assert.equal(await got, 'order-1');
      const bad = await agent.post('/bff/sessions/sub-target/subscriptions').set('X-CSRF-Token', csrf).send({ topicFilter: 'a/#/b' }).expect(400);
      assert.equal(bad.body.property, 'topicFilter');
      const sys = await agent.post('/bff/sessions/sub-target/subscriptions').set('X-CSRF-Token', csrf).send({ topicFilter: '$SYS/#' }).expect(400);
      assert.match(sys.body.message, /\$SYS/);
      const del = await agent.delete('/bff/sessions/sub-target/subscriptions?topicFilter=orders%2F%2B').set('X-CSRF-Token', csrf).expect(200);
      assert.deepEqual(del.body.subscribedTopics, []);
      await agent.delete('/bff/sessions/sub-target/subscriptions').set('X-CSRF-Token', csrf).expect(400);
    });

    test('disconnect keeps the session; kick removes it and disconnects the client', async () => {
      const c = await connect('to-disconnect', { clean: false, properties: { sessionExpiryInterval: 0xffffffff } });
      const closed = new Promise<void>((resolve) => c.on('close', () => resolve()));
      const r = await agent.post('/bff/sessions/to-disconnect/disconnect').set('X-CSRF-Token', csrf).expect(200);
      assert.deepEqual(r.body, { clientName: 'to-disconnect', wasConnected: true });
      await closed;
      assert.equal((await describeSession('to-disconnect')).connectionStatus, 'disconnected');

      const k = await connect('to-kick', { clean: false, properties: { sessionExpiryInterval: 0xffffffff } });
      const kicked = new Promise<void>((resolve) => k.on('close', () => resolve()));
      await agent.post('/bff/sessions/to-kick/kick').set('X-CSRF-Token', csrf).expect(204);
      await kicked;
      await agent.get('/bff/sessions/to-kick').expect(404);
    });

    test('delete: inactive by default, permanent on request', async () => {
      await connect('to-delete', { clean: false, properties: { sessionExpiryInterval: 0xffffffff } });
      await agent.delete('/bff/sessions/to-delete').set('X-CSRF-Token', csrf).expect(204);
      assert.equal((await describeSession('to-delete')).sessionStatus, 'inactive');
      await agent.delete('/bff/sessions/to-delete?permanent=true').set('X-CSRF-Token', csrf).expect(204);
      await agent.get('/bff/sessions/to-delete').expect(404);
      await agent.delete('/bff/sessions/to-delete').set('X-CSRF-Token', csrf).expect(404);
    });

    test('bulk: ban three by name disconnects them and refuses their reconnects; unban by filter', async () => {
      const names = ['bulk-1', 'bulk-2', 'bulk-3'];
      const cs = await Promise.all(names.map((n) => connect(n, { clean: false, properties: { sessionExpiryInterval: 0xffffffff } })));
      const closed = cs.map((c) => new Promise<void>((resolve) => c.on('close', () => resolve())));
      const r = await agent.post('/bff/sessions/bulk').set('X-CSRF-Token', csrf).send({ action: 'ban', clientNames: [...names, 'no-such-session'] }).expect(200);
      assert.deepEqual(r.body.succeeded, names);
      assert.equal(r.body.failed.length, 1);
      assert.equal(r.body.failed[0].clientName, 'no-such-session');
      await Promise.all(closed);
      await assert.rejects(mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { clientId: 'bulk-2', protocolVersion: 5, reconnectPeriod: 0 }), (e: { code?: number }) => e.code === 0x8a);
      const u = await agent.post('/bff/sessions/bulk').set('X-CSRF-Token', csrf).send({ action: 'unban', filter: { prefix: 'bulk-', status: 'banned' } }).expect(200);
      assert.deepEqual(u.body.succeeded.sort(), names);
      const again = await connect('bulk-2', { clean: false, properties: { sessionExpiryInterval: 0xffffffff } });
      assert.ok(again.connected);
    });

    test('bulk: hide, then unhide; markInactive; invalid bodies are 400', async () => {
      await agent.post('/bff/sessions/bulk').set('X-CSRF-Token', csrf).send({ action: 'hide', clientNames: ['plant-a-3'] }).expect(200);
      let list = await agent.get('/bff/sessions?prefix=plant-a').expect(200);
      assert.equal(list.body.total, 2);
      list = await agent.get('/bff/sessions?prefix=plant-a&showHidden=1').expect(200);
      assert.equal(list.body.total, 3);
      await agent.post('/bff/sessions/bulk').set('X-CSRF-Token', csrf).send({ action: 'unhide', clientNames: ['plant-a-3'] }).expect(200);
      await agent.post('/bff/sessions/bulk').set('X-CSRF-Token', csrf).send({ action: 'markInactive', clientNames: ['plant-a-2'] }).expect(200);
      assert.equal((await describeSession('plant-a-2')).sessionStatus, 'inactive');
      const b1 = await agent.post('/bff/sessions/bulk').set('X-CSRF-Token', csrf).send({ action: 'explode', clientNames: ['x'] }).expect(400);
      assert.equal(b1.body.property, 'action');
      await agent.post('/bff/sessions/bulk').set('X-CSRF-Token', csrf).send({ action: 'hide' }).expect(400);
      await agent.post('/bff/sessions/bulk').set('X-CSRF-Token', csrf).send({ action: 'hide', clientNames: ['a'], filter: {} }).expect(400);
    });

    test('export: CSV and JSON of the filtered list, as attachments', async () => {
      const csv = await agent.get('/bff/sessions/export?format=csv&prefix=plant-').expect(200);
      assert.match(String(csv.headers['content-type']), /text\/csv/);
      assert.match(String(csv.headers['content-disposition']), /attachment; filename="mqdash-sessions-.*\.csv"/);
      const lines = csv.text.trim().split('\n');
      assert.match(lines[0]!, /^clientName,sessionType,connectionStatus,sessionStatus,sessionHealth/);
      assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]).sort(), ['plant-a-1', 'plant-a-2', 'plant-a-3', 'plant-b-1']);
      const json = await agent.get('/bff/sessions/export?format=json&prefix=plant-b').expect(200);
      assert.deepEqual(JSON.parse(json.text).map((r: { clientName: string }) => r.clientName), ['plant-b-1']);
      await agent.get('/bff/sessions/export?format=xml').expect(400);
    });
  });

  describe('MQ API sessions, labels, audit, feed, password', () => {
    test('create an MQ API session: 201, then 409 for the same name, 400 for a bad value', async () => {
      const r = await agent.post('/bff/mq-api-sessions').set('X-CSRF-Token', csrf).send({ clientName: 'api-one', keepAliveSeconds: 30 }).expect(201);
      assert.equal(r.body.sessionType, 'mqApi');
      assert.equal(r.body.keepAliveSeconds, 30);
      const dup = await agent.post('/bff/mq-api-sessions').set('X-CSRF-Token', csrf).send({ clientName: 'api-one' }).expect(409);
      assert.equal(dup.body.error, 'NAME_IN_USE');
      const bad = await agent.post('/bff/mq-api-sessions').set('X-CSRF-Token', csrf).send({ clientName: 'api-two', topicAliasMaximum: 70000 }).expect(400);
      assert.equal(bad.body.property, 'topicAliasMaximum');
      await agent.get('/bff/sessions/api-two').expect(404);
    });

    test('labels and the audit log', async () => {
      const labels = await agent.get('/bff/labels').expect(200);
      assert.ok(labels.body.data.some((l: { group: string; name: string }) => l.group === 'site/' && l.name === 'b'));
      const audit = await agent.get('/bff/audit?target=plant-b-1&limit=5').expect(200);
      assert.ok(audit.body.data.length >= 1);
      assert.equal(audit.body.data[0].actor, 'admin');
      assert.equal(audit.body.data[0].target, 'plant-b-1');
      assert.equal(audit.body.data[0].details.source, 'bff');
      await agent.get('/bff/audit?limit=0').expect(400);
    });

    test('feed token, overview and a session history', async () => {
      const t = await agent.post('/bff/feed-token').set('X-CSRF-Token', csrf).expect(200);
      assert.equal(t.body.username, 'mqdash-feed');
      assert.ok(t.body.token.length >= 32);
      const o = await agent.get('/bff/overview?minutes=60').expect(200);
      assert.equal(typeof o.body.overview.counts.total, 'number');
      assert.ok(Array.isArray(o.body.history));
      const h = await agent.get('/bff/sessions/plant-a-1/history').expect(200);
      assert.equal(h.body.minutes.length, 60);
      await agent.get('/bff/sessions/nobody/history').expect(404);
    });

    test('password change: wrong current is refused; success revokes other sign-ins and keeps this one', async () => {
      const other = request.agent(app);
      await other.post('/bff/login').send({ username: 'admin', password: PASSWORD }).expect(200);
      const wrong = await agent.post('/bff/password').set('X-CSRF-Token', csrf).send({ currentPassword: 'nope', newPassword: 'a-new-long-password' }).expect(401);
      assert.equal(wrong.body.property, 'currentPassword');
      const short = await agent.post('/bff/password').set('X-CSRF-Token', csrf).send({ currentPassword: PASSWORD, newPassword: 'short' }).expect(400);
      assert.equal(short.body.property, 'newPassword');
      await agent.post('/bff/password').set('X-CSRF-Token', csrf).send({ currentPassword: PASSWORD, newPassword: 'a-new-long-password' }).expect(204);
      await agent.get('/bff/me').expect(200);
      await other.get('/bff/me').expect(401);
      await request(app).post('/bff/login').send({ username: 'admin', password: PASSWORD }).expect(401);
      await request(app).post('/bff/login').send({ username: 'admin', password: 'a-new-long-password' }).expect(200);
    });
  });
});
