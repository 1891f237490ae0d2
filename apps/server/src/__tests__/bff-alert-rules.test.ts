/**
 * Alert rules through `/bff/alert-rules` (issue 13): supertest on the exported app, a real broker
 * on a real SQLite file. Bad bodies and queries get 400 naming the property; create, change (null
 * removes), list by state, delete; unknown ids 404; a viewer reads but cannot change.
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

const ADMIN = 'bff-alerts-admin-pw';
const VIEWER = { username: 'val viewer', password: 'Viewer-password-1' };
let dir: string;
let broker: Broker;
let app: ReturnType<typeof createApp>;

async function signIn(username: string, password: string) {
  const agent = request.agent(app);
  const csrf = (await agent.post('/bff/login').send({ username, password }).expect(200)).body.csrfToken as string;
  return { agent, csrf };
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bff-alerts-'));
  broker = await createBroker({ dataDir: dir, adminPassword: ADMIN, logger: pino({ level: 'silent' }), alerts: { evaluateMs: 0 } });
  app = createApp(broker, { maxBodyBytes: 64 * 1024 });
});
after(async () => {
  await broker.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const rule = { name: 'Line 3 offline', condition: 'offlineSessions', threshold: 2, forMinutes: 5, partialClientName: 'line-3-', webhookUrl: 'https://hooks.example.com/x', webhookSecret: 'sec' };

test('bad bodies and queries get 400 naming the property, and store nothing', async () => {
  const { agent, csrf } = await signIn('admin', ADMIN);
  for (const [body, property] of [
    [{ ...rule, name: '' }, 'name'], [{ ...rule, condition: 'rain' }, 'condition'], [{ ...rule, threshold: -1 }, 'threshold'],
    [{ ...rule, forMinutes: 'five' }, 'forMinutes'], [{ ...rule, webhookUrl: 'javascript:alert(1)' }, 'webhookUrl'],
    [{ ...rule, condition: 'droppedMessagesPerMinute' }, 'partialClientName'], [{ ...rule, labelId: 4242 }, 'labelId'],
  ] as const) {
    const r = await agent.post('/bff/alert-rules').set('X-CSRF-Token', csrf).send(body).expect((res) => assert.ok(res.status === 400 || res.status === 404, String(res.status)));
    assert.equal(r.body.property, property, JSON.stringify(r.body));
  }
  assert.equal((await agent.get('/bff/alert-rules?state=burning').expect(400)).body.property, 'state');
  assert.deepEqual((await agent.get('/bff/alert-rules').expect(200)).body, { data: [], firingCount: 0 });
});

test('create, change, list by state, delete; a viewer only reads', async () => {
  const { agent, csrf } = await signIn('admin', ADMIN);
  const created = (await agent.post('/bff/alert-rules').set('X-CSRF-Token', csrf).send(rule).expect(201)).body;
  assert.equal(created.webhookSecretSet, true);
  assert.equal(created.webhookSecret, undefined);
  await agent.post('/bff/alert-rules').set('X-CSRF-Token', csrf).send(rule).expect(409);
  const changed = (await agent.patch(`/bff/alert-rules/${created.ruleId}`).set('X-CSRF-Token', csrf).send({ threshold: 0, partialClientName: null, webhookUrl: null }).expect(200)).body;
  assert.deepEqual([changed.threshold, changed.partialClientName, changed.webhookUrl, changed.forMinutes], [0, undefined, undefined, 5]);
  assert.equal((await agent.patch(`/bff/alert-rules/${created.ruleId}`).set('X-CSRF-Token', csrf).send({ threshold: 'x' }).expect(400)).body.property, 'threshold');
  await agent.patch('/bff/alert-rules/999999').set('X-CSRF-Token', csrf).send({ threshold: 1 }).expect(404);
  assert.equal((await agent.get('/bff/alert-rules?state=firing').expect(200)).body.data.length, 0);
  assert.equal((await agent.get('/bff/alert-rules?state=ok,pending').expect(200)).body.data.length, 1);

  await agent.post('/bff/accounts').set('X-CSRF-Token', csrf).send({ ...VIEWER, role: 'viewer' }).expect(201);
  const viewer = await signIn(VIEWER.username, VIEWER.password);
  assert.equal((await viewer.agent.get('/bff/alert-rules').expect(200)).body.data.length, 1);
  await viewer.agent.delete(`/bff/alert-rules/${created.ruleId}`).set('X-CSRF-Token', viewer.csrf).expect(403);

  await agent.delete(`/bff/alert-rules/${created.ruleId}`).set('X-CSRF-Token', csrf).expect(200);
  await agent.delete(`/bff/alert-rules/${created.ruleId}`).set('X-CSRF-Token', csrf).expect(404);
});
