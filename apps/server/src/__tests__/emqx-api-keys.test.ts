/**
 * The settings page's API keys (`/bff/api-keys`, behind the dashboard login and CSRF header) and
 * their effect on the EMQX API: a key made here works on `/api/v5` at once, and stops working the
 * moment it is disabled or deleted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { ADMIN_PASSWORD, startEmqxServer, type EmqxTestServer } from './emqx-helpers.ts';

describe('/bff/api-keys', () => {
  let t: EmqxTestServer;
  let agent: ReturnType<typeof request.agent>;
  let csrf: string;
  const emqx = (k: { apiKey: string; apiSecret: string }) => request(t.app).get('/api/v5/clients').auth(k.apiKey, k.apiSecret);

  before(async () => {
    t = await startEmqxServer();
    agent = request.agent(t.app);
    const login = await agent.post('/bff/login').send({ username: 'admin', password: ADMIN_PASSWORD }).expect(200);
    csrf = login.body.csrfToken;
  });
  after(() => t.close());

  test('needs a dashboard login, and the CSRF header for changes', async () => {
    assert.equal((await request(t.app).get('/bff/api-keys').expect(401)).body.error, 'UNAUTHENTICATED');
    assert.equal((await agent.post('/bff/api-keys').send({ name: 'no-csrf' }).expect(403)).body.error, 'CSRF');
    assert.equal(t.broker.apiKeys.get('no-csrf'), undefined);
  });

  test('create (secret shown once), use on /api/v5, list, disable, enable, delete', async () => {
    const created = await agent.post('/bff/api-keys').set('X-CSRF-Token', csrf)
      .send({ name: 'grafana', description: 'dashboards', expiresAt: '2099-01-01T00:00:00Z' }).expect(201);
    assert.equal(created.headers['cache-control'], 'no-store');
    const k = created.body;
    assert.equal(k.name, 'grafana');
    assert.equal(k.enabled, true);
    assert.equal(k.expiresAt, '2099-01-01T00:00:00.000Z');
    assert.ok(k.apiKey && k.apiSecret);
    await emqx(k).expect(200);

    const list = await agent.get('/bff/api-keys').expect(200);
    const listed = list.body.data.find((x: { name: string }) => x.name === 'grafana');
    assert.equal(listed.apiKey, k.apiKey);
    assert.equal('apiSecret' in listed, false);
    assert.ok(listed.lastUsedDateTime, 'the use on /api/v5 is shown');

    const off = await agent.patch('/bff/api-keys/grafana').set('X-CSRF-Token', csrf).send({ enabled: false }).expect(200);
    assert.equal(off.body.enabled, false);
    assert.equal(off.body.description, 'dashboards', 'only what is given changes');
    assert.equal((await emqx(k).expect(401)).body.code, 'BAD_API_KEY_OR_SECRET');
    await agent.patch('/bff/api-keys/grafana').set('X-CSRF-Token', csrf).send({ enabled: true }).expect(200);
    await emqx(k).expect(200);

    await agent.delete('/bff/api-keys/grafana').set('X-CSRF-Token', csrf).expect(204);
    await emqx(k).expect(401);
    assert.equal((await agent.delete('/bff/api-keys/grafana').set('X-CSRF-Token', csrf).expect(404)).body.error, 'API_KEY_NOT_FOUND');

    const audit = t.broker.core.audit.recent(10, 'apikey:grafana').map((e) => [e.actor, e.action, e.details.source]);
    assert.deepEqual(audit, [
      ['admin', 'deleteApiKey', 'bff'], ['admin', 'deleteApiKey', 'bff'], ['admin', 'alterApiKey', 'bff'], ['admin', 'alterApiKey', 'bff'], ['admin', 'createApiKey', 'bff'],
    ]);
  });

  test('bad input: 400 naming the property, 409 for a taken name, 404 for an unknown key', async () => {
    const send = (body: unknown) => agent.post('/bff/api-keys').set('X-CSRF-Token', csrf).send(body as object);
    const badName = await send({ name: 'with space' }).expect(400);
    assert.equal(badName.body.property, 'name');
    const past = await send({ name: 'late', expiresAt: '2000-01-01T00:00:00Z' }).expect(400);
    assert.equal(past.body.property, 'expiresAt');
    await send({ name: 'twice' }).expect(201);
    assert.equal((await send({ name: 'twice' }).expect(409)).body.error, 'NAME_IN_USE');
    const badPatch = await agent.patch('/bff/api-keys/twice').set('X-CSRF-Token', csrf).send({ enabled: 'off' }).expect(400);
    assert.equal(badPatch.body.property, 'enabled');
    assert.equal((await agent.patch('/bff/api-keys/nope').set('X-CSRF-Token', csrf).send({ enabled: false }).expect(404)).body.error, 'API_KEY_NOT_FOUND');
    assert.equal(t.broker.apiKeys.get('late'), undefined);
    assert.equal(t.broker.apiKeys.get('twice')!.enabled, true);
  });
});
