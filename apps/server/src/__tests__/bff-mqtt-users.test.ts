/**
 * The settings page's MQTT client accounts (`/bff/mqtt-users`) and anonymous access
 * (`/bff/mqtt-auth`) through supertest on the exported app, against a real broker on a real SQLite
 * file with real mqtt.js clients: unauthenticated (401), without the CSRF header (403), invalid
 * input (400 naming the property, nothing changed), and the happy path with its effect on MQTT.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import request from 'supertest';
import { createBroker, type Broker } from '@mqdash/broker';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';

const ADMIN = 'bff-mqtt-users-admin';
const DEVICE_PASSWORD = 'Device-Password-1';

describe('/bff/mqtt-users and /bff/mqtt-auth', () => {
  let dir: string;
  let broker: Broker;
  let app: ReturnType<typeof createApp>;
  let mqttPort: number;
  let agent: ReturnType<typeof request.agent>;
  let csrf: string;
  const clients: MqttClient[] = [];

  /** A CONNECT: 'accepted' (the client is kept), or the refusal's code. */
  const connect = (clientId: string, opts: IClientOptions = {}) => new Promise<number | 'accepted'>((resolve) => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${mqttPort}`, { clientId, protocolVersion: 5, reconnectPeriod: 0, ...opts });
    clients.push(c);
    c.once('connect', () => resolve('accepted'));
    c.once('error', (err: Error & { code?: number }) => {
      c.end(true);
      resolve(err.code ?? -1);
    });
  });
  /** A supertest request (or agent) by HTTP method name. */
  type ByMethod = Record<string, (url: string) => request.Test>;
  const write = (method: 'post' | 'patch' | 'put' | 'delete', url: string) => agent[method](url).set('X-CSRF-Token', csrf);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bff-mqtt-users-'));
    broker = await createBroker({ dataDir: dir, adminPassword: ADMIN });
    mqttPort = ((await broker.listenMqtt(0)).address() as net.AddressInfo).port;
    app = createApp(broker, { maxBodyBytes: 64 * 1024 });
    agent = request.agent(app);
    csrf = (await agent.post('/bff/login').send({ username: 'admin', password: ADMIN }).expect(200)).body.csrfToken;
  });

  after(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => {});
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const routes: Array<[string, string, unknown]> = [
    ['get', '/bff/mqtt-users', undefined], ['get', '/bff/mqtt-auth', undefined],
    ['post', '/bff/mqtt-users', { username: 'guarded', password: DEVICE_PASSWORD }],
    ['patch', '/bff/mqtt-users/guarded', { enabled: false }], ['delete', '/bff/mqtt-users/guarded', undefined],
    ['put', '/bff/mqtt-auth', { allowAnonymous: false }],
  ];

  test('every route is 401 without a sign-in', async () => {
    for (const [method, url, body] of routes) {
      const r = await (request(app) as unknown as ByMethod)[method]!(url).send(body as object);
      assert.equal(r.status, 401, `${method} ${url}`);
      assert.equal(r.body.error, 'UNAUTHENTICATED');
    }
  });

  test('every state-changing route is 403 without the CSRF header, and nothing changed', async () => {
    await write('post', '/bff/mqtt-users').send({ username: 'guarded', password: DEVICE_PASSWORD }).expect(201);
    for (const [method, url, body] of routes.filter(([m]) => m !== 'get')) {
      const r = await (agent as unknown as ByMethod)[method]!(url).send(body as object);
      assert.equal(r.status, 403, `${method} ${url}`);
      assert.equal(r.body.error, 'CSRF');
    }
    const users = (await agent.get('/bff/mqtt-users').expect(200)).body.data;
    assert.deepEqual(users.map((u: { username: string; enabled: boolean }) => [u.username, u.enabled]), [['guarded', true]]);
    assert.equal((await agent.get('/bff/mqtt-auth').expect(200)).body.allowAnonymous, true);
    await write('delete', '/bff/mqtt-users/guarded').expect(200);
  });

  test('invalid input is 400 naming the property; unknown accounts 404; a taken name 409; nothing changed', async () => {
    const bad = async (req: request.Test, property: string) => {
      const r = await req.expect(400);
      assert.equal(r.body.error, 'BAD_REQUEST');
      assert.equal(r.body.property, property, r.body.message);
      assert.ok(r.body.message.startsWith(`${property}:`), r.body.message);
      assert.ok(!JSON.stringify(r.body).includes('short'), 'a refused password is not echoed');
    };
    await bad(write('post', '/bff/mqtt-users').send({ password: DEVICE_PASSWORD }), 'username');
    await bad(write('post', '/bff/mqtt-users').send({ username: 'x\ty', password: DEVICE_PASSWORD }), 'username');
    await bad(write('post', '/bff/mqtt-users').send({ username: 'mqdash-feed', password: DEVICE_PASSWORD }), 'username');
    await bad(write('post', '/bff/mqtt-users').send({ username: 'ok-name', password: 'short' }), 'password');
    await bad(write('post', '/bff/mqtt-users').send({ username: 'ok-name', password: DEVICE_PASSWORD, enabled: 'yes' }), 'enabled');
    assert.equal((await write('post', '/bff/mqtt-users').send('[1]').set('Content-Type', 'application/json').expect(400)).body.error, 'BAD_REQUEST');
    await write('post', '/bff/mqtt-users').send({ username: 'taken', password: DEVICE_PASSWORD }).expect(201);
    assert.equal((await write('post', '/bff/mqtt-users').send({ username: 'taken', password: DEVICE_PASSWORD }).expect(409)).body.error, 'NAME_IN_USE');
    await bad(write('patch', '/bff/mqtt-users/taken').send({}), 'password');
    await bad(write('patch', '/bff/mqtt-users/taken').send({ password: 'short' }), 'password');
    await bad(write('patch', '/bff/mqtt-users/taken').send({ enabled: 'off' }), 'enabled');
    await bad(write('put', '/bff/mqtt-auth').send({}), 'allowAnonymous');
    await bad(write('put', '/bff/mqtt-auth').send({ allowAnonymous: 'false' }), 'allowAnonymous');
    await bad(write('put', '/bff/mqtt-auth').send({ clientIdBinding: 'prefix' }), 'clientIdBinding');
    assert.equal((await write('patch', '/bff/mqtt-users/nobody').send({ enabled: false }).expect(404)).body.error, 'MQTT_USER_NOT_FOUND');
    assert.equal((await write('delete', '/bff/mqtt-users/nobody').expect(404)).body.error, 'MQTT_USER_NOT_FOUND');

    const users = (await agent.get('/bff/mqtt-users').expect(200)).body.data;
    assert.deepEqual(users.map((u: { username: string; enabled: boolean }) => [u.username, u.enabled]), [['taken', true]]);
    assert.equal((await agent.get('/bff/mqtt-auth').expect(200)).body.allowAnonymous, true);
    await write('delete', '/bff/mqtt-users/taken').expect(200);
  });

  test('create, connect, switch anonymous off, disable, reset the password, delete — with their effect on real clients', async () => {
    // A name that needs percent-encoding in the path.
    const username = 'plant 7/line-2';
    const url = `/bff/mqtt-users/${encodeURIComponent(username)}`;
    const created = await write('post', '/bff/mqtt-users').send({ username, password: DEVICE_PASSWORD, description: 'line 2 PLCs' }).expect(201);
    assert.equal(created.headers['cache-control'], 'no-store');
    assert.deepEqual(
      { username: created.body.username, enabled: created.body.enabled, description: created.body.description, createdBy: created.body.createdBy },
      { username, enabled: true, description: 'line 2 PLCs', createdBy: 'admin' },
    );
    assert.ok(!JSON.stringify(created.body).includes(DEVICE_PASSWORD));

    assert.equal(await connect('bff-dev-1', { username, password: DEVICE_PASSWORD }), 'accepted');
    assert.equal(await connect('bff-dev-wrong', { username, password: 'Wrong-Password-1' }), 0x86);
    assert.equal(await connect('bff-anon-1'), 'accepted');

    const listed = await agent.get('/bff/mqtt-users').expect(200);
    assert.equal(listed.headers['cache-control'], 'no-store');
    assert.equal(listed.body.data[0].connectedClients, 1);
    assert.ok(!JSON.stringify(listed.body).includes(DEVICE_PASSWORD) && !JSON.stringify(listed.body).includes('scrypt'));

    const auth = await agent.get('/bff/mqtt-auth').expect(200);
    assert.equal(auth.headers['cache-control'], 'no-store');
    assert.deepEqual(
      { allowAnonymous: auth.body.allowAnonymous, source: auth.body.allowAnonymousSource, anonymous: auth.body.connectedAnonymousClients, accounts: auth.body.accounts },
      { allowAnonymous: true, source: 'environment', anonymous: 1, accounts: 1 },
    );
    const off = await write('put', '/bff/mqtt-auth').send({ allowAnonymous: false }).expect(200);
    assert.equal(off.body.allowAnonymous, false);
    assert.equal(off.body.allowAnonymousSource, 'dashboard');
    assert.equal(off.body.disconnectedClients, 1);
    assert.equal(await connect('bff-anon-2'), 0x87);

    const disabled = await write('patch', url).send({ enabled: false }).expect(200);
    assert.equal(disabled.body.enabled, false);
    assert.equal(disabled.body.description, 'line 2 PLCs', 'only what is given changes');
    assert.equal(disabled.body.disconnectedClients, 1);
    assert.equal(await connect('bff-dev-2', { username, password: DEVICE_PASSWORD }), 0x86);
    await write('patch', url).send({ enabled: true }).expect(200);

    const NEW_PASSWORD = 'Device-Password-2';
    const reset = await write('patch', url).send({ password: NEW_PASSWORD }).expect(200);
    assert.ok(!JSON.stringify(reset.body).includes(NEW_PASSWORD));
    assert.equal(await connect('bff-dev-3', { username, password: DEVICE_PASSWORD }), 0x86);
    assert.equal(await connect('bff-dev-4', { username, password: NEW_PASSWORD, protocolVersion: 4 }), 'accepted');

    const deleted = await write('delete', url).expect(200);
    assert.deepEqual(deleted.body, { username, deleted: true, disconnectedClients: 1 });
    assert.equal(await connect('bff-dev-5', { username, password: NEW_PASSWORD }), 0x86);
    await write('put', '/bff/mqtt-auth').send({ allowAnonymous: true }).expect(200);
    assert.equal(await connect('bff-anon-3'), 'accepted');

    // Failed MQTT sign-ins of the account are audited too (issue 12); this test is about the administrator's changes.
    const audit = broker.core.audit.recent(40).filter((e) => (e.target === `mqttuser:${username}` || e.target === 'mqtt-auth') && e.action !== 'signInFailed');
    assert.deepEqual(audit.map((e) => [e.actor, e.action, e.details.source]).reverse(), [
      ['admin', 'createMqttUser', 'bff'], ['admin', 'alterMqttAuthSettings', 'bff'], ['admin', 'alterMqttUser', 'bff'],
      ['admin', 'alterMqttUser', 'bff'], ['admin', 'alterMqttUser', 'bff'], ['admin', 'deleteMqttUser', 'bff'], ['admin', 'alterMqttAuthSettings', 'bff'],
    ]);
  });

  test('the client-id binding (issue 12) through the same route; allowAnonymous untouched when not given', async () => {
    const before = (await agent.get('/bff/mqtt-auth').expect(200)).body.allowAnonymous;
    assert.equal((await write('put', '/bff/mqtt-auth').send({ clientIdBinding: 'session-owner' }).expect(200)).body.clientIdBinding, 'session-owner');
    const bound = (await agent.get('/bff/mqtt-auth').expect(200)).body;
    assert.deepEqual([bound.clientIdBinding, bound.allowAnonymous], ['session-owner', before]);
    await write('put', '/bff/mqtt-auth').send({ clientIdBinding: 'none' }).expect(200);
  });
});

describe('MQTT_ALLOW_ANONYMOUS', () => {
  test('true by default; true/false/1/0 in any case, as a variable or a flag; anything else stops the start naming the setting', () => {
    assert.equal(loadConfig([], {}).mqttAllowAnonymous, true);
    assert.equal(loadConfig([], { MQTT_ALLOW_ANONYMOUS: 'false' }).mqttAllowAnonymous, false);
    assert.equal(loadConfig([], { MQTT_ALLOW_ANONYMOUS: ' FALSE ' }).mqttAllowAnonymous, false);
    assert.equal(loadConfig([], { MQTT_ALLOW_ANONYMOUS: '0' }).mqttAllowAnonymous, false);
    assert.equal(loadConfig([], { MQTT_ALLOW_ANONYMOUS: 'True' }).mqttAllowAnonymous, true);
    assert.equal(loadConfig(['--mqtt-allow-anonymous', '1'], { MQTT_ALLOW_ANONYMOUS: 'false' }).mqttAllowAnonymous, true, 'the flag wins');
    assert.throws(() => loadConfig([], { MQTT_ALLOW_ANONYMOUS: 'maybe' }), /--mqtt-allow-anonymous \(MQTT_ALLOW_ANONYMOUS\): must be true or false/);
  });
});
