/**
 * The Labels screen's routes (`/bff/labels`) through supertest on the exported app, against a real
 * broker: create, rename, recolour, deprecate and delete a label, each listed with how many sessions
 * carry it; bad input refused with the property named; CSRF required; a viewer reads only.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import request from 'supertest';
import type { LabelInfo } from '@mqdash/contracts';
import { createBroker, type Broker } from '@mqdash/broker';
import { createApp } from '../app.ts';

const ADMIN = 'bff-labels-admin-pw';
let dir: string;
let broker: Broker;
let app: ReturnType<typeof createApp>;
let agent: ReturnType<typeof request.agent>;
let csrf: string;
let token: string;

const listed = async (): Promise<LabelInfo[]> => (await agent.get('/bff/labels').expect(200)).body.data;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bff-labels-'));
  broker = await createBroker({ dataDir: dir, adminPassword: ADMIN, logger: pino({ level: 'silent' }) });
  app = createApp(broker, { maxBodyBytes: 64 * 1024 });
  agent = request.agent(app);
  csrf = (await agent.post('/bff/login').send({ username: 'admin', password: ADMIN }).expect(200)).body.csrfToken;
  token = (await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: ADMIN } })).authToken!;
});
after(async () => {
  await broker.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('POST /bff/labels creates a label (CSRF required); a taken name is 409, a bad colour 400 naming it', async () => {
  await agent.post('/bff/labels').send({ group: 'energy', name: 'meters' }).expect(403);
  const created = await agent.post('/bff/labels').set('X-CSRF-Token', csrf)
    .send({ group: 'energy', name: 'meters', metadata: { color: '#2563eb' } }).expect(201);
  assert.deepEqual({ group: created.body.group, name: created.body.name, color: created.body.metadata.color, sessionCount: created.body.sessionCount },
    { group: 'energy', name: 'meters', color: '#2563eb', sessionCount: 0 });
  const taken = await agent.post('/bff/labels').set('X-CSRF-Token', csrf).send({ group: 'energy', name: 'meters' }).expect(409);
  assert.equal(taken.body.error, 'NAME_IN_USE');
  const bad = await agent.post('/bff/labels').set('X-CSRF-Token', csrf).send({ name: 'x', metadata: { color: 'blue' } }).expect(400);
  assert.match(JSON.stringify(bad.body), /color/);
});

test('GET /bff/labels counts the sessions carrying each label', async () => {
  for (const clientName of ['bff-lab-1', 'bff-lab-2']) {
    const r = await broker.actions.run({ action: 'createMqApiSession', params: { clientName, label: { group: 'energy', name: 'meters' } }, authToken: token });
    assert.equal(r.errorCode, 0, r.errorMessage);
  }
  const meters = (await listed()).find((l) => l.name === 'meters');
  assert.equal(meters?.sessionCount, 2);
});

test('PATCH /bff/labels/:id renames, recolours and deprecates; sessions keep the label', async () => {
  const id = (await listed()).find((l) => l.name === 'meters')!.id;
  const r = await agent.patch(`/bff/labels/${id}`).set('X-CSRF-Token', csrf)
    .send({ newName: 'smart-meters', metadata: { color: '#16a34a' }, deprecated: true }).expect(200);
  assert.deepEqual({ name: r.body.name, color: r.body.metadata.color, deprecated: r.body.deprecated, sessionCount: r.body.sessionCount },
    { name: 'smart-meters', color: '#16a34a', deprecated: true, sessionCount: 2 });
  const s = await agent.get('/bff/sessions/bff-lab-1').expect(200);
  assert.equal(s.body.label.name, 'smart-meters');
  await agent.patch('/bff/labels/999999').set('X-CSRF-Token', csrf).send({ deprecated: false }).expect(404);
  const bad = await agent.patch(`/bff/labels/${id}`).set('X-CSRF-Token', csrf).send({ newName: '' }).expect(400);
  assert.match(JSON.stringify(bad.body), /newName/);
  await agent.patch('/bff/labels/abc').set('X-CSRF-Token', csrf).send({ deprecated: false }).expect(400);
});

test('DELETE /bff/labels/:id removes it and says how many sessions lost it; a missing one is 404', async () => {
  const id = (await listed()).find((l) => l.name === 'smart-meters')!.id;
  const r = await agent.delete(`/bff/labels/${id}`).set('X-CSRF-Token', csrf).expect(200);
  assert.deepEqual({ deleted: r.body.deleted, sessionsUnlabeled: r.body.sessionsUnlabeled }, { deleted: true, sessionsUnlabeled: 2 });
  assert.equal((await agent.get('/bff/sessions/bff-lab-1').expect(200)).body.label, undefined);
  assert.equal((await listed()).some((l) => l.id === id), false);
  await agent.delete(`/bff/labels/${id}`).set('X-CSRF-Token', csrf).expect(404);
});

test('a viewer lists labels but cannot write them', async () => {
  const created = await broker.actions.run({ action: 'createAccount', params: { username: 'lab-viewer', password: 'lab-viewer-password', role: 'viewer' }, authToken: token });
  assert.equal(created.errorCode, 0, created.errorMessage);
  const viewer = request.agent(app);
  const vcsrf = (await viewer.post('/bff/login').send({ username: 'lab-viewer', password: 'lab-viewer-password' }).expect(200)).body.csrfToken;
  await viewer.get('/bff/labels').expect(200);
  await viewer.post('/bff/labels').set('X-CSRF-Token', vcsrf).send({ name: 'nope' }).expect(403);
});
