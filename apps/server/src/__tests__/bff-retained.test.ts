/**
 * The Retained screen's routes (`/bff/retained`) through supertest on the exported app, against a
 * real broker: list by filter with paging, one message with its payload, a dry-run count, delete
 * one and all matching; bad input refused with the property named; CSRF required.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import request from 'supertest';
import { createBroker, type Broker } from '@mqdash/broker';
import { createApp } from '../app.ts';

const ADMIN = 'bff-retained-admin-pw';
let dir: string;
let broker: Broker;
let agent: ReturnType<typeof request.agent>;
let csrf: string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bff-retained-'));
  broker = await createBroker({ dataDir: dir, adminPassword: ADMIN, logger: pino({ level: 'silent' }) });
  const app = createApp(broker, { maxBodyBytes: 64 * 1024 });
  await request(app).get('/bff/retained').expect(401);
  agent = request.agent(app);
  csrf = (await agent.post('/bff/login').send({ username: 'admin', password: ADMIN }).expect(200)).body.csrfToken;
  const token = (await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: ADMIN } })).authToken;
  await broker.actions.run({ action: 'createMqApiSession', params: { clientName: 'bff-ret-pub' }, authToken: token });
  const messages = ['site/1/temp', 'site/2/temp', 'site/2/hum'].map((topic) => ({ topic, payload: { topic }, retain: true, qos: 1 }));
  const r = await broker.actions.run({ action: 'publishMessagesToMq', params: { clientName: 'bff-ret-pub', messages }, authToken: token });
  assert.equal(r.errorCode, 0, r.errorMessage);
});
after(async () => {
  await broker.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('GET /bff/retained lists by filter, paged, with totalCount', async () => {
  const all = await agent.get('/bff/retained').expect(200);
  assert.equal(all.body.totalCount, 3);
  assert.deepEqual(all.body.data.map((m: { topic: string }) => m.topic), ['site/1/temp', 'site/2/hum', 'site/2/temp']);
  const page = await agent.get('/bff/retained').query({ topicFilter: 'site/+/temp', page: 2, pageSize: 1 }).expect(200);
  assert.deepEqual({ total: page.body.totalCount, topics: page.body.data.map((m: { topic: string }) => m.topic), page: page.body.page }, { total: 2, topics: ['site/2/temp'], page: 2 });
  const bad = await agent.get('/bff/retained').query({ topicFilter: 'site/#/x' }).expect(400);
  assert.match(JSON.stringify(bad.body), /topicFilter/);
});

test('GET /bff/retained/message answers the payload in base64, 404 for a topic without one', async () => {
  const m = await agent.get('/bff/retained/message').query({ topic: 'site/2/hum' }).expect(200);
  assert.equal(m.body.binaryFormat, 'base64');
  assert.deepEqual(JSON.parse(Buffer.from(m.body.payload, 'base64').toString()), { topic: 'site/2/hum' });
  assert.equal(m.body.payloadFormatIndicator, 'utf8');
  await agent.get('/bff/retained/message').query({ topic: 'site/9' }).expect(404);
});

test('POST /bff/retained/delete: CSRF required, dry run counts, then one and all matching are deleted', async () => {
  await agent.post('/bff/retained/delete').send({ topicFilter: 'site/#' }).expect(403);
  const dry = await agent.post('/bff/retained/delete').set('X-CSRF-Token', csrf).send({ topicFilter: 'site/+/temp', dryRun: true }).expect(200);
  assert.deepEqual(dry.body, { matchedCount: 2, deletedCount: 0, dryRun: true });
  const one = await agent.post('/bff/retained/delete').set('X-CSRF-Token', csrf).send({ topic: 'site/2/hum' }).expect(200);
  assert.equal(one.body.deletedCount, 1);
  const rest = await agent.post('/bff/retained/delete').set('X-CSRF-Token', csrf).send({ topicFilter: 'site/#' }).expect(200);
  assert.deepEqual(rest.body, { matchedCount: 2, deletedCount: 2, dryRun: false });
  assert.equal((await agent.get('/bff/retained').expect(200)).body.totalCount, 0);
  const bad = await agent.post('/bff/retained/delete').set('X-CSRF-Token', csrf).send({ topic: 'a/+' }).expect(400);
  assert.match(JSON.stringify(bad.body), /topic/);
});
