/**
 * Settings → Retention's routes (`/bff/retention`) through supertest on the exported app, against
 * a real broker on a real SQLite file: sign-in and CSRF required, bad values refused with the
 * property named (nothing changed), the policy stored, and the dry run answered without removing.
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

const ADMIN = 'bff-retention-admin-pw';
let dir: string;
let broker: Broker;
let agent: ReturnType<typeof request.agent>;
let csrf: string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bff-retention-'));
  broker = await createBroker({ dataDir: dir, adminPassword: ADMIN, logger: pino({ level: 'silent' }) });
  const app = createApp(broker, { maxBodyBytes: 64 * 1024 });
  await request(app).get('/bff/retention').expect(401);
  agent = request.agent(app);
  csrf = (await agent.post('/bff/login').send({ username: 'admin', password: ADMIN }).expect(200)).body.csrfToken;
});
after(async () => {
  await broker.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('GET answers the default policy; PUT without the CSRF header is refused', async () => {
  const r = await agent.get('/bff/retention').expect(200);
  assert.equal(r.body.source, 'default');
  assert.deepEqual(r.body.policy, {
    enabled: false, sessionsNotConnectedForDays: 30, includePermanentSessions: false, auditLogMaxAgeDays: 365, auditLogMaxEntries: 1_000_000, queuedMessagesMaxAgeDays: 0, sessionEventsMaxAgeDays: 90,
  });
  await agent.put('/bff/retention').send({ enabled: true }).expect(403);
});

test('bad values get 400 naming the property, and change nothing', async () => {
  for (const [body, property] of [
    [{}, 'enabled'], [{ sessionsNotConnectedForDays: 0 }, 'sessionsNotConnectedForDays'], [{ enabled: 'true' }, 'enabled'],
    [{ auditLogMaxAgeDays: 1e9 }, 'auditLogMaxAgeDays'], [[1], undefined],
  ] as const) {
    const r = await agent.put('/bff/retention').set('X-CSRF-Token', csrf).send(body as object).expect(400);
    if (property) assert.equal(r.body.property, property, JSON.stringify(r.body));
  }
  await agent.post('/bff/retention/preview').set('X-CSRF-Token', csrf).send({ includePermanentSessions: 1 }).expect(400);
  assert.equal((await agent.get('/bff/retention').expect(200)).body.source, 'default');
});

test('PUT stores a patch; the preview counts without removing', async () => {
  const r = await agent.put('/bff/retention').set('X-CSRF-Token', csrf).send({ enabled: true, sessionsNotConnectedForDays: 7 }).expect(200);
  assert.equal(r.body.source, 'dashboard');
  assert.equal(r.body.updatedBy, 'admin');
  assert.deepEqual([r.body.policy.enabled, r.body.policy.sessionsNotConnectedForDays, r.body.policy.auditLogMaxEntries], [true, 7, 1_000_000]);
  const p = await agent.post('/bff/retention/preview').set('X-CSRF-Token', csrf).send({ auditLogMaxEntries: 1 }).expect(200);
  assert.equal(p.body.policy.sessionsNotConnectedForDays, 7, 'the stored policy with the preview\'s changes');
  assert.equal(p.body.policy.auditLogMaxEntries, 1);
  assert.ok(p.body.wouldRemove.auditLogEntries >= 1, JSON.stringify(p.body));
  const audit = await broker.actions.run({ action: 'listAuditLog', params: { target: 'retention' }, authToken: (await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: ADMIN } })).authToken });
  assert.deepEqual((audit.result as { data: Array<{ action: string }> }).data.map((e) => e.action), ['alterRetentionPolicy'], 'the change is audited, the preview is not');
  assert.equal((await agent.get('/bff/retention').expect(200)).body.policy.auditLogMaxEntries, 1_000_000, 'the preview stored nothing');
});
