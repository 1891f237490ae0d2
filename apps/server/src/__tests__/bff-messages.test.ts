/**
 * The session detail's Messages tab routes: `POST /bff/sessions/:clientName/messages` publishes as
 * that session, `GET /bff/topics/messages` peeks at a topic's newest kept messages. Real broker,
 * real SQLite file, real mqtt.js clients.
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

const PASSWORD = 'bff-messages-password';

describe('/bff messages', () => {
  let dir: string;
  let broker: Broker;
  let app: ReturnType<typeof createApp>;
  let agent: ReturnType<typeof request.agent>;
  let csrf: string;
  const clients: MqttClient[] = [];
  let mqttPort: number;

  const connect = async (clientId: string) => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { clientId, protocolVersion: 5, reconnectPeriod: 0 });
    clients.push(c);
    return c;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bff-messages-'));
    broker = await createBroker({ dataDir: dir, adminPassword: PASSWORD });
    mqttPort = ((await broker.listenMqtt(0)).address() as net.AddressInfo).port;
    app = createApp(broker, { maxBodyBytes: 64 * 1024 });
    agent = request.agent(app);
    csrf = (await agent.post('/bff/login').send({ username: 'admin', password: PASSWORD }).expect(200)).body.csrfToken;
  });

  after(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => {});
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('publish as a session: subscribers receive it, it counts as the session’s, and the topic keeps it', async () => {
    await connect('publisher-1');
    const subscriber = await connect('listener-1');
    await subscriber.subscribeAsync('lab/+/temp', { qos: 1 });
    const received = new Promise<{ topic: string; payload: string; retain: boolean }>((resolve) =>
      subscriber.once('message', (topic, payload, packet) => resolve({ topic, payload: payload.toString(), retain: packet.retain })),
    );
    const r = await agent.post('/bff/sessions/publisher-1/messages').set('X-CSRF-Token', csrf)
      .send({ topic: 'lab/1/temp', payload: '{"c":21.5}', qos: 1, retain: false }).expect(200);
    assert.deepEqual(r.body, { clientName: 'publisher-1', published: 1 });
    assert.deepEqual(await received, { topic: 'lab/1/temp', payload: '{"c":21.5}', retain: false });

    const detail = (await agent.get('/bff/sessions/publisher-1').expect(200)).body;
    assert.equal(detail.stats.totalMessagesPublished, 1);

    const peek = await agent.get('/bff/topics/messages').query({ topic: 'lab/1/temp', maxMessages: 5, binaryFormat: 'base64' }).expect(200);
    assert.equal(peek.body.topic, 'lab/1/temp');
    assert.equal(peek.body.data.length, 1);
    assert.equal(peek.body.data[0].binaryFormat, 'base64');
    assert.equal(Buffer.from(peek.body.data[0].payload, 'base64').toString(), '{"c":21.5}');
    assert.equal(peek.body.data[0].publisherClientName, 'publisher-1');
  });

  test('peek returns the newest messages, oldest first, as many as asked', async () => {
    for (let i = 1; i <= 5; i++)
      await agent.post('/bff/sessions/publisher-1/messages').set('X-CSRF-Token', csrf).send({ topic: 'lab/count', payload: `n${i}`, qos: 0 }).expect(200);
    const peek = await agent.get('/bff/topics/messages?topic=lab/count&maxMessages=2').expect(200);
    assert.deepEqual(peek.body.data.map((m: { payload: string }) => m.payload), ['n4', 'n5']);
  });

  test('bad input is 400 naming the property; unknown and banned sessions are refused; CSRF and sign-in are required', async () => {
    const wildcard = await agent.post('/bff/sessions/publisher-1/messages').set('X-CSRF-Token', csrf).send({ topic: 'lab/#', payload: 'x' }).expect(400);
    assert.equal(wildcard.body.property, 'topic');
    const qos = await agent.post('/bff/sessions/publisher-1/messages').set('X-CSRF-Token', csrf).send({ topic: 'lab/x', payload: 'x', qos: 3 }).expect(400);
    assert.equal(qos.body.property, 'qos');
    const hex = await agent.post('/bff/sessions/publisher-1/messages').set('X-CSRF-Token', csrf).send({ topic: 'lab/x', payload: 'zz', binaryFormat: 'hex' }).expect(400);
    assert.equal(hex.body.property, 'payload');
    await agent.post('/bff/sessions/nobody-here/messages').set('X-CSRF-Token', csrf).send({ topic: 'lab/x', payload: 'x' }).expect(404);
    await agent.patch('/bff/sessions/publisher-1').set('X-CSRF-Token', csrf).send({ sessionStatus: 'banned' }).expect(200);
    const banned = await agent.post('/bff/sessions/publisher-1/messages').set('X-CSRF-Token', csrf).send({ topic: 'lab/x', payload: 'x' });
    assert.equal(banned.status, 403);
    assert.equal(banned.body.error, 'SESSION_BANNED');

    const noTopic = await agent.get('/bff/topics/messages').expect(400);
    assert.equal(noTopic.body.property, 'topic');
    await agent.get('/bff/topics/messages?topic=a/%2B').expect(400);
    await agent.get('/bff/topics/messages?topic=a&maxMessages=0').expect(400);

    await agent.post('/bff/sessions/listener-1/messages').send({ topic: 'lab/x', payload: 'x' }).expect(403);
    await request(app).post('/bff/sessions/listener-1/messages').send({ topic: 'lab/x', payload: 'x' }).expect(401);
    await request(app).get('/bff/topics/messages?topic=lab/x').expect(401);
  });
});
