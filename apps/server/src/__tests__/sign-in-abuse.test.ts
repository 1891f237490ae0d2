/**
 * The probe's sign-in findings (issue 12), reproduced with parallel requests through supertest on
 * the real app, a real broker and a real SQLite file, with the default limits: 100 parallel wrong
 * passwords to /bff/login, 200 parallel createSession on /api, 60 parallel wrong API secrets on
 * /api/v5. Client addresses come from X-Forwarded-For through TRUST_PROXY=loopback, so one test
 * can speak from several addresses. Also: a restart keeps the counts, clearLockout, the audit log.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { ErrorCode } from '@mqdash/contracts';
import { createBroker, defaultSignInLimits, type Broker, type LimitPolicy } from '@mqdash/broker';
import { createApp } from '../app.ts';

const PASSWORD = 'sign-in-abuse-password';
const PER_ACCOUNT = defaultSignInLimits.perAddressAndAccount;
const PER_ADDRESS = defaultSignInLimits.perAddress;

/**
 * Checked attempts a policy allows within `elapsedMs`: the free ones, then one more after each
 * doubling wait, so a slow machine that spreads a burst out is judged by the same rule.
 */
const allowedIn = (p: LimitPolicy, elapsedMs: number) => p.freeAttempts + Math.floor(Math.log2(elapsedMs / p.baseDelayMs + 1));

const count = (xs: number[], v: number) => xs.filter((x) => x === v).length;

describe('sign-in abuse', () => {
  let dir: string;
  let broker: Broker;
  let app: ReturnType<typeof createApp>;
  const from = (address: string) => ({ 'X-Forwarded-For': address });
  const login = (address: string, password: string, username = 'admin') =>
    request(app).post('/bff/login').set(from(address)).send({ username, password });
  const failedSignIns = () => broker.core.audit.recent(1000).filter((e) => e.action === 'signInFailed');

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-sign-in-abuse-'));
    broker = await createBroker({ dataDir: dir, adminPassword: PASSWORD });
    await broker.apiKeys.create({ name: 'tooling', apiKey: 'tooling', apiSecret: 'tooling-secret-123', description: '', expiresAt: null, createdBy: null, source: 'bootstrapFile', role: 'administrator' });
    app = createApp(broker, { maxBodyBytes: 64 * 1024, trustProxy: ['loopback'] });
  });
  after(async () => {
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the probe: 100 parallel wrong passwords from one address to /bff/login → 429 after the limit', async () => {
    const started = Date.now();
    const rs = await Promise.all(Array.from({ length: 100 }, (_, i) => login('198.51.100.1', `guess-${i}`)));
    const statuses = rs.map((r) => r.status);
    const checked = count(statuses, 401);
    assert.ok(checked >= PER_ACCOUNT.freeAttempts && checked <= allowedIn(PER_ACCOUNT, Date.now() - started), `401 × ${checked}`);
    assert.equal(count(statuses, 429), 100 - checked);
    for (const r of rs.filter((x) => x.status === 429)) {
      assert.ok(Number(r.headers['retry-after']) >= 1, 'Retry-After in seconds');
      assert.equal(r.body.error, 'TOO_MANY_ATTEMPTS');
      assert.equal(r.headers['set-cookie'], undefined);
    }
    // The right password from this address waits as well …
    assert.equal((await login('198.51.100.1', PASSWORD)).status, 429);
    // … but never from an address that has not failed.
    assert.equal((await login('198.51.100.2', PASSWORD)).status, 200);
    const audited = failedSignIns().filter((e) => e.details.remoteAddress === '198.51.100.1');
    assert.equal(audited.length, checked, 'each checked failure is in the audit log');
    assert.deepEqual([audited[0]!.actor, audited[0]!.target, audited[0]!.details.source, audited[0]!.details.realm], ['admin', 'account:admin', 'bff', 'admin']);
    assert.ok(audited.some((e) => typeof e.details.blockedForSeconds === 'number'), 'the failure that starts the wait says so');
  });

  test('the probe: 200 parallel createSession on /api from one address → 429 with errorCode tooManyAttempts', async () => {
    const send = (address: string, username: string, password: string) =>
      request(app).post('/api').set(from(address)).send({ action: 'createSession', params: { username, password } });
    let started = Date.now();
    let rs = await Promise.all(Array.from({ length: 200 }, (_, i) => send('198.51.100.3', 'admin', `guess-${i}`)));
    let checked = count(rs.map((r) => r.body.errorCode), ErrorCode.loginFailed);
    assert.ok(checked >= PER_ACCOUNT.freeAttempts && checked <= allowedIn(PER_ACCOUNT, Date.now() - started), `loginFailed × ${checked}`);
    const throttled = rs.filter((r) => r.status === 429);
    assert.equal(throttled.length, 200 - checked);
    assert.ok(throttled.every((r) => r.body.errorCode === ErrorCode.tooManyAttempts && r.body.errorData.retryAfterSeconds >= 1 && r.headers['retry-after'] === String(r.body.errorData.retryAfterSeconds)));

    // Spraying: 200 different user names from one address stop at the per-address limit.
    started = Date.now();
    rs = await Promise.all(Array.from({ length: 200 }, (_, i) => send('198.51.100.4', `user-${i}`, 'guess')));
    checked = count(rs.map((r) => r.body.errorCode), ErrorCode.loginFailed);
    assert.ok(checked >= PER_ADDRESS.freeAttempts && checked <= allowedIn(PER_ADDRESS, Date.now() - started), `loginFailed × ${checked}`);
    assert.equal(count(rs.map((r) => r.status), 429), 200 - checked);
    assert.equal((await send('198.51.100.5', 'admin', PASSWORD)).body.errorCode, 0, 'another address signs in');
  });

  test('the probe: 60 parallel wrong API secrets → 429 after the limit; the right secret elsewhere still works', async () => {
    const auth = (secret: string) => `Basic ${Buffer.from(`tooling:${secret}`).toString('base64')}`;
    const started = Date.now();
    const rs = await Promise.all(Array.from({ length: 60 }, (_, i) => request(app).get('/api/v5/clients').set(from('198.51.100.6')).set('Authorization', auth(`wrong-${i}`))));
    const checked = count(rs.map((r) => r.status), 401);
    assert.ok(checked >= PER_ACCOUNT.freeAttempts && checked <= allowedIn(PER_ACCOUNT, Date.now() - started), `401 × ${checked}`);
    const throttled = rs.filter((r) => r.status === 429);
    assert.equal(throttled.length, 60 - checked);
    assert.ok(throttled.every((r) => r.body.code === 'TOO_MANY_REQUESTS' && Number(r.headers['retry-after']) >= 1));
    assert.equal((await request(app).get('/api/v5/clients').set(from('198.51.100.6')).set('Authorization', auth('tooling-secret-123'))).status, 429);
    assert.equal((await request(app).get('/api/v5/clients').set(from('198.51.100.7')).set('Authorization', auth('tooling-secret-123'))).status, 200);
    assert.ok(failedSignIns().some((e) => e.target === 'apikey:tooling' && e.details.source === 'emqx' && e.details.remoteAddress === '198.51.100.6'));
  });

  test('a wrong current password on a password change counts like a sign-in', async () => {
    const agent = request.agent(app);
    const csrf = (await agent.post('/bff/login').set(from('198.51.100.8')).send({ username: 'admin', password: PASSWORD }).expect(200)).body.csrfToken;
    const statuses: number[] = [];
    for (let i = 0; i < PER_ACCOUNT.freeAttempts + 1; i++)
      statuses.push((await agent.post('/bff/password').set(from('198.51.100.8')).set('X-CSRF-Token', csrf).send({ currentPassword: `nope-${i}`, newPassword: 'n'.repeat(12) })).status);
    assert.deepEqual(statuses, [...Array(PER_ACCOUNT.freeAttempts).fill(401), 429]);
  });

  test('the counts survive a restart; clearLockout (reset-admin-password) frees the account at once', async () => {
    // Its own broker, with a wait long enough to outlast the restart on any machine.
    const own = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-sign-in-restart-'));
    const signInLimits = { perAddressAndAccount: { ...PER_ACCOUNT, baseDelayMs: 10 * 60_000, maxDelayMs: 10 * 60_000 } };
    let b = await createBroker({ dataDir: own, adminPassword: PASSWORD, signInLimits });
    try {
      let a = createApp(b, { maxBodyBytes: 64 * 1024, trustProxy: ['loopback'] });
      const send = (address: string, password: string) => request(a).post('/bff/login').set(from(address)).send({ username: 'admin', password });
      for (let i = 0; i < PER_ACCOUNT.freeAttempts; i++) assert.equal((await send('198.51.100.9', `nope-${i}`)).status, 401);
      await b.close();
      b = await createBroker({ dataDir: own, adminPassword: PASSWORD, signInLimits });
      a = createApp(b, { maxBodyBytes: 64 * 1024, trustProxy: ['loopback'] });
      const r = await send('198.51.100.9', PASSWORD);
      assert.equal(r.status, 429, 'still waiting after the restart');
      assert.ok(Number(r.headers['retry-after']) > 500);
      assert.match(r.body.message, /too many failed sign-ins/);
      assert.ok((b.signInLimiter.clearLockout('admin') as number) > 0);
      assert.equal((await send('198.51.100.9', PASSWORD)).status, 200);
    } finally {
      await b.close();
      fs.rmSync(own, { recursive: true, force: true });
    }
  });
});
