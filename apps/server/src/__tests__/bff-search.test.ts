/**
 * Issue 13 "Search" through `GET /bff/sessions` (supertest on the exported app, a real broker on a
 * real SQLite file, real mqtt.js clients from several source addresses): `q` substring search,
 * `username`, `ip` (address or CIDR), `protocol`, `labelIds` and `labelGroup`, with sort, paging
 * and total; bad values are 400 naming the parameter.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import request from 'supertest';
import { createBroker, type Broker } from '@mqdash/broker';
import { createApp } from '../app.ts';

const PASSWORD = 'bff-search-password';

describe('/bff/sessions search', () => {
  let dir: string;
  let broker: Broker;
  let agent: ReturnType<typeof request.agent>;
  let csrf: string;
  const clients: MqttClient[] = [];
  const names = async (query: string) => {
    const r = await agent.get(`/bff/sessions?${query}`).expect(200);
    return { total: r.body.total as number, names: (r.body.rows as Array<{ clientName: string }>).map((x) => x.clientName) };
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bff-search-'));
    broker = await createBroker({ dataDir: dir, adminPassword: PASSWORD });
    const port = ((await broker.listenMqtt(0)).address() as net.AddressInfo).port;
    const app = createApp(broker, { maxBodyBytes: 64 * 1024 });
    agent = request.agent(app);
    csrf = (await agent.post('/bff/login').send({ username: 'admin', password: PASSWORD }).expect(200)).body.csrfToken;
    const fleet = [
      ['hall-1/press-01', 'fleet-svc', '127.0.0.11', 5], ['hall-1/press-02', 'fleet-svc', '127.0.0.12', 4],
      ['hall-2/robot-01', 'robots', '127.0.5.1', 5], ['yard/gate', 'gate-keeper', '127.0.9.9', 4],
    ] as const;
    for (const [clientId, username, localAddress, protocolVersion] of fleet) {
      const c = new mqtt.MqttClient(() => net.createConnection({ host: '127.0.0.1', port, localAddress }), { clientId, username, protocolVersion, reconnectPeriod: 0 });
      clients.push(c);
      await new Promise((resolve, reject) => c.once('connect', resolve).once('error', reject));
    }
    for (const [clientName, group, name] of [['hall-1/press-01', 'site', 'north'], ['hall-2/robot-01', 'site', 'south'], ['yard/gate', 'zone', 'outside']])
      await agent.patch(`/bff/sessions/${encodeURIComponent(clientName!)}`).set('X-CSRF-Token', csrf).send({ label: { group, name } }).expect(200);
  });

  after(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => {});
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('q matches a substring of client name, user name, IP address and label name', async () => {
    assert.deepEqual((await names('q=PRESS')).names, ['hall-1/press-01', 'hall-1/press-02']);
    assert.deepEqual((await names('q=et-sv')).names, ['hall-1/press-01', 'hall-1/press-02']);
    assert.deepEqual((await names('q=0.9.9')).names, ['yard/gate']);
    assert.deepEqual((await names('q=outsi')).names, ['yard/gate']);
    assert.deepEqual((await names('q=ha')).names, ['hall-1/press-01', 'hall-1/press-02', 'hall-2/robot-01']);
  });

  test('username, ip, protocol, labelIds and labelGroup filters, with sort, paging and total', async () => {
    assert.deepEqual((await names('username=fleet-svc&username=gate-keeper')).names, ['hall-1/press-01', 'hall-1/press-02', 'yard/gate']);
    assert.deepEqual((await names(`ip=${encodeURIComponent('127.0.0.0/24')}`)).names, ['hall-1/press-01', 'hall-1/press-02']);
    assert.deepEqual((await names(`ip=127.0.5.1&ip=${encodeURIComponent('127.0.8.0/23')}`)).names, ['hall-2/robot-01', 'yard/gate']);
    assert.deepEqual((await names('protocol=3.1.1')).names, ['hall-1/press-02', 'yard/gate']);
    const labels = (await agent.get('/bff/labels').expect(200)).body.data as Array<{ id: number; name: string }>;
    const id = (n: string) => labels.find((l) => l.name === n)!.id;
    assert.deepEqual((await names(`labelIds=${id('north')},${id('outside')}`)).names, ['hall-1/press-01', 'yard/gate']);
    assert.deepEqual((await names('labelGroup=site')).names, ['hall-1/press-01', 'hall-2/robot-01']);
    const page = await names(`q=hall&protocol=5.0&sort=clientName&dir=desc&pageSize=1&page=0`);
    assert.deepEqual(page, { total: 2, names: ['hall-2/robot-01'] });
  });

  test('a bad IP or CIDR is 400 naming the parameter', async () => {
    const r = await agent.get(`/bff/sessions?ip=127.0.0.1&ip=${encodeURIComponent('10.0.0.0/40')}`).expect(400);
    assert.equal(r.body.property, 'ip[1]');
    assert.match(r.body.message, /IP address or CIDR range/);
    const p = await agent.get('/bff/sessions?protocol=4').expect(400);
    assert.equal(p.body.property, 'protocol[0]');
  });
});
