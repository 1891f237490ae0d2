/**
 * `/bff/bans` and `/bff/topic-permissions` (issue 12) through the real app with a signed-in
 * dashboard session and its CSRF token, against a real broker and real mqtt.js clients.
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

const ADMIN = 'bff-access-admin-pw';

describe('/bff/bans and /bff/topic-permissions', () => {
  let dir: string;
  let broker: Broker;
  let app: ReturnType<typeof createApp>;
  let mqttPort: number;
  let agent: ReturnType<typeof request.agent>;
  let csrf: string;
  const clients: MqttClient[] = [];
  const write = (method: 'post' | 'put' | 'delete', url: string) => agent[method](url).set('X-CSRF-Token', csrf);
  const connect = (clientId: string) => new Promise<number | 'accepted'>((resolve) => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${mqttPort}`, { clientId, protocolVersion: 5, reconnectPeriod: 0 });
    clients.push(c);
    c.once('connect', () => resolve('accepted'));
    c.once('error', (err: Error & { code?: number }) => {
      c.end(true);
      resolve(err.code ?? -1);
    });
  });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bff-access-'));
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

  test('a ban added here refuses the client; bad input is 400 naming the field; removing it lets the client in', async () => {
    const r = await write('post', '/bff/bans').send({ banType: 'ipRange', value: '127.0.0.0/8', reason: 'lab' }).expect(201);
    assert.equal(r.body.value, '127.0.0.0/8');
    assert.equal(r.body.createdBy, 'admin');
    assert.equal(await connect('bff-banned'), 0x8a);
    const list = await agent.get('/bff/bans?banType=ipRange').expect(200);
    assert.equal(list.body.totalCount, 1);
    const bad = await write('post', '/bff/bans').send({ banType: 'clientNamePattern', value: '([' }).expect(400);
    assert.match(JSON.stringify(bad.body), /value/);
    await write('post', '/bff/bans').send({ banType: 'ipRange', value: '127.0.0.0/8' }).expect(409);
    await write('delete', `/bff/bans/ipRange/${encodeURIComponent('127.0.0.0/8')}`).expect(200);
    await write('delete', `/bff/bans/ipRange/${encodeURIComponent('127.0.0.0/8')}`).expect(404);
    assert.equal(await connect('bff-banned'), 'accepted');
    await agent.post('/bff/bans').send({ banType: 'clientName', value: 'x' }).expect(403);
  });

  test('POST /bff/bans/preview answers who the ban would hit and stores nothing; bad input is 400 naming the field', async () => {
    assert.equal(await connect('bff-preview-1'), 'accepted');
    assert.equal(await connect('bff-preview-2'), 'accepted');
    const r = await write('post', '/bff/bans/preview').send({ banType: 'clientNamePattern', value: '^bff-preview-' }).expect(200);
    assert.deepEqual(r.body, { banType: 'clientNamePattern', value: '^bff-preview-', connectedClients: 2, storedSessions: 2, sampleClientNames: ['bff-preview-1', 'bff-preview-2'], exists: false });
    assert.equal((await agent.get('/bff/bans?banType=clientNamePattern').expect(200)).body.totalCount, 0);
    const bad = await write('post', '/bff/bans/preview').send({ banType: 'ipAddress', value: '10.0.0.0/8' }).expect(400);
    assert.match(JSON.stringify(bad.body), /value/);
    await agent.post('/bff/bans/preview').send({ banType: 'clientName', value: 'x' }).expect(403);
  });

  test('topic permissions: add in order, change the default, remove', async () => {
    const a = await write('post', '/bff/topic-permissions').send({ subject: 'everyone', permission: 'deny', action: 'publish', topicFilter: 'secret/#' }).expect(201);
    const b = await write('post', '/bff/topic-permissions').send({ subject: 'anonymous', permission: 'allow', action: 'all', topicFilter: 'devices/%c/#', position: 1 }).expect(201);
    assert.equal(b.body.position, 1);
    await write('put', '/bff/topic-permissions/settings').send({ defaultPermission: 'deny' }).expect(200);
    const list = await agent.get('/bff/topic-permissions').expect(200);
    assert.deepEqual(list.body.data.map((r: { permissionId: number }) => r.permissionId), [b.body.permissionId, a.body.permissionId]);
    assert.equal(list.body.defaultPermission, 'deny');
    const bad = await write('post', '/bff/topic-permissions').send({ subject: 'account', permission: 'allow', action: 'all', topicFilter: 'a' }).expect(400);
    assert.match(JSON.stringify(bad.body), /username/);
    await write('delete', `/bff/topic-permissions/${a.body.permissionId}`).expect(200);
    await write('delete', `/bff/topic-permissions/${a.body.permissionId}`).expect(404);
    await write('put', '/bff/topic-permissions/settings').send({ defaultPermission: 'allow' }).expect(200);
  });
});
