/**
 * Saved views (`/bff/views`, issue 13) through supertest on the exported app, against a real broker
 * on a real SQLite file: sign-in and CSRF required, bad bodies refused naming the property, views
 * kept per account (another account neither sees nor deletes them), replaced by name, kept across
 * a restart, and bounded per account.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import request from 'supertest';
import { createBroker, type Broker } from '@mqdash/broker';
import { SAVED_VIEWS_MAX } from '@mqdash/contracts';
import { createApp } from '../app.ts';

const ADMIN = 'bff-views-admin-pw';
const VIEWER = { username: 'vic viewer', password: 'Viewer-password-1' };
let dir: string;
let broker: Broker;
let app: ReturnType<typeof createApp>;

async function signIn(username: string, password: string) {
  const agent = request.agent(app);
  const csrf = (await agent.post('/bff/login').send({ username, password }).expect(200)).body.csrfToken as string;
  return { agent, csrf };
}

const start = async () => {
  broker = await createBroker({ dataDir: dir, adminPassword: ADMIN, logger: pino({ level: 'silent' }) });
  app = createApp(broker, { maxBodyBytes: 64 * 1024 });
};

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bff-views-'));
  await start();
});
after(async () => {
  await broker.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const view = { name: 'Unhealthy on line 3', search: 'q=line-3&health=unhealthy&sort=lastConnect&dir=desc', columns: ['sessionHealth', 'reason', 'lastConnect'] };

test('sign-in and the CSRF header are required', async () => {
  await request(app).get('/bff/views').expect(401);
  const { agent } = await signIn('admin', ADMIN);
  await agent.post('/bff/views').send(view).expect(403);
  assert.deepEqual((await agent.get('/bff/views').expect(200)).body, { data: [] });
});

test('bad bodies get 400 naming the property, and store nothing', async () => {
  const { agent, csrf } = await signIn('admin', ADMIN);
  for (const [body, property] of [
    [{ ...view, name: '' }, 'name'], [{ ...view, name: ' padded' }, 'name'], [{ ...view, name: 'x'.repeat(81) }, 'name'], [{ ...view, name: 'a\u0007b' }, 'name'],
    [{ ...view, search: '?q=x' }, 'search'], [{ ...view, search: 'q='.repeat(3000) }, 'search'], [{ ...view, search: 7 }, 'search'],
    [{ ...view, columns: ['no spaces'] }, 'columns[0]'], [{ ...view, columns: 'reason' }, 'columns'], [{ name: 'x', search: '' }, 'columns'],
    [{ ...view, extra: 1 }, undefined], [[view], undefined], ['text', undefined],
  ] as const) {
    const r = await agent.post('/bff/views').set('X-CSRF-Token', csrf).send(body as object).expect(400);
    if (property) assert.equal(r.body.property, property, JSON.stringify(r.body));
    assert.match(r.body.message, /\w/);
  }
  assert.deepEqual((await agent.get('/bff/views').expect(200)).body.data, []);
});

test('views are per account: saved, replaced by name, listed by name, deleted; another account never sees them', async () => {
  const admin = await signIn('admin', ADMIN);
  const created = await admin.agent.post('/bff/views').set('X-CSRF-Token', admin.csrf).send(view).expect(201);
  assert.deepEqual({ ...created.body, createdDateTime: undefined, updatedDateTime: undefined }, { ...view, createdDateTime: undefined, updatedDateTime: undefined });
  assert.match(created.body.createdDateTime, /Z$/);
  await admin.agent.post('/bff/views').set('X-CSRF-Token', admin.csrf).send({ name: 'banned', search: 'status=banned', columns: [] }).expect(201);
  // The same name again replaces it.
  await admin.agent.post('/bff/views').set('X-CSRF-Token', admin.csrf).send({ ...view, search: 'q=line-4' }).expect(201);
  const listed = (await admin.agent.get('/bff/views').expect(200)).body.data as Array<{ name: string; search: string }>;
  assert.deepEqual(listed.map((v) => [v.name, v.search]), [['banned', 'status=banned'], ['Unhealthy on line 3', 'q=line-4']]);

  // A viewer keeps its own views and cannot see or delete the administrator's.
  await admin.agent.post('/bff/accounts').set('X-CSRF-Token', admin.csrf).send({ ...VIEWER, role: 'viewer' }).expect(201);
  const viewer = await signIn(VIEWER.username, VIEWER.password);
  assert.deepEqual((await viewer.agent.get('/bff/views').expect(200)).body.data, []);
  const r = await viewer.agent.delete('/bff/views/banned').set('X-CSRF-Token', viewer.csrf).expect(404);
  assert.equal(r.body.error, 'VIEW_NOT_FOUND');
  await viewer.agent.post('/bff/views').set('X-CSRF-Token', viewer.csrf).send({ name: 'banned', search: 'status=banned&showHidden=1', columns: [] }).expect(201);
  assert.equal((await admin.agent.get('/bff/views').expect(200)).body.data[0].search, 'status=banned');

  await admin.agent.delete(`/bff/views/${encodeURIComponent('Unhealthy on line 3')}`).set('X-CSRF-Token', admin.csrf).expect(204);
  await admin.agent.delete(`/bff/views/${encodeURIComponent('Unhealthy on line 3')}`).set('X-CSRF-Token', admin.csrf).expect(404);
  assert.deepEqual(((await admin.agent.get('/bff/views').expect(200)).body.data as Array<{ name: string }>).map((v) => v.name), ['banned']);
  assert.deepEqual(((await viewer.agent.get('/bff/views').expect(200)).body.data as Array<{ name: string }>).map((v) => v.name), ['banned']);
});

test('views survive a restart (SQLite), and an account keeps at most the limit', async () => {
  await broker.close();
  await start();
  const { agent, csrf } = await signIn('admin', ADMIN);
  assert.deepEqual(((await agent.get('/bff/views').expect(200)).body.data as Array<{ name: string }>).map((v) => v.name), ['banned']);
  for (let i = 1; i < SAVED_VIEWS_MAX; i++) broker.savedViews.save('admin', { name: `bulk ${i}`, search: '', columns: [] });
  const r = await agent.post('/bff/views').set('X-CSRF-Token', csrf).send({ name: 'one too many', search: '', columns: [] }).expect(409);
  assert.equal(r.body.error, 'TOO_MANY_VIEWS');
  // Replacing an existing one is still allowed at the limit.
  await agent.post('/bff/views').set('X-CSRF-Token', csrf).send({ name: 'banned', search: 'status=banned,inactive', columns: [] }).expect(201);
});
