/**
 * Web hardening (issue 12) through supertest on the real app with a real broker on a real SQLite
 * file: the probe's deeply nested JSON (400, never 500) and oversized bodies (413) on all three
 * APIs, warnings capped in size, TRUST_PROXY (Secure cookie, real client address) and the Host
 * allowlist (DNS rebinding).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { ErrorCode } from '@mqdash/contracts';
import { createBroker, type Broker } from '@mqdash/broker';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { hostPolicy } from '../http/host-check.ts';
import { MAX_JSON_DEPTH } from '../http/json-body.ts';

const PASSWORD = 'web-hardening-password';
const MAX_BODY = 256 * 1024;
const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('web hardening', () => {
  let dir: string;
  let broker: Broker;
  let app: ReturnType<typeof createApp>;
  let agent: ReturnType<typeof request.agent>;
  let csrf: string;
  let token: string;
  const basic = `Basic ${Buffer.from('hardening-key:hardening-secret-1234').toString('base64')}`;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-web-hardening-'));
    broker = await createBroker({ dataDir: dir, adminPassword: PASSWORD });
    await broker.apiKeys.create({ name: 'hardening-key', apiKey: 'hardening-key', apiSecret: 'hardening-secret-1234', description: '', expiresAt: null, createdBy: null, source: 'bootstrapFile', role: 'administrator' });
    app = createApp(broker, { maxBodyBytes: MAX_BODY });
    agent = request.agent(app);
    csrf = (await agent.post('/bff/login').send({ username: 'admin', password: PASSWORD }).expect(200)).body.csrfToken;
    token = (await request(app).post('/api').send({ action: 'createSession', params: { username: 'admin', password: PASSWORD } })).body.authToken;
    await request(app).post('/api').send({ action: 'createMqApiSession', params: { clientName: 'x' }, authToken: token }).expect(200);
  });
  after(async () => {
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('deeply nested JSON: 400, never 500', () => {
    test('the probe: POST /bff/sessions/x/messages with a payload nested 100,000 arrays deep', async () => {
      const body = `{"topic":"t/deep","payload":${deepArray(100_000)}}`;
      const r = await agent.post('/bff/sessions/x/messages').set('X-CSRF-Token', csrf).type('json').send(body);
      assert.equal(r.status, 400, r.text.slice(0, 300));
      assert.equal(r.body.error, 'BAD_REQUEST');
      assert.match(r.body.message, new RegExp(`nested more than ${MAX_JSON_DEPTH} levels`));
    });

    test('every /bff route with a JSON body, /api and /api/v5 answer 400 in their own shape', async () => {
      const deep = `{"a":${deepArray(100_000)}}`;
      for (const [method, url] of [['post', '/bff/sessions/bulk'], ['patch', '/bff/sessions/x'], ['post', '/bff/api-keys'], ['post', '/bff/password']] as const) {
        const r = await agent[method](url).set('X-CSRF-Token', csrf).type('json').send(deep);
        assert.equal(r.status, 400, `${method} ${url}: ${r.text.slice(0, 200)}`);
      }
      const api = await request(app).post('/api').type('json').send(`{"action":"listMqSessions","authToken":"${token}","params":${deep}}`);
      assert.equal(api.status, 400);
      assert.equal(api.body.errorCode, ErrorCode.outOfLimits);
      const emqx = await request(app).post('/api/v5/clients/x/subscribe').set('Authorization', basic).type('json').send(deep);
      assert.equal(emqx.status, 400);
      assert.equal(emqx.body.code, 'BAD_REQUEST');
      // Nothing was published or subscribed meanwhile.
      assert.equal(broker.registry.get('x')?.subCount, 0);
    });

    test(`a body nested exactly ${MAX_JSON_DEPTH} levels is read and validated as usual`, async () => {
      let payload: unknown = 1;
      // Body → payload: the body object is the first level.
      for (let i = 0; i < MAX_JSON_DEPTH - 1; i++) payload = [payload];
      const r = await agent.post('/bff/sessions/x/messages').set('X-CSRF-Token', csrf).send({ topic: 't/ok', payload });
      assert.notEqual(r.status, 500);
      assert.doesNotMatch(r.text, /nested more than/);
    });
  });

  test('oversized bodies: 413 on /bff, /api and /api/v5', async () => {
    const big = JSON.stringify({ topic: 't', payload: 'y'.repeat(MAX_BODY + 1) });
    assert.equal((await agent.post('/bff/sessions/x/messages').set('X-CSRF-Token', csrf).type('json').send(big)).status, 413);
    assert.equal((await request(app).post('/api').type('json').send(big)).status, 413);
    assert.equal((await request(app).post('/api/v5/clients/x/subscribe').set('Authorization', basic).type('json').send(big)).status, 413);
  });

  test('warnings are capped: 200 unknown params of 1,000 characters each give a small answer', async () => {
    const params: Record<string, unknown> = {};
    for (let i = 0; i < 200; i++) params[`${i}-${'k'.repeat(1000)}`] = i;
    const r = await request(app).post('/api').send({ action: 'listLabels', params, authToken: token }).expect(200);
    assert.equal(r.body.errorCode, 0);
    const warnings: string[] = r.body.debugInfo.warnings;
    assert.equal(warnings.length, 21);
    assert.ok(warnings.every((w) => w.length <= 301), 'each warning clipped');
    assert.equal(warnings.at(-1), '… and 180 more warnings');
    assert.ok(r.text.length < 10_000, `response is ${r.text.length} bytes`);

    const patch = await agent.patch('/bff/sessions/x').set('X-CSRF-Token', csrf).send({ ...params, label: null }).expect(200);
    const header = String(patch.headers['x-mqdash-warning']);
    assert.ok(header.length <= 1030 && header.endsWith('...'), `header of ${header.length} characters`);
  });

  describe('TRUST_PROXY', () => {
    const login = (a: ReturnType<typeof createApp>, headers: Record<string, string>) =>
      request(a).post('/bff/login').set(headers).send({ username: 'admin', password: PASSWORD }).expect(200);
    const lastLoginAddress = () => broker.core.audit.recent(20).find((e) => e.action === 'createSession' && e.errorCode === 0)?.details.remoteAddress;

    test('off (default): forwarded headers are ignored; no Secure cookie over plain HTTP', async () => {
      const r = await login(app, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.9' });
      assert.doesNotMatch(String(r.headers['set-cookie']), /Secure/i);
      assert.match(String(lastLoginAddress()), /127\.0\.0\.1/);
    });

    test('loopback: a TLS proxy on this machine gives Secure cookies and the real client address', async () => {
      const proxied = createApp(broker, { maxBodyBytes: MAX_BODY, trustProxy: ['loopback'] });
      const r = await login(proxied, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.9' });
      assert.match(String(r.headers['set-cookie']), /; Secure/i);
      assert.equal(lastLoginAddress(), '203.0.113.9');
    });

    test('a proxy that is not trusted cannot claim an address', async () => {
      const other = createApp(broker, { maxBodyBytes: MAX_BODY, trustProxy: ['10.0.0.0/8'] });
      const r = await login(other, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.10' });
      assert.doesNotMatch(String(r.headers['set-cookie']), /Secure/i);
      assert.notEqual(lastLoginAddress(), '203.0.113.10');
    });

    test('settings: true, false, hop counts and address lists; anything else refused at start', () => {
      assert.equal(loadConfig([], {}).trustProxy, false);
      assert.equal(loadConfig([], { TRUST_PROXY: 'true' }).trustProxy, true);
      assert.equal(loadConfig([], { TRUST_PROXY: '2' }).trustProxy, 2);
      assert.deepEqual(loadConfig(['--trust-proxy', 'loopback, 10.0.0.0/8,::1'], {}).trustProxy, ['loopback', '10.0.0.0/8', '::1']);
      assert.throws(() => loadConfig([], { TRUST_PROXY: 'proxy.example' }), /--trust-proxy \(TRUST_PROXY\): "proxy.example" is not an address/);
      assert.throws(() => loadConfig([], { TRUST_PROXY: '10.0.0.0/33' }), /TRUST_PROXY/);
    });
  });

  describe('ALLOWED_HOSTS', () => {
    test('default for HOST=127.0.0.1: that host and the localhost names; another Host gets 403, health checks excepted', async () => {
      const guarded = createApp(broker, { maxBodyBytes: MAX_BODY, hosts: hostPolicy('127.0.0.1') });
      for (const host of ['evil.example', 'evil.example:8080', '127.0.0.1.nip.io', '[::2]:8080']) {
        for (const url of ['/', '/bff/me', '/api/v5/clients']) {
          const r = await request(guarded).get(url).set('Host', host);
          assert.equal(r.status, 403, `${host} ${url}`);
          assert.equal(r.body.error, 'HOST_NOT_ALLOWED');
        }
        const api = await request(guarded).post('/api').set('Host', host).send({ action: 'createSession', params: { username: 'admin', password: PASSWORD } });
        assert.equal(api.status, 403, 'refused before any password is checked');
        assert.equal((await request(guarded).get('/healthz').set('Host', host)).status, 200, 'load balancers call by address');
      }
      for (const host of ['127.0.0.1:8080', 'localhost', 'LOCALHOST:1', '[::1]:8080'])
        assert.equal((await request(guarded).get('/bff/me').set('Host', host)).status, 401, `${host} passes the check (and needs a sign-in)`);
    });

    test('a wildcard HOST checks nothing unless ALLOWED_HOSTS is set; then exact names and .domain suffixes', async () => {
      const open = createApp(broker, { maxBodyBytes: MAX_BODY, hosts: hostPolicy('0.0.0.0') });
      assert.equal((await request(open).get('/bff/me').set('Host', 'anything.example')).status, 401);
      assert.equal(hostPolicy('::').hosts, null);
      const listed = createApp(broker, { maxBodyBytes: MAX_BODY, hosts: hostPolicy('0.0.0.0', ['console.example.com', '.corp.example']) });
      assert.equal((await request(listed).get('/bff/me').set('Host', 'console.example.com:443')).status, 401);
      assert.equal((await request(listed).get('/bff/me').set('Host', 'mq.corp.example')).status, 401);
      assert.equal((await request(listed).get('/bff/me').set('Host', 'corp.example')).status, 401);
      assert.equal((await request(listed).get('/bff/me').set('Host', 'evilcorp.example')).status, 403);
      assert.equal((await request(listed).get('/bff/me').set('Host', 'localhost')).status, 403, 'the list replaces the defaults');
    });

    test('behind a trusted proxy, X-Forwarded-Host is the name checked', async () => {
      const proxied = createApp(broker, { maxBodyBytes: MAX_BODY, trustProxy: ['loopback'], hosts: hostPolicy('127.0.0.1', ['console.example.com']) });
      assert.equal((await request(proxied).get('/bff/me').set('Host', '127.0.0.1:8080').set('X-Forwarded-Host', 'console.example.com')).status, 401);
      assert.equal((await request(proxied).get('/bff/me').set('Host', 'console.example.com').set('X-Forwarded-Host', 'evil.example')).status, 403);
    });

    test('settings: a list of names; a URL or a port is refused at start', () => {
      assert.equal(loadConfig([], {}).allowedHosts, undefined);
      assert.deepEqual(loadConfig([], { ALLOWED_HOSTS: 'Console.Example.com, .corp.example [::1]' }).allowedHosts, ['console.example.com', '.corp.example', '::1']);
      assert.throws(() => loadConfig([], { ALLOWED_HOSTS: 'https://console.example.com' }), /--allowed-hosts \(ALLOWED_HOSTS\): .* is not a host name/);
      assert.throws(() => loadConfig([], { ALLOWED_HOSTS: 'console.example.com:8080' }), /not a host name/);
    });
  });
});
