/**
 * Issue 13's undo and timeline routes through supertest on the exported app, against a real broker
 * on a real SQLite file: a bulk ban answers the audit entries to undo and until when, `POST
 * /bff/audit/undo` sets every session back, a second undo is refused per entry with the reason,
 * `POST /bff/audit/{id}/undo` undoes a single change (its id comes in `X-Mqdash-Audit-Id`), a
 * viewer may not undo, and `GET /bff/sessions/{name}/events` serves the stored timeline.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import request from 'supertest';
import { UNDO_WINDOW_MS, type BulkResult } from '@mqdash/contracts';
import { createBroker, type Broker } from '@mqdash/broker';
import { createApp } from '../app.ts';

const ADMIN = 'bff-undo-admin-password';
let dir: string;
let broker: Broker;
let agent: ReturnType<typeof request.agent>;
let csrf: string;
let token: string;

const statusOf = async (name: string) => (await agent.get(`/bff/sessions/${name}`).expect(200)).body.sessionStatus as string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bff-undo-'));
  broker = await createBroker({ dataDir: dir, adminPassword: ADMIN, logger: pino({ level: 'silent' }) });
  agent = request.agent(createApp(broker, { maxBodyBytes: 64 * 1024 }));
  csrf = (await agent.post('/bff/login').send({ username: 'admin', password: ADMIN }).expect(200)).body.csrfToken;
  token = (await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: ADMIN } })).authToken!;
  for (const clientName of ['undo-a', 'undo-b', 'undo-c']) {
    const r = await broker.actions.run({ action: 'createMqApiSession', params: { clientName }, authToken: token });
    assert.equal(r.errorCode, 0, r.errorMessage);
  }
});
after(async () => {
  await broker.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a bulk ban offers its undo; undoing it restores every session once', async () => {
  const started = Date.now();
  const bulk: BulkResult = (await agent.post('/bff/sessions/bulk').set('X-CSRF-Token', csrf).send({ action: 'ban', clientNames: ['undo-a', 'undo-b'] }).expect(200)).body;
  assert.deepEqual(bulk.succeeded, ['undo-a', 'undo-b']);
  assert.equal(bulk.undo?.auditIds.length, 2);
  const until = Date.parse(bulk.undo!.until);
  assert.ok(until >= started + UNDO_WINDOW_MS && until <= Date.now() + UNDO_WINDOW_MS, 'until is the end of the window');
  assert.equal(await statusOf('undo-a'), 'banned');

  await agent.post('/bff/audit/undo').send({ auditIds: bulk.undo!.auditIds }).expect(403); // CSRF
  const undone = (await agent.post('/bff/audit/undo').set('X-CSRF-Token', csrf).send({ auditIds: bulk.undo!.auditIds }).expect(200)).body;
  assert.deepEqual(undone, { succeeded: bulk.undo!.auditIds, failed: [] });
  assert.equal(await statusOf('undo-a'), 'normal');
  assert.equal(await statusOf('undo-b'), 'normal');

  const again = (await agent.post('/bff/audit/undo').set('X-CSRF-Token', csrf).send({ auditIds: bulk.undo!.auditIds }).expect(200)).body;
  assert.equal(again.succeeded.length, 0);
  assert.match(again.failed[0].error, /cannot be undone: it was already undone by admin/);

  const bad = await agent.post('/bff/audit/undo').set('X-CSRF-Token', csrf).send({ auditIds: [] }).expect(400);
  assert.equal(bad.body.property, 'auditIds');
});

test('kick offers no undo', async () => {
  const r = await broker.actions.run({ action: 'createMqApiSession', params: { clientName: 'undo-kick' }, authToken: token });
  assert.equal(r.errorCode, 0);
  const bulk: BulkResult = (await agent.post('/bff/sessions/bulk').set('X-CSRF-Token', csrf).send({ action: 'kick', clientNames: ['undo-kick'] }).expect(200)).body;
  assert.equal(bulk.undo, undefined);
});

test('a single change names its audit entry; POST /bff/audit/{id}/undo sets it back, and says why it cannot', async () => {
  const patched = await agent.patch('/bff/sessions/undo-c').set('X-CSRF-Token', csrf).send({ sessionStatus: 'inactive' }).expect(200);
  const id = Number(patched.headers['x-mqdash-audit-id']);
  assert.ok(id > 0, 'X-Mqdash-Audit-Id');
  const r = (await agent.post(`/bff/audit/${id}/undo`).set('X-CSRF-Token', csrf).send({}).expect(200)).body;
  assert.deepEqual(r.restored, [{ field: 'sessionStatus', before: 'inactive', after: 'normal' }]);
  assert.equal(await statusOf('undo-c'), 'normal');
  const twice = await agent.post(`/bff/audit/${id}/undo`).set('X-CSRF-Token', csrf).send({}).expect(409);
  assert.equal(twice.body.error, 'UNDO_REFUSED');
  assert.equal(twice.body.property, 'auditId');
  assert.equal((await agent.post('/bff/audit/999999/undo').set('X-CSRF-Token', csrf).send({}).expect(404)).body.error, 'AUDIT_ENTRY_NOT_FOUND');
  assert.equal((await agent.post('/bff/audit/abc/undo').set('X-CSRF-Token', csrf).send({}).expect(400)).body.property, 'id');
});

test('a viewer may not undo', async () => {
  const r = await broker.actions.run({ action: 'createAccount', params: { username: 'undo-viewer', password: 'undo-viewer-password', role: 'viewer' }, authToken: token });
  assert.equal(r.errorCode, 0, r.errorMessage);
  const viewer = request.agent(createApp(broker, { maxBodyBytes: 64 * 1024 }));
  const vcsrf = (await viewer.post('/bff/login').send({ username: 'undo-viewer', password: 'undo-viewer-password' }).expect(200)).body.csrfToken;
  await viewer.post('/bff/audit/1/undo').set('X-CSRF-Token', vcsrf).send({}).expect(403);
});

test('GET /bff/sessions/{name}/events serves the stored timeline; a session that is gone has none', async () => {
  broker.store.appendSessionEvent({ clientName: 'undo-a', ts: Date.now(), type: 'connect', details: { ipaddress: '127.0.0.1', mqttProtocol: '5.0' } });
  const r = (await agent.get('/bff/sessions/undo-a/events').expect(200)).body;
  assert.equal(r.data[0].type, 'connect');
  assert.equal(r.data[0].details.ipaddress, '127.0.0.1');
  // Not a 404: a timeline still open on a session just kicked refetches without an error.
  assert.deepEqual((await agent.get('/bff/sessions/nobody/events').expect(200)).body, { data: [] });
  assert.equal((await agent.get('/bff/sessions/undo-a/events?limit=0').expect(400)).body.property, 'maxRecords');
});
