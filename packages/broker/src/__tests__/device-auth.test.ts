/**
 * Device authentication beyond passwords (issue 12) end to end: a real broker (MQDASH_ENGINE, the
 * own engine by default) with JWT and the HTTP auth hook configured, real mqtt.js clients (MQTT 5
 * and 3.1.1), tokens signed here with jose (HS256 from a secret, ES256 from a JWKS file), and a
 * real local HTTP server as the hook (allow, deny, a timeout, cache hits).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- results are read property by property */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload, type KeyLike } from 'jose';
import { DeviceAuthenticator } from '../auth/device-auth.ts';
import type { EngineKind } from '../engine/engine-kind.ts';
import { closed, disconnectReason, roundTrip, startBroker, tempDir, waitFor, type TestBroker } from './helpers.ts';

const SECRET = 'a-test-secret-of-at-least-32-characters!';
const BAD_CREDENTIALS = { 4: 4, 5: 0x86 } as const;

let tb: TestBroker;
let dir: string;
let esKey: KeyLike;
let otherEsKey: KeyLike;
let hook: http.Server;
/** Bodies the hook received. */
const hookCalls: any[] = [];
let uniq = 0;
const id = (prefix: string) => `${prefix}-${++uniq}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

const hs256 = (claims: JWTPayload, exp = nowSeconds() + 60, secret = SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(exp).sign(new TextEncoder().encode(secret));
const es256 = (claims: JWTPayload, key = esKey, kid = 'k1') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid }).setExpirationTime(nowSeconds() + 60).sign(key);

before(async () => {
  dir = tempDir('mqdash-device-auth-');
  const pair = await generateKeyPair('ES256');
  esKey = pair.privateKey;
  otherEsKey = (await generateKeyPair('ES256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const jwksFile = path.join(dir, 'jwks.json');
  fs.writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));

  // The hook: password "good" allows, "slow" never answers in time, anything else is denied.
  hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const call = JSON.parse(body);
      hookCalls.push(call);
      if (call.password === 'slow') return; // left hanging: the broker's timeout must end it
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: call.password === 'good' ? 'allow' : 'deny' }));
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(hook.address() as net.AddressInfo).port}/auth`;

  tb = await startBroker({
    mqtt: {
      engine: (process.env.MQDASH_ENGINE as EngineKind | undefined) ?? 'mqdash',
      deviceAuth: { jwt: { secret: SECRET, jwksFile }, http: { url: hookUrl, timeoutMs: 1000, cacheSeconds: 60 } },
    },
  });
});
after(async () => {
  await tb?.close();
  hook?.closeAllConnections();
  await new Promise((r) => hook?.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('JWT as the MQTT password', () => {
  for (const v of [5, 4] as const) {
    test(`MQTT ${v === 5 ? '5' : '3.1.1'}: an HS256 token connects as its sub; a forged, expired or mismatched one is refused (${v === 5 ? '0x86' : 'return code 4'})`, async () => {
      const clientId = id('hs');
      const c = await tb.connect({ clientId, protocolVersion: v, username: 'device-1', password: await hs256({ sub: 'device-1' }) });
      await roundTrip(c);
      assert.equal((await tb.describe(clientId)).username, 'device-1');
      for (const [what, password, username] of [
        ['forged', await hs256({ sub: 'device-1' }, undefined, 'another-secret-of-at-least-32-chars!!'), 'device-1'],
        ['expired', await hs256({ sub: 'device-1' }, nowSeconds() - 10), 'device-1'],
        ['user name not the sub', await hs256({ sub: 'device-1' }), 'device-2'],
        ['no exp', await new SignJWT({ sub: 'device-1' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET)), 'device-1'],
      ] as const) {
        const r = await tb.connectRefused({ clientId: id('hs-bad'), protocolVersion: v, username, password });
        assert.equal(r.code, BAD_CREDENTIALS[v], `${what}: ${r.message}`);
      }
    });
  }

  test('ES256 from the JWKS file: the listed key connects, another key is refused', async () => {
    const c = await tb.connect({ clientId: id('es'), username: 'sensor-9', password: await es256({ sub: 'sensor-9' }) });
    assert.equal(c.connected, true);
    const r = await tb.connectRefused({ clientId: id('es-bad'), username: 'sensor-9', password: await es256({ sub: 'sensor-9' }, otherEsKey) });
    assert.equal(r.code, 0x86, r.message);
  });

  test('expiry during the connection: MQTT 5 gets DISCONNECT 0x87, MQTT 3.1.1 is closed; the will is not published', async () => {
    const watcher = await tb.connect({ clientId: id('watch'), username: 'watcher', password: await hs256({ sub: 'watcher' }) });
    const wills: string[] = [];
    watcher.on('message', (topic) => topic.startsWith('wills/') && wills.push(topic));
    await watcher.subscribeAsync('wills/#', { qos: 1 });
    const exp = nowSeconds() + 2;
    const v5 = await tb.connect({ clientId: id('exp5'), username: 'short', password: await hs256({ sub: 'short' }, exp), will: { topic: 'wills/5', payload: Buffer.from('x'), qos: 0, retain: false } });
    const v4 = await tb.connect({ clientId: id('exp4'), protocolVersion: 4, username: 'short', password: await hs256({ sub: 'short' }, exp), will: { topic: 'wills/4', payload: Buffer.from('x'), qos: 0, retain: false } });
    const started = Date.now();
    const [reason] = await Promise.all([disconnectReason(v5), closed(v4)]);
    assert.equal(reason, 0x87);
    assert.ok(Date.now() >= exp * 1000 - 50, `disconnected ${exp * 1000 - Date.now()} ms before the expiry`);
    assert.ok(Date.now() - started < 10_000);
    await roundTrip(watcher); // anything published before this has arrived
    assert.deepEqual(wills, []);
  });

  test('the acl claim decides publish and subscribe before the stored rules (%u filled)', async () => {
    const clientId = id('acl');
    const c = await tb.connect({ clientId, username: 'dev7', password: await hs256({ sub: 'dev7', acl: { pub: ['devices/%u/#'], sub: ['cmd/%u'] } }) });
    assert.deepEqual((await c.subscribeAsync('cmd/dev7', { qos: 1 })).map((g) => g.qos), [1]);
    await assert.rejects(c.subscribeAsync('cmd/other', { qos: 1 }), /Not authorized/);
    await c.publishAsync('devices/dev7/t', 'ok', { qos: 1 });
    await assert.rejects(c.publishAsync('devices/other/t', 'no', { qos: 1 }), (err: any) => err.code === 0x87 || /0x87|135|Not authorized/i.test(String(err.message)));
    const detail = await tb.describe(clientId);
    assert.deepEqual([detail.accessDenials?.publish, detail.accessDenials?.subscribe], [1, 1], JSON.stringify(detail.accessDenials));
    assert.match(detail.accessDenials.lastDenial, /acl claim/);
    const bad = await tb.connectRefused({ clientId: id('acl-bad'), username: 'dev7', password: await hs256({ sub: 'dev7', acl: { pub: 'devices/#' } }) });
    assert.equal(bad.code, 0x86, bad.message);
  });
});

describe('HTTP auth hook', () => {
  test('a 2xx {"result":"allow"} allows, with the CONNECT\'s fields POSTed; the answer is cached', async () => {
    const clientId = id('hook');
    hookCalls.length = 0;
    const c = await tb.connect({ clientId, protocolVersion: 4, username: 'hooked', password: 'good' });
    assert.equal(hookCalls.length, 1);
    assert.deepEqual(hookCalls[0], { clientId, username: 'hooked', password: 'good', ip: '127.0.0.1', protocolVersion: 4 });
    c.end(true);
    await closed(c);
    // The same CONNECT again: answered from the cache, the hook is not asked.
    await tb.connect({ clientId, protocolVersion: 4, username: 'hooked', password: 'good' });
    assert.equal(hookCalls.length, 1, 'served from the cache');
  });

  test('a deny answer refuses with 0x86 and is cached too', async () => {
    hookCalls.length = 0;
    const clientId = id('hook-deny');
    const r = await tb.connectRefused({ clientId, username: 'hooked', password: 'wrong' });
    assert.equal(r.code, 0x86, r.message);
    const again = await tb.connectRefused({ clientId, username: 'hooked', password: 'wrong' });
    assert.equal(again.code, 0x86, again.message);
    assert.equal(hookCalls.length, 1, 'the deny was cached');
  });

  test('a hook that does not answer in time refuses (0x88), is not cached, and the broker goes on', async () => {
    hookCalls.length = 0;
    const clientId = id('hook-slow');
    const started = Date.now();
    const r = await tb.connectRefused({ clientId, username: 'hooked', password: 'slow' });
    assert.equal(r.code, 0x88, r.message);
    assert.ok(Date.now() - started < 5000, 'refused after the timeout, not the client\'s');
    await tb.connectRefused({ clientId, username: 'hooked', password: 'slow' });
    await waitFor(() => hookCalls.length === 2 || undefined);
    const c = await tb.connect({ clientId: id('hook-after'), username: 'hooked', password: 'good' });
    await roundTrip(c);
  });
});

describe('settings', () => {
  test('a bad JWKS file or secret stops the start, naming the variable', async () => {
    const pino = (await import('pino')).default({ level: 'silent' });
    const accounts = { check: () => ({ ok: true as const, account: null }), admits: () => true };
    const notJson = path.join(dir, 'bad.json');
    fs.writeFileSync(notJson, '{ nope');
    await assert.rejects(DeviceAuthenticator.create(accounts, { jwt: { jwksFile: notJson } }, pino), /^Error: MQTT_JWT_JWKS_FILE: .* is not JSON/);
    const noKeys = path.join(dir, 'nokeys.json');
    fs.writeFileSync(noKeys, JSON.stringify({ keys: [] }));
    await assert.rejects(DeviceAuthenticator.create(accounts, { jwt: { jwksFile: noKeys } }, pino), /MQTT_JWT_JWKS_FILE: not a JWKS: keys:/);
    await assert.rejects(DeviceAuthenticator.create(accounts, { jwt: { jwksFile: path.join(dir, 'missing.json') } }, pino), /MQTT_JWT_JWKS_FILE: cannot read/);
    const shortSecret = path.join(dir, 'secret');
    fs.writeFileSync(shortSecret, 'short\n');
    await assert.rejects(DeviceAuthenticator.create(accounts, { jwt: { secretFile: shortSecret } }, pino), /MQTT_JWT_SECRET_FILE: .* at least 32 characters/);
    // Nothing configured: the accounts themselves.
    assert.equal(await DeviceAuthenticator.create(accounts, {}, pino), accounts);
  });
});
