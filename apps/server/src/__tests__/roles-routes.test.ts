/**
 * Roles on every `/bff` and `/api/v5` route (issue 12), table-driven, through supertest on the real
 * app with a real broker on a real SQLite file: each route under each role is allowed (anything
 * but 403) or refused with 403 before it runs. The expectations are written here from the issue
 * (viewer reads, operator acts on sessions, administrator does everything) and compared with the
 * server's tables; requests that are allowed use targets that do not exist or bodies that are
 * invalid, so the run changes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { roles, type Role } from '@mqdash/contracts';
import { createBroker, type Broker } from '@mqdash/broker';
import { createApp } from '../app.ts';
import { bffRouteRoles } from '../bff/route-roles.ts';
import { emqxRouteRoles } from '../emqx/route-roles.ts';

const PASSWORD = 'roles-routes-admin-password';
const rank: Record<Role, number> = { viewer: 0, operator: 1, administrator: 2 };
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Route { method: Method; path: string; url: string; role: Role; body?: unknown }

const none = 'no-such-session';
const bffRoutes: Route[] = [
  { method: 'GET', path: '/sessions', url: '/bff/sessions', role: 'viewer' },
  { method: 'GET', path: '/sessions/export', url: '/bff/sessions/export?format=json&prefix=zz', role: 'viewer' },
  { method: 'GET', path: '/sessions/:clientName', url: `/bff/sessions/${none}`, role: 'viewer' },
  { method: 'GET', path: '/sessions/:clientName/history', url: `/bff/sessions/${none}/history`, role: 'viewer' },
  { method: 'GET', path: '/sessions/:clientName/events', url: `/bff/sessions/${none}/events`, role: 'viewer' },
  { method: 'GET', path: '/topics/messages', url: '/bff/topics/messages?topic=roles/t', role: 'viewer' },
  { method: 'GET', path: '/overview', url: '/bff/overview', role: 'viewer' },
  { method: 'GET', path: '/labels', url: '/bff/labels', role: 'viewer' },
  { method: 'GET', path: '/audit', url: '/bff/audit', role: 'viewer' },
  { method: 'POST', path: '/feed-token', url: '/bff/feed-token', role: 'viewer', body: {} },
  { method: 'GET', path: '/api-keys', url: '/bff/api-keys', role: 'viewer' },
  { method: 'GET', path: '/mqtt-users', url: '/bff/mqtt-users', role: 'viewer' },
  { method: 'GET', path: '/bans', url: '/bff/bans', role: 'viewer' },
  { method: 'POST', path: '/bans/preview', url: '/bff/bans/preview', role: 'viewer', body: { banType: 'clientName', value: 'no-such-client' } },
  { method: 'GET', path: '/topic-permissions', url: '/bff/topic-permissions', role: 'viewer' },
  { method: 'GET', path: '/alert-rules', url: '/bff/alert-rules?state=firing', role: 'viewer' },
  { method: 'POST', path: '/alert-rules', url: '/bff/alert-rules', role: 'administrator', body: { name: '' } },
  { method: 'PATCH', path: '/alert-rules/:ruleId', url: '/bff/alert-rules/999999', role: 'administrator', body: { enabled: false } },
  { method: 'DELETE', path: '/alert-rules/:ruleId', url: '/bff/alert-rules/999999', role: 'administrator' },
  { method: 'POST', path: '/bans', url: '/bff/bans', role: 'operator', body: { banType: 'clientName', value: '' } },
  { method: 'DELETE', path: '/bans/:banType/:value', url: '/bff/bans/clientName/no-such-ban', role: 'operator' },
  { method: 'POST', path: '/topic-permissions', url: '/bff/topic-permissions', role: 'administrator', body: { subject: 'everyone' } },
  { method: 'DELETE', path: '/topic-permissions/:permissionId', url: '/bff/topic-permissions/999999', role: 'administrator' },
  { method: 'PUT', path: '/topic-permissions/settings', url: '/bff/topic-permissions/settings', role: 'administrator', body: { defaultPermission: 'x' } },
  { method: 'GET', path: '/mqtt-auth', url: '/bff/mqtt-auth', role: 'viewer' },
  { method: 'GET', path: '/accounts', url: '/bff/accounts', role: 'viewer' },
  { method: 'GET', path: '/retention', url: '/bff/retention', role: 'viewer' },
  { method: 'POST', path: '/retention/preview', url: '/bff/retention/preview', role: 'viewer', body: {} },
  { method: 'GET', path: '/retained', url: '/bff/retained', role: 'viewer' },
  { method: 'GET', path: '/retained/message', url: '/bff/retained/message?topic=roles%2Fnone', role: 'viewer' },
  { method: 'GET', path: '/nodes', url: '/bff/nodes', role: 'viewer' },
  { method: 'GET', path: '/views', url: '/bff/views', role: 'viewer' },
  { method: 'POST', path: '/views', url: '/bff/views', role: 'viewer', body: { name: 'roles view', search: 'q=x', columns: [] } },
  { method: 'DELETE', path: '/views/:name', url: '/bff/views/no-such-view', role: 'viewer' },
  { method: 'POST', path: '/sessions/bulk', url: '/bff/sessions/bulk', role: 'operator', body: { action: 'hide', clientNames: [none] } },
  { method: 'PATCH', path: '/sessions/:clientName', url: `/bff/sessions/${none}`, role: 'operator', body: { sessionStatus: 'hidden' } },
  { method: 'DELETE', path: '/sessions/:clientName', url: `/bff/sessions/${none}`, role: 'operator' },
  { method: 'POST', path: '/sessions/:clientName/disconnect', url: `/bff/sessions/${none}/disconnect`, role: 'operator', body: {} },
  { method: 'POST', path: '/sessions/:clientName/kick', url: `/bff/sessions/${none}/kick`, role: 'operator', body: {} },
  { method: 'POST', path: '/sessions/:clientName/subscriptions', url: `/bff/sessions/${none}/subscriptions`, role: 'operator', body: { topicFilter: 'a/b' } },
  { method: 'DELETE', path: '/sessions/:clientName/subscriptions', url: `/bff/sessions/${none}/subscriptions?topicFilter=a`, role: 'operator' },
  { method: 'POST', path: '/sessions/:clientName/messages', url: `/bff/sessions/${none}/messages`, role: 'operator', body: { topic: 'a/b', payload: 'x' } },
  { method: 'POST', path: '/mq-api-sessions', url: '/bff/mq-api-sessions', role: 'operator', body: { clientName: 7 } },
  { method: 'POST', path: '/retained/delete', url: '/bff/retained/delete', role: 'operator', body: { topicFilter: 'roles/#', dryRun: true } },
  { method: 'POST', path: '/audit/undo', url: '/bff/audit/undo', role: 'operator', body: { auditIds: [] } },
  { method: 'POST', path: '/audit/:id/undo', url: '/bff/audit/999999999/undo', role: 'operator', body: {} },
  { method: 'POST', path: '/labels', url: '/bff/labels', role: 'operator', body: { name: '' } },
  { method: 'PATCH', path: '/labels/:id', url: '/bff/labels/999999', role: 'operator', body: { deprecated: true } },
  { method: 'DELETE', path: '/labels/:id', url: '/bff/labels/999999', role: 'operator' },
  { method: 'POST', path: '/api-keys', url: '/bff/api-keys', role: 'administrator', body: { name: '' } },
  { method: 'PATCH', path: '/api-keys/:name', url: '/bff/api-keys/no-such-key', role: 'administrator', body: { enabled: false } },
  { method: 'DELETE', path: '/api-keys/:name', url: '/bff/api-keys/no-such-key', role: 'administrator' },
  { method: 'POST', path: '/mqtt-users', url: '/bff/mqtt-users', role: 'administrator', body: { username: '' } },
  { method: 'PATCH', path: '/mqtt-users/:username', url: '/bff/mqtt-users/no-such-user', role: 'administrator', body: { enabled: false } },
  { method: 'DELETE', path: '/mqtt-users/:username', url: '/bff/mqtt-users/no-such-user', role: 'administrator' },
  { method: 'PUT', path: '/mqtt-auth', url: '/bff/mqtt-auth', role: 'administrator', body: { allowAnonymous: 'maybe' } },
  { method: 'POST', path: '/accounts', url: '/bff/accounts', role: 'administrator', body: { username: '' } },
  { method: 'PATCH', path: '/accounts/:username', url: '/bff/accounts/no-such-account', role: 'administrator', body: { role: 'viewer' } },
  { method: 'DELETE', path: '/accounts/:username', url: '/bff/accounts/no-such-account', role: 'administrator' },
  { method: 'POST', path: '/backups', url: '/bff/backups', role: 'administrator', body: {} },
  { method: 'GET', path: '/backups/:fileName', url: '/bff/backups/mqdash-backup-none.db', role: 'administrator' },
  { method: 'PUT', path: '/retention', url: '/bff/retention', role: 'administrator', body: { enabled: 'maybe' } },
];
/** Self-service routes every signed-in account has (before the role table). */
const selfService: Route[] = [
  { method: 'GET', path: '/me', url: '/bff/me', role: 'viewer' },
  { method: 'POST', path: '/password', url: '/bff/password', role: 'viewer', body: { currentPassword: 'x', newPassword: 'short' } },
];
const emqxRoutes: Route[] = [
  { method: 'GET', path: '/clients', url: '/api/v5/clients', role: 'viewer' },
  { method: 'GET', path: '/clients/:clientid', url: `/api/v5/clients/${none}`, role: 'viewer' },
  { method: 'DELETE', path: '/clients/:clientid', url: `/api/v5/clients/${none}`, role: 'operator' },
  { method: 'POST', path: '/clients/:clientid/subscribe', url: `/api/v5/clients/${none}/subscribe`, role: 'operator', body: { topic: 'a', qos: 0 } },
  { method: 'POST', path: '/clients/:clientid/subscribe/bulk', url: `/api/v5/clients/${none}/subscribe/bulk`, role: 'operator', body: [{ topic: 'a', qos: 0 }] },
  { method: 'POST', path: '/clients/:clientid/unsubscribe', url: `/api/v5/clients/${none}/unsubscribe`, role: 'operator', body: { topic: 'a' } },
  { method: 'POST', path: '/clients/:clientid/unsubscribe/bulk', url: `/api/v5/clients/${none}/unsubscribe/bulk`, role: 'operator', body: [{ topic: 'a' }] },
  { method: 'POST', path: '/publish', url: '/api/v5/publish', role: 'operator', body: { topic: 'roles/x', payload: 'p' } },
  { method: 'POST', path: '/publish/bulk', url: '/api/v5/publish/bulk', role: 'operator', body: [{ topic: 'roles/x', payload: 'p' }] },
  { method: 'GET', path: '/subscriptions', url: '/api/v5/subscriptions', role: 'viewer' },
  { method: 'GET', path: '/stats', url: '/api/v5/stats', role: 'viewer' },
  { method: 'GET', path: '/metrics', url: '/api/v5/metrics?aggregate=true', role: 'viewer' },
  { method: 'GET', path: '/nodes', url: '/api/v5/nodes', role: 'viewer' },
  { method: 'GET', path: '/nodes/:node', url: '/api/v5/nodes/no-such-node', role: 'viewer' },
  { method: 'GET', path: '/topics', url: '/api/v5/topics', role: 'viewer' },
  { method: 'GET', path: '/mqtt/retainer/messages', url: '/api/v5/mqtt/retainer/messages', role: 'viewer' },
  { method: 'GET', path: '/mqtt/retainer/message/*topic', url: '/api/v5/mqtt/retainer/message/roles%2Fnone', role: 'viewer' },
  { method: 'DELETE', path: '/mqtt/retainer/messages', url: '/api/v5/mqtt/retainer/messages', role: 'operator' },
  { method: 'DELETE', path: '/mqtt/retainer/message/*topic', url: '/api/v5/mqtt/retainer/message/roles%2Fnone', role: 'operator' },
  { method: 'GET', path: '/banned', url: '/api/v5/banned', role: 'viewer' },
  { method: 'POST', path: '/banned', url: '/api/v5/banned', role: 'operator', body: { as: 'clientid', who: 'roles-banned' } },
  { method: 'DELETE', path: '/banned/:as/:who', url: '/api/v5/banned/clientid/roles-none', role: 'operator' },
];

describe('roles on every route', () => {
  let dir: string;
  let broker: Broker;
  let app: ReturnType<typeof createApp>;
  const agents = {} as Record<Role, { agent: ReturnType<typeof request.agent>; csrf: string }>;
  const keys = {} as Record<Role, string>;

  const send = (agent: ReturnType<typeof request.agent> | ReturnType<typeof request>, r: Route, headers: Record<string, string>) => {
    const t = (agent as ReturnType<typeof request>)[r.method.toLowerCase() as 'get'](r.url).set(headers);
    return r.body === undefined ? t : t.send(r.body as object);
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-roles-routes-'));
    broker = await createBroker({ dataDir: dir, adminPassword: PASSWORD });
    app = createApp(broker, { maxBodyBytes: 64 * 1024 });
    const token = (await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: PASSWORD } })).authToken!;
    const accounts: Record<Role, [string, string]> = { viewer: ['vera', 'vera-password-12'], operator: ['otto', 'otto-password-12'], administrator: ['admin', PASSWORD] };
    for (const role of roles) {
      const [username, password] = accounts[role];
      if (username !== 'admin') await broker.actions.run({ action: 'createAccount', params: { username, password, role }, authToken: token });
      const agent = request.agent(app);
      const login = await agent.post('/bff/login').send({ username, password }).expect(200);
      assert.equal(login.body.role, role, 'login says the role');
      agents[role] = { agent, csrf: login.body.csrfToken };
      const key = await broker.actions.run({ action: 'createApiKey', params: { name: `key-${role}`, role }, authToken: token });
      assert.equal(key.errorCode, 0, key.errorMessage);
      const k = key.result as { apiKey: string; apiSecret: string; role: Role };
      assert.equal(k.role, role);
      keys[role] = `Basic ${Buffer.from(`${k.apiKey}:${k.apiSecret}`).toString('base64')}`;
    }
  });
  after(async () => {
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("the server's tables say what this test expects", () => {
    assert.deepEqual(bffRouteRoles.map(([m, p, r]) => `${m} ${p} ${r}`).sort(), bffRoutes.map((r) => `${r.method} ${r.path} ${r.role}`).sort());
    assert.deepEqual(emqxRouteRoles.map(([m, p, r]) => `${m} ${p} ${r}`).sort(), emqxRoutes.map((r) => `${r.method} ${r.path} ${r.role}`).sort());
  });

  test('/bff: every route under each role: allowed, or 403 FORBIDDEN', async () => {
    for (const r of [...bffRoutes, ...selfService]) {
      for (const role of roles) {
        const { agent, csrf } = agents[role];
        const res = await send(agent, r, { 'X-CSRF-Token': csrf });
        const where = `${role} ${r.method} ${r.url} → ${res.status} ${res.text.slice(0, 160)}`;
        if (rank[role] >= rank[r.role]) assert.ok(res.status !== 403 && res.status !== 401 && res.status < 500, where);
        else {
          assert.equal(res.status, 403, where);
          assert.equal(res.body.error, 'FORBIDDEN', where);
          assert.match(res.body.message, new RegExp(`your account has the ${role} role`));
        }
      }
    }
  });

  test('/bff: a route no row names is for administrators only (deny by default)', async () => {
    for (const role of roles) {
      const { agent, csrf } = agents[role];
      const res = await agent.post('/bff/no-such-route').set('X-CSRF-Token', csrf).send({});
      assert.equal(res.status, role === 'administrator' ? 404 : 403, role);
    }
  });

  test('/api/v5: every route under each API key role: allowed, or 403 FORBIDDEN', async () => {
    for (const r of emqxRoutes) {
      for (const role of roles) {
        const res = await send(request(app), r, { Authorization: keys[role] });
        const where = `${role} key ${r.method} ${r.url} → ${res.status} ${res.text.slice(0, 160)}`;
        if (rank[role] >= rank[r.role]) assert.ok(res.status !== 403 && res.status !== 401 && res.status < 500, where);
        else {
          assert.equal(res.status, 403, where);
          assert.deepEqual(Object.keys(res.body).sort(), ['code', 'message']);
          assert.equal(res.body.code, 'FORBIDDEN', where);
        }
      }
    }
    for (const role of roles) assert.equal((await request(app).get('/api/v5/alarms').set('Authorization', keys[role])).status, role === 'administrator' ? 404 : 403);
  });

  test('a role changed in Settings applies to the next request of a signed-in account and of an API key', async () => {
    const token = (await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: PASSWORD } })).authToken!;
    const kick = { method: 'POST', path: '', url: `/bff/sessions/${none}/kick`, role: 'operator', body: {} } as Route;
    assert.equal((await send(agents.viewer.agent, kick, { 'X-CSRF-Token': agents.viewer.csrf })).status, 403);
    await broker.actions.run({ action: 'alterAccount', params: { username: 'vera', role: 'operator' }, authToken: token });
    assert.equal((await agents.viewer.agent.get('/bff/me').expect(200)).body.role, 'operator');
    assert.equal((await send(agents.viewer.agent, kick, { 'X-CSRF-Token': agents.viewer.csrf })).status, 404, 'allowed now (no such session)');

    const del = { method: 'DELETE', path: '', url: `/api/v5/clients/${none}`, role: 'operator' } as Route;
    assert.equal((await send(request(app), del, { Authorization: keys.viewer })).status, 403);
    await broker.actions.run({ action: 'alterApiKey', params: { name: 'key-viewer', role: 'operator' }, authToken: token });
    assert.equal((await send(request(app), del, { Authorization: keys.viewer })).status, 404);
  });

  test('a deleted account is signed out of the dashboard at once', async () => {
    const token = (await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: PASSWORD } })).authToken!;
    assert.equal((await broker.actions.run({ action: 'dropAccount', params: { username: 'otto' }, authToken: token })).errorCode, 0);
    assert.equal((await agents.operator.agent.get('/bff/me')).status, 401);
  });
});
